//! Every mark on a laid-out page says what it is, and what the elements
//! say, read in order, is exactly what the document says: nothing lost,
//! doubled or inserted, whichever pages an element runs over.

use super::*;
use crate::compose::wording;
use crate::frame::{Node, NodeId, Role};
use crate::text::fonts::test_fonts;

/// The default briefing dated `date`, composed and laid out (with "本期新增"
/// when `since` is given, so linked paragraphs are laid out too).
fn laid(date: (i32, u32, u32), since: Option<(i32, u32, u32)>) -> (Document, Laid) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/briefing.toml");
    let config = crate::config::load(&path).unwrap();
    let d = |(y, m, dd)| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let b = crate::content::select(&config, &config.profiles[0], d(date), since.map(d)).unwrap();
    let doc = crate::compose::compose(&config, &b);
    let fonts = test_fonts();
    let laid = layout_document(&doc, &fonts, &config.page).unwrap();
    (doc, laid)
}

/// The text of the runs tagged with each element, by element, in page
/// and painting order; and the pages each element is on.
fn texts(l: &Laid) -> std::collections::HashMap<NodeId, (String, Vec<usize>)> {
    let mut out: std::collections::HashMap<NodeId, (String, Vec<usize>)> = Default::default();
    for (pi, p) in l.pages.iter().enumerate() {
        for it in &p.items {
            if let (Item::Text(t), Tag::Node(id)) = (it, it.tag()) {
                let e = out.entry(id).or_default();
                e.0.extend(t.glyphs.iter().map(|g| g.ch));
                if e.1.last() != Some(&pi) {
                    e.1.push(pi);
                }
            }
        }
    }
    out
}

/// What the document says, as the page shows it: invisible joiners and
/// ideographic spaces set no glyph, and spaces at line ends vanish.
fn shown(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{2060}' | '\u{3000}') && !c.is_whitespace())
        .collect()
}

/// The text of element `id` and everything in it, in reading order.
fn read(
    s: &Structure,
    t: &std::collections::HashMap<NodeId, (String, Vec<usize>)>,
    id: NodeId,
) -> String {
    let mut ids = Vec::new();
    s.walk(id, &mut ids);
    ids.iter()
        .filter_map(|i| t.get(i).map(|x| x.0.as_str()))
        .collect::<String>()
}

/// What block `b` must read as, or `None` for a figure (its chart's own
/// labels are checked by the chart tests; its caption and source below).
fn expected(b: &DocBlock) -> Option<String> {
    let mark = |c: &[usize]| wording::cite_mark(c).unwrap_or_default();
    Some(match b {
        DocBlock::Heading { number, text, .. } => format!("{number}{text}"),
        DocBlock::Paragraph(p, c) | DocBlock::Linked(p, c, _) => format!("{p}{}", mark(c)),
        DocBlock::Note(n) => n.to_string(),
        DocBlock::KeyFigures(cards) => cards
            .iter()
            .map(|c| {
                let new = if c.fact.changed { "新" } else { "" };
                let f = &c.fact.figure;
                format!(
                    "{}{}{}{}{}{new}",
                    c.label, f.before, f.number, f.unit, c.meta
                )
            })
            .collect(),
        DocBlock::Table { caption, table, .. } => {
            let mut s = caption.to_string();
            for c in &table.columns {
                s.push_str(c);
            }
            for r in &table.rows {
                for c in r {
                    s.push_str(c);
                }
            }
            s
        }
        DocBlock::Sources(list) => list
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{}{e}", wording::source_number(i + 1)))
            .collect(),
        DocBlock::Figure { .. } | DocBlock::Contents => return None,
    })
}

