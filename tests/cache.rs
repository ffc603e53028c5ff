//! The caches in `.briefing-cache` (the output folder): font programs and
//! the checked catalogue. A hit gives the bytes a fresh cut or parse gives,
//! a damaged or foreign entry is never used, a face, glyph set or edit of
//! the data gets entries of its own, errors in the data are still found
//! with their place, and a cache that cannot be written costs nothing but
//! time.

mod common;

use std::path::{Path, PathBuf};

use common::{Sandbox, tool};

const DATE: &str = "2024-12-31";

fn pdf(sb: &Sandbox) -> PathBuf {
    sb.out().join(format!("briefing-{DATE}.pdf"))
}

/// Runs a generate with `extra` arguments and returns the PDF's bytes.
fn generate(sb: &Sandbox, extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["generate", "--date", DATE, "-q"];
    args.extend_from_slice(extra);
    let o = sb.run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(pdf(sb)).unwrap()
}

/// The cache's entries, by name, with their bytes.
fn entries(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The entries of one kind (file extension).
fn kind(dir: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut v = entries(dir);
    v.retain(|(n, _)| n.ends_with(&format!(".{ext}")));
    v
}

fn fonts(dir: &Path) -> Vec<(String, Vec<u8>)> {
    kind(dir, "font")
}

fn catalogues(dir: &Path) -> Vec<(String, Vec<u8>)> {
    kind(dir, "catalog")
}

fn cache(sb: &Sandbox) -> PathBuf {
    sb.out().join(".briefing-cache")
}

#[test]
fn a_warm_run_writes_the_bytes_a_cold_one_does() {
    let sb = Sandbox::new();
    let uncached = generate(&sb, &["--no-cache"]);
    assert!(!cache(&sb).exists(), "--no-cache must not write a cache");
    let cold = generate(&sb, &[]);
    let stored = entries(&cache(&sb));
    assert_eq!(
        fonts(&cache(&sb)).len(),
        3,
        "one entry per face: {stored:?}"
    );
    assert_eq!(catalogues(&cache(&sb)).len(), 1, "{stored:?}");
    assert_eq!(stored.len(), 4, "{stored:?}");
    let warm = generate(&sb, &[]);
    assert!(cold == uncached, "a cold run differs from --no-cache");
    assert!(warm == cold, "a warm run differs from a cold one");
    assert_eq!(entries(&cache(&sb)), stored, "a hit rewrote its entry");
    tool("qpdf", &["--check", pdf(&sb).to_str().unwrap()]);
}

#[test]
fn damaged_entries_are_cut_afresh() {
    let sb = Sandbox::new();
    let cold = generate(&sb, &[]);
    let stored = entries(&cache(&sb));
    // Each way an entry can go bad: a flipped byte in the program, a
    // truncation, an empty file, another entry's bytes under this name.
    let (name, bytes) = stored.iter().max_by_key(|(_, b)| b.len()).unwrap();
    let other = &stored.iter().find(|(n, _)| n != name).unwrap().1;
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    for bad in [
        flipped,
        bytes[..bytes.len() - 7].to_vec(),
        Vec::new(),
        other.clone(),
    ] {
        std::fs::write(cache(&sb).join(name), &bad).unwrap();
        let again = generate(&sb, &[]);
        assert!(again == cold, "a damaged entry changed the briefing");
        assert_eq!(
            &std::fs::read(cache(&sb).join(name)).unwrap(),
            bytes,
            "the damaged entry was not replaced by a sound one"
        );
    }
}

#[test]
fn another_face_or_glyph_set_gets_entries_of_its_own() {
    let sb = Sandbox::new();
    let default = generate(&sb, &[]);
    let first = fonts(&cache(&sb));
    // The same file, another face of the collection (Japanese glyph forms).
    sb.edit(
        "briefing.toml",
        "NotoSerifCJK-Regular.ttc\", index = 2",
        "NotoSerifCJK-Regular.ttc\", index = 0",
    );
    let other_face = generate(&sb, &[]);
    assert!(other_face != default);
    let second = fonts(&cache(&sb));
    assert_eq!(second.len(), 4, "a new entry for the new face only");
    assert!(first.iter().all(|e| second.contains(e)));
    // Text the default briefing lacks: new glyphs, a new serif subset.
    sb.append(
        "themes/compute-totals.toml",
        "\n[[section]]\ntitle = \"缓存测试\"\n\n[[section.block]]\nparagraph = \"鑫龘靐齉：罕见字形的段落。\"\nsources = [\"compute-conference-2023\"]\n",
    );
    let more = generate(&sb, &[]);
    let third = fonts(&cache(&sb));
    // The heading's glyphs are new to the sans faces too: up to three.
    assert!((5..=7).contains(&third.len()), "{}", third.len());
    assert!(
        second.iter().all(|e| third.contains(e)),
        "older entries kept"
    );
    // Each briefing stays whole and readable with its own subsets.
    for bytes in [&default, &other_face, &more] {
        let p = sb.dir.path().join("copy.pdf");
        std::fs::write(&p, bytes).unwrap();
        tool("qpdf", &["--check", p.to_str().unwrap()]);
    }
    let text = common::text_of(&pdf(&sb));
    assert!(text.contains("罕见字形"), "{text}");
}

#[test]
fn config_can_turn_the_cache_off_and_a_blocked_cache_costs_nothing() {
    let sb = Sandbox::new();
    sb.edit("briefing.toml", "file_name", "cache = false\nfile_name");
    let off = generate(&sb, &[]);
    assert!(!cache(&sb).exists());

    let sb2 = Sandbox::new();
    std::fs::create_dir_all(sb2.out()).unwrap();
    // A file where the cache folder would go: nothing can be stored.
    std::fs::write(cache(&sb2), b"not a folder").unwrap();
    let blocked = generate(&sb2, &[]);
    assert!(blocked == off);
    assert_eq!(std::fs::read(cache(&sb2)).unwrap(), b"not a folder");
}

#[test]
fn another_build_of_the_program_never_reads_this_ones_entries() {
    let sb = Sandbox::new();
    let first = generate(&sb, &[]);
    // The second run stores the catalogue too (the folder exists now).
    assert!(generate(&sb, &[]) == first);
    let stored = entries(&cache(&sb));
    assert_eq!(stored.len(), 4);
    // A copy is a different executable file (new modification time), as
    // a rebuilt or upgraded binary is.
    let copy = sb.dir.path().join("briefing-copy");
    std::fs::copy(common::bin(), &copy).unwrap();
    let o = std::process::Command::new(&copy)
        .args(["generate", "--date", DATE, "-q", "--config"])
        .arg(sb.config())
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = entries(&cache(&sb));
    assert_eq!(after.len(), 2 * stored.len(), "the copy made its own");
    assert!(std::fs::read(pdf(&sb)).unwrap() == first);
}

#[test]
fn the_cache_keeps_the_most_recently_used_entries_and_sweeps_leftovers() {
    let sb = Sandbox::new();
    let dir = cache(&sb);
    std::fs::create_dir_all(&dir).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let age = |p: &Path| {
        std::fs::File::options()
            .append(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap()
    };
    // Sixty stale entries (not even sound ones: they are never read,
    // only counted) and a temporary file a killed run left behind.
    for i in 0..60 {
        let p = dir.join(format!("{i:032x}.font"));
        std::fs::write(&p, b"stale").unwrap();
        age(&p);
    }
    let part = dir.join(".entry-killed.part");
    std::fs::write(&part, b"half").unwrap();
    age(&part);
    let first = generate(&sb, &[]);
    let names: Vec<String> = fonts(&dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 48, "{names:?}");
    assert!(!part.exists(), "the leftover was not swept");
    // The three just written are among those kept: a second run hits.
    let stale = names.iter().filter(|n| n.starts_with("0000")).count();
    assert_eq!(stale, 45);
    assert!(generate(&sb, &[]) == first);
    assert_eq!(fonts(&dir).len(), 48);
}

#[test]
fn a_cached_catalogue_gives_the_same_briefing_and_follows_every_edit() {
    let sb = Sandbox::new();
    // The first run makes the output folder; the cache lives there.
    let uncached = generate(&sb, &["--no-cache"]);
    let parsed = generate(&sb, &[]);
    let stored = catalogues(&cache(&sb));
    assert_eq!(stored.len(), 1);
    let hit = generate(&sb, &[]);
    assert!(
        parsed == uncached && hit == parsed,
        "a cached catalogue changed the briefing"
    );
    assert_eq!(catalogues(&cache(&sb)), stored, "a hit rewrote its entry");

    // An edited figure: a catalogue of its own, and the briefing says it.
    sb.edit(
        "themes/compute-totals.toml",
        "value = 197\n",
        "value = 213\n",
    );
    let edited = generate(&sb, &[]);
    assert!(edited != hit);
    let text = common::text_of(&pdf(&sb));
    assert!(
        text.contains("213 EFLOPS") && !text.contains("197 EFLOPS"),
        "{text}"
    );
    assert_eq!(catalogues(&cache(&sb)).len(), 2);

    // A renamed theme file reorders nothing here but is other input: a
    // new entry, the same briefing.
    std::fs::rename(
        sb.file("themes/chip-gap.toml"),
        sb.file("themes/chip-gap-2.toml"),
    )
    .unwrap();
    assert!(generate(&sb, &[]) == edited);
    assert_eq!(catalogues(&cache(&sb)).len(), 3);

    // A mistake in the data is found, with its place, though a sound
    // catalogue of the file before it is cached.
    sb.edit(
        "themes/compute-totals.toml",
        "value = 213\n",
        "value = \"二百\"\nvalue = 1\n",
    );
    let o = sb.run(&["generate", "--date", DATE, "-q"]);
    assert_eq!(
        o.status.code(),
        Some(65),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("compute-totals.toml:"), "{err}");
    assert!(
        std::fs::read(pdf(&sb)).unwrap() == edited,
        "a failed run touched the briefing"
    );
}

#[test]
fn a_damaged_catalogue_entry_is_checked_afresh() {
    let sb = Sandbox::new();
    generate(&sb, &["--no-cache"]);
    let sound = generate(&sb, &[]);
    let (name, bytes) = catalogues(&cache(&sb)).pop().unwrap();
    let mut flipped = bytes.clone();
    let at = bytes.len() - 100;
    flipped[at] ^= 0x01;
    // A body that still decodes but says something else must not be
    // taken either: that is what the digest is for.
    for bad in [
        flipped,
        bytes[..bytes.len() / 2].to_vec(),
        b"BRCATL1\n".to_vec(),
    ] {
        std::fs::write(cache(&sb).join(&name), &bad).unwrap();
        assert!(
            generate(&sb, &[]) == sound,
            "a damaged catalogue changed the briefing"
        );
        assert_eq!(
            std::fs::read(cache(&sb).join(&name)).unwrap(),
            bytes,
            "the damaged entry was not replaced by a sound one"
        );
    }
}

#[test]
fn each_kind_of_entry_keeps_its_own_newest_and_leaves_the_others_alone() {
    let sb = Sandbox::new();
    generate(&sb, &[]);
    let dir = cache(&sb);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    // Twelve stale catalogues (never read, only counted).
    for i in 0..12 {
        let p = dir.join(format!("{i:032x}.catalog"));
        std::fs::write(&p, b"stale").unwrap();
        std::fs::File::options()
            .append(true)
            .open(&p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let fonts_before = fonts(&dir);
    let briefing = generate(&sb, &[]);
    let kept: Vec<String> = catalogues(&dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(kept.len(), 8, "{kept:?}");
    // The one just stored is among them, the oldest stale ones are gone.
    assert_eq!(kept.iter().filter(|n| n.starts_with("0000")).count(), 7);
    assert_eq!(fonts(&dir), fonts_before, "the font entries were touched");
    // And it is the one the next run reads.
    assert!(generate(&sb, &[]) == briefing);
    assert_eq!(catalogues(&dir).len(), 8);
}
