//! Every text of a composed document and of the mail digest, converted.

use super::Converter;
use crate::compose::{Card, DocBlock, Document};
use crate::content::{ChartData, TableContent};
use crate::origin::Text;

/// `doc` in the converter's edition.
pub(crate) fn document(doc: &mut Document, c: &Converter) {
    if !c.language().traditional() {
        return;
    }
    let t = |x: &mut Text| *x = c.text(x);
    t(&mut doc.title);
    doc.subtitle.iter_mut().for_each(t);
    t(&mut doc.organisation);
    t(&mut doc.author);
    doc.classification.iter_mut().for_each(t);
    t(&mut doc.date_text);
    t(&mut doc.subject);
    doc.keywords.iter_mut().for_each(t);
    t(&mut doc.contents_title);
    for b in &mut doc.blocks {
        block(b, c);
    }
}

/// One block's texts.
fn block(b: &mut DocBlock, c: &Converter) {
    let t = |x: &mut Text| *x = c.text(x);
    match b {
        DocBlock::Heading { text, .. } => t(text),
        DocBlock::Paragraph(x, _) | DocBlock::Linked(x, _, _) | DocBlock::Note(x) => t(x),
        DocBlock::KeyFigures(cards) => cards.iter_mut().for_each(|k| card(k, c)),
        DocBlock::Table { caption, table, .. } => {
            t(caption);
            self::table(table, c);
        }
        DocBlock::Figure { chart, .. } => self::chart(chart, c),
        DocBlock::Sources(list) => list.iter_mut().for_each(t),
        DocBlock::Contents => {}
    }
}

fn card(k: &mut Card, c: &Converter) {
    let t = |x: &mut Text| *x = c.text(x);
    t(&mut k.label);
    t(&mut k.meta);
    t(&mut k.fact.label);
    t(&mut k.fact.period);
    k.fact.region_name.iter_mut().for_each(t);
    t(&mut k.fact.figure.before);
    t(&mut k.fact.figure.number);
    t(&mut k.fact.figure.unit);
}

fn table(x: &mut TableContent, c: &Converter) {
    let t = |x: &mut Text| *x = c.text(x);
    t(&mut x.caption);
    x.columns.iter_mut().for_each(t);
    x.rows.iter_mut().flatten().for_each(t);
}

fn chart(x: &mut ChartData, c: &Converter) {
    let t = |x: &mut Text| *x = c.text(x);
    t(&mut x.title);
    x.unit.iter_mut().for_each(t);
    x.x_label.iter_mut().for_each(t);
    x.y_label.iter_mut().for_each(t);
    x.note.iter_mut().for_each(t);
    t(&mut x.source_line);
    x.language = c.language();
    for s in &mut x.series {
        t(&mut s.name);
        for p in &mut s.points {
            for f in [
                &mut p.label,
                &mut p.text,
                &mut p.before,
                &mut p.after,
                &mut p.detail,
                &mut p.written,
            ] {
                t(f);
            }
        }
    }
    if let Some(p) = &mut x.projection {
        t(&mut p.name);
        if let Some(Some(i)) = &mut p.index {
            t(i);
        }
    }
}

/// The mail digest in the converter's edition.
pub(crate) fn digest(d: &mut crate::compose::Digest, c: &Converter) {
    if !c.language().traditional() {
        return;
    }
    for (label, value, period) in &mut d.key_figures {
        for s in [label, value, period] {
            *s = c.string(s);
        }
    }
    for line in &mut d.news {
        *line = c.string(line);
    }
}
