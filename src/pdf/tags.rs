//! The structure tree (ISO 32000-1 §14.7–14.8): the document's elements
//! as standard structure types, each pointing at the marked content its
//! pages drew for it and, for links, at its annotations; with the parent
//! tree that leads from content back to its element.
//!
//! An element's parts are its sub-elements in the order the pages draw
//! them (the layout's reading order, but for a figure it moved behind the
//! text that follows), with its own content placed among them where it was
//! drawn: so a paragraph continued over a page break is one element with
//! content on two pages, and a reader following the tree reads the text in
//! the order the pages show it.
//! Elements that drew nothing are left out.

use lopdf::{Dictionary, Document as Lo, Object, ObjectId};

use super::text;
use crate::error::{Error, Kind, Result};
use crate::frame::{NodeId, Role, Scope, Structure};

/// The standard structure type (ISO 32000-1 §14.8.4) an element is
/// written as; `Title` is the one type of ours, role-mapped to `P`.
pub(super) fn kind(role: &Role) -> &'static str {
    match role {
        Role::Document => "Document",
        Role::Section => "Sect",
        Role::TitleBlock | Role::FigureGroup => "Div",
        Role::Title => "Title",
        Role::Heading(1) => "H1",
        Role::Heading(2) => "H2",
        Role::Heading(3) => "H3",
        Role::Heading(4) => "H4",
        Role::Heading(5) => "H5",
        Role::Heading(_) => "H6",
        Role::Paragraph | Role::Note | Role::SourceLine | Role::CardValue | Role::CardMeta => "P",
        Role::List | Role::Cards => "L",
        Role::ListItem | Role::Card => "LI",
        Role::ListLabel | Role::CardLabel => "Lbl",
        Role::ListBody | Role::CardBody => "LBody",
        Role::Contents => "TOC",
        Role::ContentsItem => "TOCI",
        Role::Link { .. } => "Link",
        Role::Table => "Table",
        Role::TableHead => "THead",
        Role::TableBody => "TBody",
        Role::TableRow => "TR",
        Role::HeaderCell(_) => "TH",
        Role::DataCell => "TD",
        Role::Caption => "Caption",
        Role::Figure { .. } => "Figure",
    }
}

/// Types of ours and the standard type each stands for. The briefing's
/// title is not a heading of the outline (its H1 are the themes), and
/// PDF 1.7 has no title type: readers that know PDF 2.0's `Title` see
/// it, the others a paragraph.
const ROLE_MAP: &[(&str, &str)] = &[("Title", "P")];

/// A link annotation as written, for the structure tree.
#[derive(Debug, Clone, Copy)]
pub(super) struct Annotation {
    /// Its page's index.
    pub(super) page: usize,
    /// The annotation object.
    pub(super) object: ObjectId,
    /// The link element it belongs to.
    pub(super) node: Option<NodeId>,
}

/// A part of an element that is not an element.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// Marked content `mcid` on page `page`.
    Marked { page: usize, mcid: usize },
    /// An annotation on page `page`.
    Annot { page: usize, object: ObjectId },
}

impl Content {
    /// Where it is in the order the pages were drawn.
    fn at(&self) -> (usize, usize) {
        match *self {
            Content::Marked { page, mcid } => (page, mcid),
            // After the page's marked content (annotations are not drawn
            // in the stream), so a link's own text reads first.
            Content::Annot { page, .. } => (page, usize::MAX),
        }
    }
}

