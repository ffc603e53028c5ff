//! Parsing `{fact-id.field}` placeholders in prose and table cells.

use super::model::{Field, Part, Template};

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

/// Parses `text` into literal parts and references; ids are checked later.
pub fn parse(text: &str) -> Result<Template, TemplateError> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    let mut pos = 0;
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if after.as_bytes().first() == Some(&c) {
            lit.push(c as char);
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
            other => {
                return Err(TemplateError {
                    offset: pos + i,
                    len: end + 2,
                    message: format!(
                        "unknown placeholder field `{other}`; expected one of value, unit, qualifier, label, period, note, source"
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
        });
        rest = &after[end + 1..];
        pos += i + end + 2;
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(Part::Text(lit));
    }
    Ok(Template { parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references_and_escapes() {
        let t = parse("达到{a-1}，{b.period}{{x}}").unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Text("达到".into()),
                Part::Ref {
                    fact: "a-1".into(),
                    field: Field::Full
                },
                Part::Text("，".into()),
                Part::Ref {
                    fact: "b".into(),
                    field: Field::Period
                },
                Part::Text("{x}".into()),
            ]
        );
    }

    #[test]
    fn reports_place_of_bad_placeholder() {
        let e = parse("前文{a.colour}").unwrap_err();
        assert_eq!(e.offset, "前文".len());
        assert!(e.message.contains("colour"));
        assert!(parse("x{a").is_err());
        assert!(parse("x}a").is_err());
    }
}
