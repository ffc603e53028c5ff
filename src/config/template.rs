//! Parsing `{fact-id.field}` placeholders in prose and table cells.

use super::model::{Field, Origin, Part, Template, Text};

/// A placeholder that does not parse: byte offset within the string and why.
#[derive(Debug, PartialEq)]
pub struct TemplateError {
    /// Byte offset inside the template text.
    pub offset: usize,
    /// Length of the bad piece.
    pub len: usize,
    /// What was expected.
    pub message: String,
}

/// Parses `text`, the value at `origin`, into literal parts and
/// references; ids are checked later. Every piece keeps its origin.
// Kept whole: a parser whose states are the positions in one loop; split, the cursor and the literal being built would travel through every call.
pub fn parse(text: &str, origin: Origin) -> Result<Template, TemplateError> {
    let mut parts = Vec::new();
    let mut lit = Text::new();
    let mut rest = text;
    let mut pos = 0;
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_from(&rest[..i], Some(origin.offset(pos)));
        let c = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if after.as_bytes().first() == Some(&c) {
            // `{{` is one brace: it points at the first of the two.
            lit.push_from(&rest[i..i + 1], Some(origin.offset(pos + i)));
            rest = &after[1..];
            pos += i + 2;
            continue;
        }
        if c == b'}' {
            return Err(TemplateError {
                offset: pos + i,
                len: 1,
                message: "unmatched `}` (write `}}` for a literal brace)".into(),
            });
        }
        let Some(end) = after.find('}') else {
            return Err(TemplateError {
                offset: pos + i,
                len: 1,
                message: "unclosed `{` (write `{{` for a literal brace)".into(),
            });
        };
        let inner = &after[..end];
        let (fact, field) = match inner.split_once('.') {
            Some((_, "")) => {
                return Err(TemplateError {
                    offset: pos + i,
                    len: end + 2,
                    message: format!(
                        "`{{{inner}}}` has no field after the dot; expected `{{fact-id}}` or `{{fact-id.field}}`"
                    ),
                });
            }
            Some((f, fld)) => (f, fld),
            None => (inner, ""),
        };
        let field = match field {
            "" => Field::Full,
            "value" => Field::Value,
            "unit" => Field::Unit,
            "label" => Field::Label,
            "period" => Field::Period,
            "note" => Field::Note,
            "source" => Field::Source,
            "qualifier" => Field::Qualifier,
            "abs" => Field::Magnitude,
            "change" => Field::Change,
            other => {
                return Err(TemplateError {
                    offset: pos + i,
                    len: end + 2,
                    message: format!(
                        "unknown placeholder field `{other}`; expected one of value, unit, qualifier, label, period, note, source, abs, change"
                    ),
                });
            }
        };
        if fact.is_empty()
            || !fact
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(TemplateError {
                offset: pos + i,
                len: end + 2,
                message: format!(
                    "`{{{inner}}}` is not a placeholder; expected `{{fact-id}}` or `{{fact-id.field}}`"
                ),
            });
        }
        if !lit.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut lit)));
        }
        parts.push(Part::Ref {
            fact: fact.to_string(),
            field,
            at: origin.offset(pos + i),
        });
        rest = &after[end + 1..];
        pos += i + end + 2;
    }
    lit.push_from(rest, Some(origin.offset(pos)));
    if !lit.is_empty() {
        parts.push(Part::Text(lit));
    }
    Ok(Template { parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::origin::FileId;

    fn o() -> Origin {
        Origin::value(FileId(3), 40)
    }

    #[test]
    fn parses_references_and_escapes() {
        let t = parse("达到{a-1}，{b.period}{{x}}", o()).unwrap();
        let at = |k: usize| o().offset(k);
        assert_eq!(
            t.parts,
            vec![
                Part::Text("达到".into()),
                Part::Ref {
                    fact: "a-1".into(),
                    field: Field::Full,
                    at: at(6),
                },
                Part::Text("，".into()),
                Part::Ref {
                    fact: "b".into(),
                    field: Field::Period,
                    at: at(14),
                },
                Part::Text("{x}".into()),
            ]
        );
        // The literal after `{{` points at its own characters.
        let Part::Text(last) = &t.parts[4] else {
            panic!()
        };
        assert_eq!(last.origin_at(0), Some(at(24)));
        assert_eq!(last.origin_at(1), Some(at(26)));
        assert_eq!(last.origin_at(2), Some(at(27)));
    }

    #[test]
    fn reports_place_of_bad_placeholder() {
        let e = parse("前文{a.colour}", o()).unwrap_err();
        assert_eq!(e.offset, "前文".len());
        assert!(e.message.contains("colour"));
        assert!(parse("x{a", o()).is_err());
        assert!(parse("x}a", o()).is_err());
    }
}
