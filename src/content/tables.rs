//! Tables as a briefing shows them on a date: a fact table's standard
//! columns, or free-form rows with their placeholders filled, rows of
//! unselected regions dropped and the rest in the profile's region order.

use super::selector::{Selector, in_region_order};
use super::*;
use crate::config::{Fact, Field, Part, TableBody, Text, Value};

impl Selector<'_> {
    /// The table, or `None` when none of its rows is known by the date.
    // Kept whole: the two kinds of table share the citing and ordering around them, and each arm is a few lines.
    pub(super) fn table(
        &mut self,
        caption: &Text,
        body: &TableBody,
        extra: &[String],
    ) -> Option<TableContent> {
        let content = match body {
            TableBody::Facts(ids) => {
                let facts: Vec<&Fact> = ids.iter().filter_map(|id| self.fact(id)).collect();
                let facts = in_region_order(
                    facts
                        .into_iter()
                        .map(|f| (self.region_rank(&f.region), f))
                        .collect(),
                );
                if facts.is_empty() {
                    return None;
                }
                let mut rows = Vec::new();
                for f in facts {
                    self.cite_fact(f);
                    rows.push(vec![
                        f.label.clone(),
                        format::with_unit(f),
                        f.period.clone(),
                        format::field(f, Field::Source, &self.catalog.sources),
                    ]);
                }
                TableContent {
                    caption: caption.clone(),
                    columns: ["指标", "数值", "时期", "来源"].map(Text::plain).to_vec(),
                    rows,
                    numeric: vec![false, true, false, false],
                }
            }
            TableBody::Free {
                columns,
                rows,
                row_regions,
            } => {
                let mut kept = Vec::new();
                for (r, region) in rows.iter().zip(row_regions) {
                    // A row's region: as declared, else that of its first
                    // regional fact.
                    let region = region.clone().or_else(|| {
                        r.iter()
                            .flat_map(|c| c.facts())
                            .filter_map(|id| self.facts.get(id))
                            .find_map(|f| f.region.clone())
                    });
                    if !self.region_shown(&region) {
                        continue;
                    }
                    let Some(cells) = r.iter().map(|c| self.fill(c)).collect::<Option<Vec<_>>>()
                    else {
                        continue;
                    };
                    for id in r.iter().flat_map(|c| c.facts()) {
                        if let Some(f) = self.fact(id) {
                            self.cite_fact(f);
                        }
                    }
                    kept.push((self.region_rank(&region), cells));
                }
                let out = in_region_order(kept);
                if out.is_empty() {
                    return None;
                }
                let numeric = (0..columns.len())
                    .map(|i| {
                        rows.iter().all(|r| {
                            matches!(r[i].parts.as_slice(), [Part::Ref { fact, field: Field::Full | Field::Value, .. }]
                                if matches!(self.facts.get(fact).map(|f| &f.value), Some(Value::Number(_))))
                        })
                    })
                    .collect();
                TableContent {
                    caption: caption.clone(),
                    columns: columns.clone(),
                    rows: out,
                    numeric,
                }
            }
        };
        for s in extra {
            self.cite(s);
        }
        Some(content)
    }
}
