//! Marked content: each stretch of a page's operations that draws one
//! element's content is bracketed `/P <</MCID n>> BDC … EMC`, numbered on
//! its page, so the structure tree can point at it; each stretch that is
//! not content is bracketed `/Artifact … BDC … EMC`, so readers skip it.
//!
//! Sequences must nest properly with text objects (ISO 32000-1 §14.6): one
//! begun inside `BT … ET` ends inside it, and one begun outside holds the
//! text objects begun in it whole. So a sequence begins inside the text
//! object when one is open (a paragraph after a heading: switching
//! elements costs no new text object) and outside otherwise (a chart's
//! paths and labels: one sequence for the whole figure).

use printpdf::{DictItem, Op};

use super::tags::kind;
use crate::frame::{Artifact, NodeId, Structure, Tag};

/// The marking state of one page's operations.
pub(super) struct Marker<'s> {
    /// The structure the tags name; `None` writes no marks (a plain PDF).
    structure: Option<&'s Structure>,
    /// The open sequence: what it marks, and whether it was begun inside
    /// a text object.
    open: Option<(Tag, bool)>,
    /// The element each marked-content id of the page belongs to, by id.
    pub(super) mcids: Vec<NodeId>,
}

impl<'s> Marker<'s> {
    /// A marker for one page; with no structure it marks nothing.
    pub(super) fn new(structure: Option<&'s Structure>) -> Marker<'s> {
        Marker {
            structure,
            open: None,
            mcids: Vec::new(),
        }
    }

    /// Whether content tagged `tag` needs a new sequence.
    pub(super) fn needs(&self, tag: Tag) -> bool {
        self.structure.is_some() && self.open.map(|(t, _)| t) != Some(tag)
    }

    /// Whether the open sequence was begun outside a text object, and so
    /// holds any text object begun since.
    pub(super) fn holds_text(&self) -> bool {
        matches!(self.open, Some((_, false)))
    }

    /// Ends the open sequence if it was begun inside a text object: before
    /// the text object ends.
    pub(super) fn leave_text(&mut self, ops: &mut Vec<Op>) {
        if matches!(self.open, Some((_, true))) {
            self.end(ops);
        }
    }

    /// Ends the open sequence, if any.
    pub(super) fn end(&mut self, ops: &mut Vec<Op>) {
        if self.open.take().is_some() {
            ops.push(Op::EndMarkedContent);
        }
    }

    /// Begins a sequence for content tagged `tag`; the caller has ended
    /// the one before.
    pub(super) fn begin(&mut self, ops: &mut Vec<Op>, tag: Tag, in_text: bool) {
        let Some(structure) = self.structure else {
            return;
        };
        debug_assert!(self.open.is_none());
        self.open = Some((tag, in_text));
        let name = |n: &[u8]| DictItem::Name(n.to_vec());
        let dict = |entries: Vec<(&str, DictItem)>| DictItem::Dict {
            map: entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        };
        let artifact = |properties| Op::BeginMarkedContentWithProperties {
            tag: "Artifact".into(),
            properties,
        };
        ops.push(match tag {
            Tag::Node(id) => {
                let mcid = self.mcids.len() as i64;
                self.mcids.push(id);
                Op::BeginMarkedContentWithProperties {
                    tag: kind(&structure.node(id).role).into(),
                    properties: dict(vec![("MCID", DictItem::Int(mcid))]),
                }
            }
            // Running header and footer: pagination artifacts of their
            // kind, which a reader may announce or skip as such.
            Tag::Artifact(a @ (Artifact::Header | Artifact::Footer)) => {
                let sub: &[u8] = if a == Artifact::Header {
                    b"Header"
                } else {
                    b"Footer"
                };
                artifact(dict(vec![
                    ("Type", name(b"Pagination")),
                    ("Subtype", name(sub)),
                ]))
            }
            // A table's header or a figure's caption repeated on a
            // continuation page: there because the page broke.
            Tag::Artifact(Artifact::Repeat) => artifact(dict(vec![("Type", name(b"Pagination"))])),
            // Rules, fills, grid lines, leaders; a hyphen where a word
            // breaks. (Never `Unset` on a finished page: the layout's tests.)
            Tag::Artifact(Artifact::Decoration | Artifact::Hyphen) | Tag::Unset => {
                Op::BeginMarkedContent {
                    tag: "Artifact".into(),
                }
            }
        });
    }
}
