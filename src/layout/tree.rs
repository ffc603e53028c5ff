//! The elements of one block, numbered as the block is set: each builder
//! adds the elements it makes (a paragraph, a table with its rows and
//! cells, a figure with its caption) and tags its items with them.

use crate::error::{Error, Kind};
use crate::frame::{Item, Node, NodeId, Role, Tag};
use crate::origin::AsText;
use crate::text::SetLine;

/// One block's elements, and what setting them warned of.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    block: u32,
    pub(crate) nodes: Vec<Node>,
    /// Warnings, placed at their origins once the run resolves them.
    pub(crate) warnings: Vec<Error>,
}

impl Tree {
    /// The elements of block `block`.
    pub(crate) fn new(block: u32) -> Tree {
        Tree {
            block,
            nodes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds an element as the last part of `parent` (of the block's own,
    /// or `None` for a top element the document places).
    pub(crate) fn add(&mut self, role: Role, parent: Option<NodeId>) -> NodeId {
        let id = NodeId {
            block: self.block,
            index: self.nodes.len() as u32,
        };
        if let Some(p) = parent {
            debug_assert_eq!(p.block, self.block);
            self.nodes[p.index as usize].children.push(id);
        }
        self.nodes.push(Node {
            role,
            parent,
            children: Vec::new(),
            anchor: None,
        });
        id
    }

    /// Makes `id` the target of links to `anchor`.
    pub(crate) fn anchor(&mut self, id: NodeId, anchor: &str) {
        self.nodes[id.index as usize].anchor = Some(anchor.to_string());
    }

    /// The block's top elements, which the document places.
    pub(crate) fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent.is_none())
            .map(|(i, _)| NodeId {
                block: self.block,
                index: i as u32,
            })
    }
}

impl Tree {
    /// Warns of every line of `lines` (set from `text`) that ends at a
    /// last-resort break: a run wider than its box broken where no rule
    /// allows it, rather than out of its box.
    pub(crate) fn forced(&mut self, lines: &[SetLine], text: &(impl AsText + ?Sized), what: &str) {
        let text = text.as_text();
        for l in lines {
            if let Some(at) = l.forced {
                let run: String = text[at..].chars().take(12).collect();
                self.warnings.push(Error::at_origin(
                    Kind::Data,
                    text.origin_at(at),
                    format!(
                        "{what}: “{run}…” is wider than its box and cannot break by the rules; it was broken here instead (shorten it, or give it a break such as a space)"
                    ),
                ));
            }
        }
    }
}

/// Tags every item of `items` not yet tagged as part of `id`.
pub(crate) fn claim(items: &mut [Item], id: NodeId) {
    for it in items {
        if it.tag() == Tag::Unset {
            it.set_tag(Tag::Node(id));
        }
    }
}