/// Checks the briefing; returns how many blocks run over two pages.
fn check(date: (i32, u32, u32), since: Option<(i32, u32, u32)>) -> usize {
    let (doc, l) = laid(date, since);
    let s = &l.structure;
    // Every item says what it is.
    for (pi, p) in l.pages.iter().enumerate() {
        for it in &p.items {
            assert_ne!(
                it.tag(),
                Tag::Unset,
                "page {}: an untagged item {it:?}",
                pi + 1
            );
            if let (Item::Link { .. }, Tag::Node(id)) = (it, it.tag()) {
                assert!(
                    matches!(s.node(id).role, Role::Link { .. }),
                    "a link area outside a link element"
                );
            }
        }
    }
    // Every element tagged on a page is in the document's tree, once.
    let mut all = Vec::new();
    s.walk(s.root(), &mut all);
    let unique: std::collections::HashSet<&NodeId> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "an element reached twice");
    let t = texts(&l);
    for id in t.keys() {
        assert!(
            unique.contains(id),
            "{id:?} is tagged on a page but not in the tree"
        );
    }
    for &id in &all {
        if let Some(p) = s.node(id).parent {
            assert!(
                s.node(p).children.contains(&id),
                "{id:?}: parent does not list it"
            );
        }
    }
    // Each block reads as the document says, over however many pages.
    let mut across = 0;
    for (i, b) in doc.blocks.iter().enumerate() {
        let roots: Vec<NodeId> = (0..s.blocks[i].len() as u32)
            .map(|index| NodeId {
                block: i as u32,
                index,
            })
            .filter(|id| s.node(*id).parent.is_some_and(|p| p.block != i as u32))
            .collect();
        let got: String = roots.iter().map(|r| read(s, &t, *r)).collect();
        if let Some(want) = expected(b) {
            assert_eq!(shown(&got), shown(&want), "block {i} {b:?}");
        }
        let pages: std::collections::BTreeSet<usize> = roots
            .iter()
            .flat_map(|r| t.get(r).map(|x| x.1.clone()).unwrap_or_default())
            .collect();
        across += usize::from(pages.len() > 1);
        if let DocBlock::Figure { number, chart } = b {
            let caption = find(s, roots[0], |r| *r == Role::Caption);
            let want = wording::figure_caption(*number, false, &chart.title);
            assert_eq!(
                shown(&t[&caption].0),
                shown(&want),
                "figure {number}'s caption"
            );
            let fig = find(s, roots[0], |r| matches!(r, Role::Figure { .. }));
            let Role::Figure { alt } = &s.node(fig).role else {
                unreachable!()
            };
            assert!(alt.contains(chart.title.as_str()), "{alt}");
        }
    }
    // Headings sit in sections: the first part of each section.
    for &id in &all {
        if let Role::Heading(_) = s.node(id).role {
            let p = s.node(id).parent.unwrap();
            assert_eq!(s.node(p).role, Role::Section);
            assert_eq!(s.node(p).children[0], id);
        }
    }
    across
}

/// The first element below `id` whose role passes `f`.
fn find(s: &Structure, id: NodeId, f: impl Fn(&Role) -> bool) -> NodeId {
    let mut ids = Vec::new();
    s.walk(id, &mut ids);
    *ids.iter()
        .find(|i| f(&s.node(**i).role))
        .expect("such an element")
}

#[test]
fn every_mark_has_a_role_and_each_element_reads_as_the_document() {
    let across = check((2026, 11, 24), None);
    assert!(
        across > 0,
        "no element ran over two pages: the test checks nothing of that"
    );
}

#[test]
fn linked_news_paragraphs_read_as_the_document_too() {
    check((2026, 11, 24), Some((2024, 8, 1)));
    check((2025, 3, 1), Some((2024, 8, 1)));
}

#[test]
fn a_node_is_what_it_says() {
    // Guard against a tree that is trivially consistent: the default
    // briefing has every kind of element.
    let (_, l) = laid((2026, 11, 24), None);
    let s = &l.structure;
    let mut ids = Vec::new();
    s.walk(s.root(), &mut ids);
    let roles: Vec<&Role> = ids.iter().map(|i| &s.node(*i).role).collect();
    for want in [
        Role::TitleBlock,
        Role::Title,
        Role::Contents,
        Role::ContentsItem,
        Role::Section,
        Role::Heading(1),
        Role::Heading(2),
        Role::Paragraph,
        Role::Cards,
        Role::Card,
        Role::CardLabel,
        Role::CardBody,
        Role::CardValue,
        Role::Table,
        Role::TableRow,
        Role::DataCell,
        Role::Caption,
        Role::FigureGroup,
        Role::List,
        Role::ListItem,
    ] {
        assert!(roles.contains(&&want), "no {want:?}");
    }
    let n: &Node = s.node(s.root());
    assert_eq!(n.role, Role::Document);
}
