//! The XMP metadata packet (ISO 16684-1) that PDF/A and PDF/UA read the
//! document's description and claims from, written by `xmp-writer`: the
//! same title, author, subject, keywords, tools and dates as the document
//! information dictionary (PDF/A requires the two to agree), ids from the
//! trailer's `/ID`, and the parts and levels the file claims, with the
//! extension-schema description PDF/A-2 asks for `pdfuaid` (a schema
//! PDF/A-2 predates).

use chrono::{DateTime, Datelike, Timelike, Utc};
use xmp_writer::{LangId, Timezone, XmpWriter};

/// What the information dictionary and the packet both say.
#[derive(Debug, Clone)]
pub(super) struct Described {
    /// Title.
    pub(super) title: String,
    /// Author.
    pub(super) author: String,
    /// Subject line.
    pub(super) subject: String,
    /// Keywords, joined.
    pub(super) keywords: String,
    /// The tool that made the content (`/Creator`, `xmp:CreatorTool`).
    pub(super) creator: String,
    /// The tool that wrote the file.
    pub(super) producer: String,
    /// Creation and modification time.
    pub(super) when: DateTime<Utc>,
    /// BCP 47 language tag of the text.
    pub(super) language: String,
}

/// The PDF/A part and conformance level the file claims.
pub(super) const PDFA_PART: i32 = 2;
/// Level A: tagged, every character mapped to Unicode.
pub(super) const PDFA_CONFORMANCE: &str = "A";
/// The PDF/UA part the file claims.
pub(super) const PDFUA_PART: i32 = 1;

/// The packet, as UTF-8 (PDF/A: no byte count or encoding attribute).
pub(super) fn packet(d: &Described, id: &[u8; 16]) -> Vec<u8> {
    let mut w = XmpWriter::new();
    let lang = || LangId(&d.language);
    w.title([(None, d.title.as_str()), (Some(lang()), d.title.as_str())]);
    w.creator([d.author.as_str()]);
    w.description([
        (None, d.subject.as_str()),
        (Some(lang()), d.subject.as_str()),
    ]);
    w.language([lang()]);
    w.format("application/pdf");
    w.pdf_keywords(&d.keywords);
    w.producer(&d.producer);
    w.creator_tool(&d.creator);
    let when = date(d.when);
    w.create_date(when);
    w.modify_date(when);
    w.metadata_date(when);
    // One rendition of one document: both ids are the file identifier,
    // which digests what the document says.
    let uuid = uuid(id);
    w.document_id(&uuid);
    w.instance_id(&uuid);
    w.pdfa_part(PDFA_PART);
    w.pdfa_conformance(PDFA_CONFORMANCE);
    w.pdfua_part(PDFUA_PART);
    let mut schemas = w.extension_schemas();
    schemas
        .pdfua_id()
        .properties()
        .describe_part()
        .describe_amd()
        .describe_corr();
    drop(schemas);
    w.finish(None).into_bytes()
}

/// `t` as XMP writes it.
fn date(t: DateTime<Utc>) -> xmp_writer::DateTime {
    xmp_writer::DateTime::new(
        t.year().clamp(0, 9999) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        Timezone::Utc,
    )
}

/// A 16-byte id as a URN of the `uuid:` form XMP uses.
fn uuid(id: &[u8; 16]) -> String {
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described() -> Described {
        Described {
            title: "算力 & <简报>".into(),
            author: "研究部".into(),
            subject: "每周".into(),
            keywords: "算力；芯片".into(),
            creator: "某机构（briefing）".into(),
            producer: "briefing 0.1.0".into(),
            when: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            language: "zh-CN".into(),
        }
    }

    /// The packet says what the information dictionary says, escaped,
    /// with the claims and the extension schema for pdfuaid, and ids
    /// from the file identifier.
    #[test]
    fn the_packet_says_what_the_document_says() {
        let id = [0xAB; 16];
        let p = String::from_utf8(packet(&described(), &id)).unwrap();
        for want in [
            "算力 &amp; &lt;简报&gt;",
            "xml:lang=\"x-default\"",
            "xml:lang=\"zh-CN\"",
            "研究部",
            "某机构（briefing）",
            "briefing 0.1.0",
            "算力；芯片",
            "2025-11-24T16:00:00Z",
            "uuid:abababab-abab-abab-abab-abababababab",
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>A</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
            "http://www.aiim.org/pdfua/ns/id/",
        ] {
            assert!(p.contains(want), "no {want} in {p}");
        }
        assert!(!p.contains("bytes=") && !p.contains("encoding="));
    }
}
