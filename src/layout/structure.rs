//! Puts the blocks' elements together into the document's logical
//! structure: the document, then sections opened by headings (a level-1
//! heading closes every open section, a level-2 one closes open level-2
//! sections), and each block's top elements in the section it falls in.

use super::tree::Tree;
use crate::compose::{DocBlock, Document};
use crate::frame::{Node, NodeId, Role, Structure};

/// The structure of `doc`, from each block's elements (`blocks`, in the
/// document's order) and those of the title block and the contents list.
pub(crate) fn assemble(
    doc: &Document,
    blocks: Vec<Tree>,
    title: Tree,
    contents: Tree,
) -> Structure {
    let n = doc.blocks.len() as u32;
    let mut top = Tree::new(n + 2);
    let root = top.add(Role::Document, None);
    let mut trees: Vec<Vec<Node>> = blocks.into_iter().map(|t| t.nodes).collect();
    let title_roots: Vec<NodeId> = title.roots().collect();
    let contents_roots: Vec<NodeId> = contents.roots().collect();
    trees.push(title.nodes);
    trees.push(contents.nodes);
    let mut links: Vec<(NodeId, NodeId)> = Vec::new();
    for r in title_roots {
        links.push((r, root));
    }
    let mut open: Vec<(u8, NodeId)> = Vec::new();
    for (i, block) in doc.blocks.iter().enumerate() {
        let roots: Vec<NodeId> = roots_of(&trees[i], i as u32);
        let parent = match block {
            DocBlock::Contents => {
                for &r in &contents_roots {
                    links.push((r, root));
                }
                continue;
            }
            DocBlock::Heading { level, .. } => {
                while open.last().is_some_and(|(l, _)| *l >= *level) {
                    open.pop();
                }
                let outer = open.last().map_or(root, |(_, s)| *s);
                let section = top.add(Role::Section, Some(outer));
                open.push((*level, section));
                section
            }
            _ => open.last().map_or(root, |(_, s)| *s),
        };
        for r in roots {
            links.push((r, parent));
        }
    }
    trees.push(top.nodes);
    // A top element's place among its parent's parts follows the document
    // order in which it was linked; sections were added to the top tree
    // as they opened, so each parent's parts are ordered by the order of
    // the links and the top tree's own additions together.
    let mut s = Structure { blocks: trees };
    order_children(&mut s, &links);
    s
}

/// A block's top elements.
fn roots_of(nodes: &[Node], block: u32) -> Vec<NodeId> {
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, _)| NodeId {
            block,
            index: i as u32,
        })
        .collect()
}

/// Links each block's top elements to their parents, in document order.
/// Sections (elements of the top tree) already sit in their parents'
/// parts; a block's elements go after the sections opened before them.
fn order_children(s: &mut Structure, links: &[(NodeId, NodeId)]) {
    let top = s.blocks.len() as u32 - 1;
    // Rebuild every top-tree parent's parts in document order: a section
    // appears where its heading's block does.
    let mut parts: Vec<Vec<NodeId>> = vec![Vec::new(); s.blocks[top as usize].len()];
    let mut placed_sections = vec![false; s.blocks[top as usize].len()];
    for &(child, parent) in links {
        // A section is placed among its parent's parts just before the
        // first element it holds.
        if parent.block == top && parent.index != 0 && !placed_sections[parent.index as usize] {
            place_section(s, parent, &mut parts, &mut placed_sections);
        }
        s.blocks[child.block as usize][child.index as usize].parent = Some(parent);
        parts[parent.index as usize].push(child);
    }
    for (i, p) in parts.into_iter().enumerate() {
        s.blocks[top as usize][i].children = p;
    }
}

/// Places section `sec` (and any open section above it not yet placed)
/// among its parent's parts.
fn place_section(s: &Structure, sec: NodeId, parts: &mut [Vec<NodeId>], placed: &mut [bool]) {
    let parent = s.node(sec).parent.expect("a section has a parent");
    if parent.index != 0 && !placed[parent.index as usize] {
        place_section(s, parent, parts, placed);
    }
    parts[parent.index as usize].push(sec);
    placed[sec.index as usize] = true;
}