/// Writes the structure tree of `structure` into `lo`: `mcids` gives,
/// for each page, the element each of its marked-content ids belongs to;
/// `annots` the link annotations and their elements. Sets each page's
/// `/StructParents` and each annotation's `/StructParent`, and returns the
/// structure tree root.
pub(super) fn write(
    lo: &mut Lo,
    structure: &Structure,
    mcids: &[Vec<NodeId>],
    page_ids: &[ObjectId],
    annots: &[Annotation],
) -> Result<ObjectId> {
    let flat = Flat::of(structure);
    let own = own_content(&flat, mcids, annots);
    let mut tree = Tree {
        structure,
        own: &own,
        first: vec![None; flat.len()],
        page_ids,
        elements: vec![None; flat.len()],
        flat,
    };
    let root = structure.root();
    tree.first_of(root);
    let root_id = lo.new_object_id();
    let document = lo.new_object_id();
    let top = tree.element(lo, root, document, root_id)?;
    let (parent_tree, next) = parent_tree(lo, &tree, mcids, annots)?;
    let mut role_map = Dictionary::new();
    for (ours, standard) in ROLE_MAP {
        role_map.set(*ours, Object::Name(standard.as_bytes().to_vec()));
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    dict.set("K", Object::Reference(top));
    dict.set("ParentTree", Object::Reference(lo.add_object(parent_tree)));
    dict.set("ParentTreeNextKey", Object::Integer(next));
    dict.set("RoleMap", role_map);
    lo.objects.insert(root_id, Object::Dictionary(dict));
    Ok(root_id)
}

/// Elements numbered one after another across blocks, so per-element
/// facts live in vectors (a hash map per lookup cost a tenth of the
/// tagging time).
struct Flat(Vec<usize>);

impl Flat {
    fn of(structure: &Structure) -> Flat {
        let mut start = Vec::with_capacity(structure.blocks.len() + 1);
        let mut n = 0;
        for b in &structure.blocks {
            start.push(n);
            n += b.len();
        }
        start.push(n);
        Flat(start)
    }

    fn len(&self) -> usize {
        *self.0.last().unwrap_or(&0)
    }

    fn at(&self, id: NodeId) -> usize {
        self.0[id.block as usize] + id.index as usize
    }
}

/// Each element's own content, in drawing order.
fn own_content(flat: &Flat, mcids: &[Vec<NodeId>], annots: &[Annotation]) -> Vec<Vec<Content>> {
    let mut own: Vec<Vec<Content>> = vec![Vec::new(); flat.len()];
    for (page, ids) in mcids.iter().enumerate() {
        for (mcid, id) in ids.iter().enumerate() {
            own[flat.at(*id)].push(Content::Marked { page, mcid });
        }
    }
    for a in annots {
        if let Some(id) = a.node {
            own[flat.at(id)].push(Content::Annot {
                page: a.page,
                object: a.object,
            });
        }
    }
    for parts in &mut own {
        parts.sort_by_key(Content::at);
    }
    own
}

/// The parent tree, from each page's marked content and from each
/// annotation back to its element, with the next free key; sets the keys
/// on the pages and annotations.
fn parent_tree(
    lo: &mut Lo,
    tree: &Tree,
    mcids: &[Vec<NodeId>],
    annots: &[Annotation],
) -> Result<(Dictionary, i64)> {
    let mut nums = Vec::new();
    for (page, ids) in mcids.iter().enumerate() {
        if ids.is_empty() {
            continue;
        }
        let refs = ids
            .iter()
            .map(|id| tree.element_of(*id).map(Object::Reference))
            .collect::<Result<Vec<_>>>()?;
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(refs));
        let key = Object::Integer(page as i64);
        set(lo, tree.page_ids[page], "StructParents", key)?;
    }
    let mut next = mcids.len() as i64;
    for a in annots {
        let Some(id) = a.node else { continue };
        nums.push(Object::Integer(next));
        nums.push(Object::Reference(tree.element_of(id)?));
        set(lo, a.object, "StructParent", Object::Integer(next))?;
        next += 1;
    }
    let mut dict = Dictionary::new();
    dict.set("Nums", Object::Array(nums));
    Ok((dict, next))
}

/// Sets `key` of the dictionary object `id`.
fn set(lo: &mut Lo, id: ObjectId, key: &str, value: Object) -> Result<()> {
    lo.get_object_mut(id)
        .and_then(|o| o.as_dict_mut())
        .map_err(|e| Error::new(Kind::Software, format!("PDF object {id:?} unreadable: {e}")))?
        .set(key, value);
    Ok(())
}

/// The tree being written.
struct Tree<'a> {
    structure: &'a Structure,
    /// Each element's own content, in drawing order.
    own: &'a [Vec<Content>],
    /// Where each element's first content (its own or a part's) was
    /// drawn; `None` for elements that drew nothing.
    first: Vec<Option<(usize, usize)>>,
    page_ids: &'a [ObjectId],
    /// The object written for each element.
    elements: Vec<Option<ObjectId>>,
    /// Where each element's facts are in the vectors.
    flat: Flat,
}

