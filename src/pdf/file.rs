//! The file's bytes: every object written once, in object-number order.
//!
//! Streams (page contents, font programs, ToUnicode maps) are indirect
//! objects of their own, already deflated. Every other object (pages,
//! fonts, outline items, links, the catalogue) goes into object streams
//! (PDF 1.5, §7.5.7): written once into one buffer with its offset noted,
//! then deflated by the same compressor as the rest. A cross-reference
//! stream (§7.5.8) closes the file.
//!
//! lopdf stays the object model; its own writer was not used here because
//! its object-stream path clones every object, serialises each three times
//! and deflates with miniz: 3–3.5 ms of the default briefing's 25–30, on
//! the critical path after every other stage has finished. This writer
//! takes about 0.5 ms for the same objects.

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use crate::error::{Error, Kind, Result};

/// Objects per object stream: a reader that wants one object inflates the
/// stream holding it, so a long document's small objects are kept in
/// bounded groups (qpdf groups by 100; 200 loses less to deflate's start
/// on each group).
const PER_OBJECT_STREAM: usize = 200;

/// Writes `doc` as a complete PDF 1.5 file into `out`: header, stream
/// objects, object streams, cross-reference stream, trailer pointer.
/// `doc.trailer` supplies `Root`, `Info` and `ID`.
pub(crate) fn write(doc: &Document, out: &mut Vec<u8>) -> Result<()> {
    // The version the document names, at least 1.5 (object streams).
    let version = if doc.version.as_str() < "1.5" {
        "1.5"
    } else {
        doc.version.as_str()
    };
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(version.as_bytes());
    // Four bytes above 127 mark the file as binary for transfer tools
    // (and PDF/A, §6.1.2 of ISO 19005-2).
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");

    let mut max_id = 0u32;
    // Where each object is: in the file (offset) or in an object stream
    // (stream number, index).
    let mut at: Vec<(u32, Place)> = Vec::with_capacity(doc.objects.len() + 8);
    let mut packed: Vec<(u32, &Object)> = Vec::new();
    for (&(id, generation), object) in &doc.objects {
        max_id = max_id.max(id);
        // Only generation-0 non-stream objects may live in an object
        // stream (§7.5.7).
        if generation == 0 && !matches!(object, Object::Stream(_)) {
            packed.push((id, object));
            continue;
        }
        at.push((id, Place::Direct(out.len(), generation)));
        indirect(out, (id, generation), object)?;
    }

    let next = object_streams(out, &packed, max_id + 1, &mut at)?;
    let xref_offset = xref(out, doc, next, at)?;
    out.extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());
    Ok(())
}

/// Writes the packed objects into object streams of [`PER_OBJECT_STREAM`],
/// numbered from `next`, recording where each object went; returns the
/// next free number.
fn object_streams(
    out: &mut Vec<u8>,
    packed: &[(u32, &Object)],
    mut next: u32,
    at: &mut Vec<(u32, Place)>,
) -> Result<u32> {
    let mut offsets = String::new();
    let mut body = Vec::new();
    for group in packed.chunks(PER_OBJECT_STREAM) {
        let number = next;
        next += 1;
        offsets.clear();
        body.clear();
        for (index, (id, object)) in group.iter().enumerate() {
            use std::fmt::Write as _;
            let _ = write!(offsets, "{id} {} ", body.len());
            at.push((*id, Place::Packed(number, index as u32)));
            object_bytes(&mut body, object);
            body.push(b'\n');
        }
        let mut content = Vec::with_capacity(offsets.len() + body.len());
        content.extend_from_slice(offsets.as_bytes());
        content.extend_from_slice(&body);
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        dict.set("N", group.len() as i64);
        dict.set("First", offsets.len() as i64);
        let stream = super::fonts::deflated(dict, content, super::Effort::Thorough);
        at.push((number, Place::Direct(out.len(), 0)));
        indirect(out, (number, 0), &Object::Stream(stream))?;
    }
    Ok(next)
}

