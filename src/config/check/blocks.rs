//! The blocks of theme sections — paragraphs and tables (charts in
//! `charts`) — and the analyst's summary paragraphs, with the
//! placeholders in their text checked against the facts.

use std::collections::BTreeMap;

use toml::Spanned;

use super::super::model::*;
use super::super::schema::*;
use super::super::values::{fact_ref, parse_template, plain_text, source_refs};
use super::charts::chart;
use super::ids::Regions;
use crate::error::{Kind, Result};
use crate::source::SourceFile;

/// One `[[section.block]]`: exactly one of paragraph, table or chart.
pub(super) fn block(
    f: &SourceFile,
    b: &Spanned<RawBlock>,
    facts: &BTreeMap<String, Fact>,
    sources: &BTreeMap<String, Source>,
    regions: &Regions,
) -> Result<Block> {
    let raw = b.get_ref();
    let n = raw.paragraph.is_some() as u8 + raw.table.is_some() as u8 + raw.chart.is_some() as u8;
    if n != 1 {
        return Err(f.error(
            Kind::Data,
            b.span(),
            "a block needs exactly one of `paragraph`, `table` or `chart`",
        ));
    }
    let srcs = source_refs(f, Kind::Data, raw.sources.as_deref(), sources)?;
    let region = regions.check(f, &raw.region)?;
    let kind = if let Some(p) = &raw.paragraph {
        let text = parse_template(f, p, facts)?;
        if text.facts().next().is_none() && srcs.is_empty() {
            return Err(f.error(Kind::Data, p.span(), "a paragraph with no placeholder must name its sources: add `sources = [\"source-id\"]` to the block"));
        }
        BlockKind::Paragraph(text)
    } else if let Some(t) = &raw.table {
        BlockKind::Table(table(f, b, t, facts, !srcs.is_empty(), regions)?)
    } else {
        let c = raw.chart.as_ref().expect("one of three");
        BlockKind::Chart(Box::new(chart(f, c, facts)?))
    };
    Ok(Block {
        kind,
        sources: srcs,
        region,
    })
}

/// A table: standard fact columns, or free-form cells.
fn table(
    f: &SourceFile,
    b: &Spanned<RawBlock>,
    t: &RawTable,
    facts: &BTreeMap<String, Fact>,
    has_sources: bool,
    regions: &Regions,
) -> Result<Table> {
    let caption = plain_text(f, &t.caption, Kind::Data, "a table caption")?;
    let columns = t
        .columns
        .iter()
        .flatten()
        .map(|c| plain_text(f, c, Kind::Data, "a column heading"))
        .collect::<Result<Vec<Text>>>()?;
    let body = match (&t.facts, &t.columns, &t.rows) {
        (Some(ids), None, None) => {
            if ids.is_empty() {
                return Err(f.error(Kind::Data, b.span(), "table `facts` is empty"));
            }
            if let Some(rr) = &t.row_regions {
                return Err(f.error(
                    Kind::Data,
                    rr.span(),
                    "`row_regions` belongs to a free-form table; a fact table takes each row's region from its fact",
                ));
            }
            TableBody::Facts(
                ids.iter()
                    .map(|s| fact_ref(f, s, facts))
                    .collect::<Result<_>>()?,
            )
        }
        (None, Some(_), Some(rows)) => free(f, b, t, columns, rows, facts, has_sources, regions)?,
        _ => {
            return Err(f.error(
                Kind::Data,
                b.span(),
                "a table needs either `facts`, or `columns` and `rows`",
            ));
        }
    };
    Ok(Table { caption, body })
}

/// A free-form table: a cell per column in every row, each row dated by
/// a fact or by the block's sources, and an optional region per row.
#[allow(clippy::too_many_arguments)]
fn free(
    f: &SourceFile,
    b: &Spanned<RawBlock>,
    t: &RawTable,
    cols: Vec<Text>,
    rows: &[Vec<Spanned<String>>],
    facts: &BTreeMap<String, Fact>,
    has_sources: bool,
    regions: &Regions,
) -> Result<TableBody> {
    if cols.is_empty() || rows.is_empty() {
        return Err(f.error(
            Kind::Data,
            b.span(),
            "a free-form table needs columns and at least one row",
        ));
    }
    let mut out = Vec::new();
    for row in rows {
        let span = row.first().map(|c| c.span()).unwrap_or(b.span());
        if row.len() != cols.len() {
            return Err(f.error(
                Kind::Data,
                span,
                format!(
                    "row has {} cells; expected {} (one per column)",
                    row.len(),
                    cols.len()
                ),
            ));
        }
        let cells: Vec<Template> = row
            .iter()
            .map(|c| parse_template(f, c, facts))
            .collect::<Result<_>>()?;
        // A row that states no fact says something in words: the
        // table must then name the sources that date it.
        if !has_sources && cells.iter().all(|c| c.facts().next().is_none()) {
            return Err(f.error(
                Kind::Data,
                span,
                "this row has no placeholder, so nothing dates it: add `sources = [\"source-id\"]` to the table's block",
            ));
        }
        out.push(cells);
    }
    let row_regions = row_regions(f, t, out.len(), regions)?;
    Ok(TableBody::Free {
        columns: cols,
        rows: out,
        row_regions,
    })
}

/// The region of each row of a free-form table (`""` for none).
fn row_regions(
    f: &SourceFile,
    t: &RawTable,
    rows: usize,
    regions: &Regions,
) -> Result<Vec<Option<String>>> {
    let Some(rr) = &t.row_regions else {
        return Ok(vec![None; rows]);
    };
    if rr.get_ref().len() != rows {
        return Err(f.error(
            Kind::Data,
            rr.span(),
            format!(
                "`row_regions` has {} entries for {rows} rows; expected one per row (\"\" for none)",
                rr.get_ref().len(),
            ),
        ));
    }
    rr.get_ref()
        .iter()
        .map(|r| {
            if r.get_ref().is_empty() {
                Ok(None)
            } else {
                regions.check(f, &Some(r.clone()))
            }
        })
        .collect()
}

/// A curated paragraph (summary line) checked against the catalogue.
pub(in super::super) fn curated(
    f: &SourceFile,
    kind: Kind,
    p: &Spanned<RawParagraph>,
    catalog: &Catalog,
) -> Result<Curated> {
    let raw = p.get_ref();
    let sources = source_refs(f, kind, raw.sources.as_deref(), &catalog.sources)?;
    let text = parse_template(f, &raw.paragraph, &catalog.facts)?;
    if text.facts().next().is_none() && sources.is_empty() {
        return Err(f.error(
            kind,
            raw.paragraph.span(),
            "a paragraph with no placeholder must name its sources: add `sources = [\"source-id\"]` next to it",
        ));
    }
    Ok(Curated { text, sources })
}