impl Tree<'_> {
    /// Computes where `id` and each element below it first drew.
    fn first_of(&mut self, id: NodeId) -> Option<(usize, usize)> {
        let mut first = self.own[self.flat.at(id)].first().map(Content::at);
        for &c in &self.structure.node(id).children {
            let f = self.first_of(c);
            first = match (first, f) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let at = self.flat.at(id);
        self.first[at] = first;
        first
    }

    /// The object written for element `id`.
    fn element_of(&self, id: NodeId) -> Result<ObjectId> {
        self.elements[self.flat.at(id)].ok_or_else(|| {
            Error::new(
                Kind::Software,
                format!("content is tagged with an element that was not written ({id:?})"),
            )
        })
    }

    /// Writes element `id` and those below it as object `object` with
    /// parent `parent`; returns `object`, or a wrapper's when the type
    /// needs one. Each dictionary is made whole from its entries (one
    /// allocation, no entry set twice): with hundreds of elements,
    /// building them entry by entry was most of the tagging time.
    fn element(
        &mut self,
        lo: &mut Lo,
        id: NodeId,
        object: ObjectId,
        parent: ObjectId,
    ) -> Result<ObjectId> {
        let at = self.flat.at(id);
        self.elements[at] = Some(object);
        let node = self.structure.node(id);
        // A contents entry's link is a reference to the part it names.
        let wrapper = (matches!(node.role, Role::Link { .. })
            && node
                .parent
                .is_some_and(|p| self.structure.node(p).role == Role::ContentsItem))
        .then(|| lo.new_object_id());
        let own = self.own[at].as_slice();
        let mut kids = Vec::new();
        let mut pg: Option<usize> = None;
        let mut mine = own.iter().peekable();
        // Parts in the order the pages draw them: a figure the layout
        // moved behind the text that follows it is read where it is seen.
        let mut children: Vec<NodeId> = node
            .children
            .iter()
            .copied()
            .filter(|&c| self.first[self.flat.at(c)].is_some())
            .collect();
        children.sort_by_key(|&c| self.first[self.flat.at(c)]);
        for c in children {
            let at = self.first[self.flat.at(c)].expect("kept for drawing something");
            while let Some(m) = mine.next_if(|m| m.at() < at) {
                kids.push(self.content(m, &mut pg));
            }
            let child = lo.new_object_id();
            let written = self.element(lo, c, child, object)?;
            kids.push(Object::Reference(written));
        }
        for m in mine {
            kids.push(self.content(m, &mut pg));
        }
        let mut entries: Vec<(&str, Object)> = Vec::with_capacity(6);
        entries.push(("S", Object::Name(kind(&node.role).as_bytes().to_vec())));
        entries.push(("P", Object::Reference(wrapper.unwrap_or(parent))));
        if let Some(p) = pg {
            entries.push(("Pg", Object::Reference(self.page_ids[p])));
        }
        entries.push((
            "K",
            match kids.len() {
                1 => kids.pop().expect("one"),
                _ => Object::Array(kids),
            },
        ));
        attributes(&mut entries, &node.role);
        lo.objects
            .insert(object, Object::Dictionary(Dictionary::from_iter(entries)));
        if let Some(w) = wrapper {
            let r = Dictionary::from_iter([
                ("S", Object::Name(b"Reference".to_vec())),
                ("P", Object::Reference(parent)),
                ("K", Object::Reference(object)),
            ]);
            lo.objects.insert(w, Object::Dictionary(r));
            return Ok(w);
        }
        Ok(object)
    }

    /// A part that is content: a marked-content id (bare when on the
    /// element's page `pg`, the first page it draws on) or an object
    /// reference to an annotation.
    fn content(&self, c: &Content, pg: &mut Option<usize>) -> Object {
        match *c {
            Content::Marked { page, mcid } => {
                if pg.is_none() {
                    *pg = Some(page);
                }
                if *pg == Some(page) {
                    Object::Integer(mcid as i64)
                } else {
                    Object::Dictionary(Dictionary::from_iter([
                        ("Type", Object::Name(b"MCR".to_vec())),
                        ("Pg", Object::Reference(self.page_ids[page])),
                        ("MCID", Object::Integer(mcid as i64)),
                    ]))
                }
            }
            Content::Annot { page, object } => Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"OBJR".to_vec())),
                ("Pg", Object::Reference(self.page_ids[page])),
                ("Obj", Object::Reference(object)),
            ])),
        }
    }
}

/// What a type's element says beyond its parts: a header cell's scope,
/// a figure's text alternative, a numbered list's numbering.
fn attributes(entries: &mut Vec<(&str, Object)>, role: &Role) {
    let attr = |owner: &[u8], key: &str, value: &[u8]| {
        let mut a = Dictionary::new();
        a.set("O", Object::Name(owner.to_vec()));
        a.set(key, Object::Name(value.to_vec()));
        Object::Dictionary(a)
    };
    match role {
        Role::HeaderCell(Scope::Column) => entries.push(("A", attr(b"Table", "Scope", b"Column"))),
        Role::Figure { alt } => entries.push(("Alt", text(alt))),
        Role::List => entries.push(("A", attr(b"List", "ListNumbering", b"Decimal"))),
        _ => {}
    }
}