/// Writes the cross-reference stream, number `xref_number`: one row per
/// object number, type byte, offset or stream number, generation or
/// index; with the trailer's entries. Returns its offset.
fn xref(
    out: &mut Vec<u8>,
    doc: &Document,
    xref_number: u32,
    mut at: Vec<(u32, Place)>,
) -> Result<usize> {
    let size = xref_number + 1;
    let xref_offset = out.len();
    at.push((xref_number, Place::Direct(xref_offset, 0)));
    at.sort_unstable_by_key(|(id, _)| *id);
    let wide = bytes_for(xref_offset.max(size as usize) as u64);
    let mut rows = vec![0u8; size as usize * (1 + wide + 2)];
    let mut row = |id: u32, kind: u8, field: u64, last: u16| {
        let r = &mut rows[id as usize * (1 + wide + 2)..][..1 + wide + 2];
        r[0] = kind;
        r[1..1 + wide].copy_from_slice(&field.to_be_bytes()[8 - wide..]);
        r[1 + wide..].copy_from_slice(&last.to_be_bytes());
    };
    // Object 0 heads the list of free objects, generation 65535.
    row(0, 0, 0, 65535);
    for (id, place) in &at {
        match *place {
            Place::Direct(offset, generation) => row(*id, 1, offset as u64, generation),
            Place::Packed(stream, index) => row(*id, 2, stream as u64, index as u16),
        }
    }
    // Numbers no object uses are free rows (type 0), already zero.
    let mut dict = Dictionary::new();
    for (key, value) in doc.trailer.iter() {
        // What describes the xref stream itself is ours to write.
        if !matches!(
            key.as_slice(),
            b"Size" | b"W" | b"Index" | b"Type" | b"Filter" | b"Length" | b"Prev" | b"DecodeParms"
        ) {
            dict.set(key.clone(), value.clone());
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", i64::from(size));
    dict.set(
        "W",
        Object::Array(vec![1.into(), (wide as i64).into(), 2.into()]),
    );
    let xref = super::fonts::deflated(dict, rows, super::Effort::Thorough);
    indirect(out, (xref_number, 0), &Object::Stream(xref))?;
    Ok(xref_offset)
}

/// Where an object's bytes are.
#[derive(Clone, Copy)]
enum Place {
    /// At this offset in the file, with this generation.
    Direct(usize, u16),
    /// In object stream number .0, at index .1.
    Packed(u32, u32),
}

/// The fewest bytes that hold `n` (at least 1).
fn bytes_for(n: u64) -> usize {
    (((64 - n.leading_zeros()) as usize).div_ceil(8)).max(1)
}

/// `id gen obj … endobj`.
fn indirect(out: &mut Vec<u8>, (id, generation): ObjectId, object: &Object) -> Result<()> {
    if let Object::Stream(s) = object
        && s.dict
            .get(b"Length")
            .is_ok_and(|l| l.as_i64().ok() != Some(s.content.len() as i64))
    {
        return Err(Error::new(
            Kind::Software,
            format!("stream object {id} has a /Length that is not its content's"),
        ));
    }
    let _ = writeln!(out, "{id} {generation} obj");
    object_bytes(out, object);
    out.extend_from_slice(b"\nendobj\n");
    Ok(())
}

/// Whether `object` begins with a regular character, so that it must be
/// separated from a token before it that ends with one.
fn starts_regular(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

/// Appends the PDF syntax of `object` (§7.3).
fn object_bytes(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => real(out, *r),
        Object::Name(n) => name(out, n),
        Object::String(s, StringFormat::Literal) => literal(out, s),
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(&hex(*b));
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && starts_regular(item) {
                    out.push(b' ');
                }
                object_bytes(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dictionary(out, d, None),
        Object::Stream(s) => {
            dictionary(out, &s.dict, Some(s.content.len()));
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
    }
}

/// `<<…>>`; with `length`, `/Length` is written from it.
fn dictionary(out: &mut Vec<u8>, d: &Dictionary, length: Option<usize>) {
    out.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        if length.is_some() && key.as_slice() == b"Length" {
            continue;
        }
        name(out, key);
        if starts_regular(value) {
            out.push(b' ');
        }
        object_bytes(out, value);
    }
    if let Some(n) = length {
        let _ = write!(out, "/Length {n}");
    }
    out.extend_from_slice(b">>");
}

/// A real number as plain decimals (PDF has no exponent form); readers
/// take it to about five significant digits, so f32's shortest
/// round-trip form loses nothing.
fn real(out: &mut Vec<u8>, r: f32) {
    if !r.is_finite() {
        // Not a number PDF can say; 0 keeps the file readable.
        out.push(b'0');
        return;
    }
    let _ = write!(out, "{r}");
}

/// `/Name`, with `#xx` for delimiters, white space, `#` and bytes outside
/// `!`..`~` (§7.3.5).
fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if (b'!'..=b'~').contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            out.push(b);
        } else {
            out.push(b'#');
            out.extend_from_slice(&hex(b));
        }
    }
}

