//! The elements of one block, numbered as the block is set: each builder
//! adds the elements it makes (a paragraph, a table with its rows and
//! cells, a figure with its caption) and tags its items with them.

use crate::frame::{Item, Node, NodeId, Role, Tag};

/// One block's elements.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    block: u32,
    pub(crate) nodes: Vec<Node>,
}

impl Tree {
    /// The elements of block `block`.
    pub(crate) fn new(block: u32) -> Tree {
        Tree {
            block,
            nodes: Vec::new(),
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

/// Tags every item of `items` not yet tagged as part of `id`.
pub(crate) fn claim(items: &mut [Item], id: NodeId) {
    for it in items {
        if it.tag() == Tag::Unset {
            it.set_tag(Tag::Node(id));
        }
    }
}