/// `(…)`, escaping backslashes, both parentheses (balanced or not: simpler
/// than proving balance, and every reader takes `\(`) and carriage returns
/// (a bare CR would be read as a line end, §7.3.4.2).
fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'(');
    for &b in s {
        match b {
            b'\\' | b'(' | b')' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

fn hex(b: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    [DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Stream;

    /// Every kind of object, including names and strings that need
    /// escaping, in object streams and as streams, read back by lopdf's
    /// parser exactly as written.
    #[test]
    fn lopdf_reads_back_what_is_written() {
        let mut doc = Document::with_version("1.5");
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Test".to_vec()));
        d.set("A B#(x)/%", Object::Name(b"sp ace\x80#".to_vec()));
        d.set("Null", Object::Null);
        d.set("T", Object::Boolean(true));
        d.set("F", Object::Boolean(false));
        d.set("I", Object::Integer(-1234567890123));
        d.set("R", Object::Real(-0.125));
        d.set("Tiny", Object::Real(0.0001));
        d.set(
            "Lit",
            Object::String(b"a(b)c\\d)e(\r\nf".to_vec(), StringFormat::Literal),
        );
        d.set(
            "Hex",
            Object::String(vec![0, 0xFE, 0xFF, 0x7A], StringFormat::Hexadecimal),
        );
        d.set(
            "Arr",
            Object::Array(vec![
                1.into(),
                Object::Real(2.5),
                Object::Name(b"N".to_vec()),
                Object::Reference((7, 0)),
                Object::Array(vec![]),
                Object::Null,
                Object::Boolean(false),
            ]),
        );
        let mut many = Vec::new();
        // More than one object stream's worth.
        for i in 0..(PER_OBJECT_STREAM as i64 * 2 + 3) {
            many.push(doc.add_object(Object::Array(vec![i.into(), Object::Real(i as f32 / 8.0)])));
        }
        d.set(
            "Many",
            Object::Array(many.iter().map(|r| Object::Reference(*r)).collect()),
        );
        let mut kind = Dictionary::new();
        kind.set("Kind", Object::Name(b"Raw".to_vec()));
        let s = doc.add_object(Stream::new(
            kind,
            b"endstream inside\nbinary \x00\xFF".to_vec(),
        ));
        d.set("S", Object::Reference(s));
        let obj = doc.add_object(d.clone());
        let mut root = Dictionary::new();
        root.set("Type", Object::Name(b"Catalog".to_vec()));
        root.set("Test", Object::Reference(obj));
        let root = doc.add_object(root);
        doc.trailer.set("Root", Object::Reference(root));
        let id = Object::String(vec![1, 2, 3], StringFormat::Hexadecimal);
        doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));

        let mut bytes = Vec::new();
        write(&doc, &mut bytes).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.5\n%"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        let back = Document::load_mem(&bytes).unwrap();
        let got = back.get_object(obj).unwrap().as_dict().unwrap();
        for (k, v) in d.iter() {
            assert_eq!(got.get(k).unwrap(), v, "key {}", String::from_utf8_lossy(k));
        }
        for (i, r) in many.iter().enumerate() {
            let a = back.get_object(*r).unwrap().as_array().unwrap();
            assert_eq!(a[0], Object::Integer(i as i64));
            // A whole real reads back as an integer: the same number.
            assert_eq!(a[1].as_float().unwrap(), i as f32 / 8.0);
        }
        let st = back.get_object(s).unwrap().as_stream().unwrap();
        assert_eq!(st.content, b"endstream inside\nbinary \x00\xFF");
        assert_eq!(
            back.trailer.get(b"ID").unwrap(),
            doc.trailer.get(b"ID").unwrap()
        );
        // Three object streams and the cross-reference stream, numbered
        // after the document's objects.
        assert_eq!(
            back.trailer.get(b"Size").unwrap().as_i64().unwrap(),
            doc.max_id as i64 + 5
        );
    }

    /// A stream whose dictionary claims another length is refused rather
    /// than written wrong.
    #[test]
    fn a_wrong_stream_length_is_refused() {
        let mut doc = Document::with_version("1.5");
        let mut s = Stream::new(Dictionary::new(), b"abc".to_vec());
        s.dict.set("Length", 4);
        doc.add_object(s);
        assert!(write(&doc, &mut Vec::new()).is_err());
    }

    #[test]
    fn offsets_take_the_fewest_bytes() {
        assert_eq!(bytes_for(0), 1);
        assert_eq!(bytes_for(255), 1);
        assert_eq!(bytes_for(256), 2);
        assert_eq!(bytes_for(300_000), 3);
        assert_eq!(bytes_for(1 << 24), 4);
    }
}
