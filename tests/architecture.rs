//! The code keeps the shape the README describes: stages import only
//! earlier stages, the leaves import no stage, no file imports another
//! that imports it back (directly or in a circle), and files and functions
//! stay small. Reads `src/` as text; test code is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Leaves: shared by every stage, importing none.
const LEAVES: [&str; 10] = [
    "error", "trace", "frame", "store", "style", "memory", "origin", "source", "regular", "temps",
];

/// The stages in pipeline order: each may import the ones before it.
const STAGES: [&str; 11] = [
    "config", "content", "compose", "edition", "text", "chart", "layout", "pdf", "deliver",
    "build", "batch",
];

/// Longest source file, in lines (test files aside).
const MAX_FILE_LINES: usize = 600;
/// No function may be longer than this.
const MAX_FN_LINES: usize = 150;
/// Functions over 80 lines allowed, each with a comment saying why.
const MAX_LONG_FNS: usize = 6;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Rank of a top-level module: leaves 0, stages from 1, the crate root last.
fn rank(top: &str) -> usize {
    if LEAVES.contains(&top) {
        0
    } else if let Some(i) = STAGES.iter().position(|s| *s == top) {
        i + 1
    } else {
        STAGES.len() + 1
    }
}

/// A source file's module path (`["text", "glue"]`; `[]` for lib.rs).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file of a module path, if the module exists.
fn file_of(module: &[String]) -> Option<PathBuf> {
    if module.is_empty() {
        return Some(PathBuf::from("lib.rs"));
    }
    let base: PathBuf = module.iter().collect();
    let file = base.with_extension("rs");
    if src().join(&file).is_file() {
        return Some(file);
    }
    let dir = base.join("mod.rs");
    src().join(&dir).is_file().then_some(dir)
}

/// The text with comments, string and char literals blanked out, so that
/// only code is searched for paths.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('#' | '"')) && !ident_before(&b, i) {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if b[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if b.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && is_char_literal(&b, i) {
            let mut j = i + 1;
            if b[j] == '\\' {
                j += 1;
            }
            while j < b.len() && b[j] != '\'' {
                j += 1;
            }
            out.push_str("' '");
            i = j + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Whether the quote at `i` opens a char literal (not a lifetime).
fn is_char_literal(b: &[char], i: usize) -> bool {
    matches!(
        (b.get(i + 1), b.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

/// `code` without the items marked `#[cfg(test)]` (test modules, test
/// helpers), and the names of test-only module files it declares.
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut test_mods = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        // The item: up to its `;` or through its balanced braces.
        let mut depth = 0;
        let mut end = after.len();
        for (k, ch) in after.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        let item = &after[..end];
        let words: Vec<&str> = item.split_whitespace().collect();
        if let Some(p) = words.iter().position(|w| *w == "mod")
            && let Some(name) = words.get(p + 1)
            && name.ends_with(';')
        {
            test_mods.push(name.trim_end_matches(';').to_string());
        }
        out.push_str(&"\n".repeat(item.matches('\n').count()));
        rest = &after[end..];
    }
    out.push_str(rest);
    (out, test_mods)
}

/// Expands a `use` tree (`crate::a::{b, c::d}`) into its paths.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let prefix = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], &prefix, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &prefix, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(join(prefix, path));
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// Every `crate::`/`super::`/`self::` path the code names.
fn paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements, whole trees.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before_ok = rest[..at]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before_ok {
            expand(&after[..end], "", &mut out);
        }
        rest = &after[end.min(after.len())..];
    }
    // Paths written inline.
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = ["crate::", "super::", "self::"]
            .iter()
            .find(|s| code_at(&chars, i, s) && !ident_before(&chars, i));
        if let Some(s) = starts {
            let mut j = i + s.len();
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_' || code_at(&chars, j, "::"))
            {
                j += if chars[j] == ':' { 2 } else { 1 };
            }
            let path: String = chars[i..j].iter().collect();
            // `crate::{…}` heads a use tree, which is expanded above; a
            // path followed by `!` names a macro, not a module.
            if !path.ends_with("::") && chars.get(j) != Some(&'!') {
                out.push(path);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn code_at(chars: &[char], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// The module file a path leads to, from the module `here` (whose file is
/// a `mod.rs` for a folder).
fn target(path: &str, here: &[String]) -> Option<PathBuf> {
    let segs: Vec<&str> = path.split("::").map(str::trim).collect();
    let (mut module, rest): (Vec<String>, &[&str]) = match segs.first() {
        Some(&"crate") => (Vec::new(), &segs[1..]),
        Some(&"super") => {
            let mut m = here.to_vec();
            let mut k = 0;
            while segs.get(k) == Some(&"super") {
                m.pop();
                k += 1;
            }
            // A module's `super` is its parent; a folder's mod.rs is the
            // folder itself, so its `super` is the folder's parent.
            (m, &segs[k..])
        }
        Some(&"self") => (here.to_vec(), &segs[1..]),
        _ => return None,
    };
    for s in rest {
        let mut deeper = module.clone();
        deeper.push(s.to_string());
        if file_of(&deeper).is_some() {
            module = deeper;
        } else {
            break;
        }
    }
    file_of(&module)
}

struct Source {
    rel: PathBuf,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut test_only: BTreeSet<PathBuf> = BTreeSet::new();
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(src()).unwrap().to_path_buf();
        let text = std::fs::read_to_string(&p).unwrap();
        let (code, tests) = without_tests(&code_only(&text));
        let module = module_of(&rel);
        for t in tests {
            let mut m = module.clone();
            m.push(t);
            if let Some(f) = file_of(&m) {
                test_only.insert(f);
            }
        }
        out.push(Source { rel, code });
    }
    out.retain(|s| !test_only.contains(&s.rel));
    out
}

fn top(rel: &Path) -> String {
    module_of(rel).first().cloned().unwrap_or_default()
}

/// File-to-file imports of the code outside tests.
fn graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut g = BTreeMap::new();
    for s in sources() {
        let here = module_of(&s.rel);
        let mut to = BTreeSet::new();
        for p in paths(&s.code) {
            if let Some(t) = target(&p, &here)
                && t != s.rel
            {
                to.insert(t);
            }
        }
        g.insert(s.rel, to);
    }
    g
}

#[test]
fn stages_import_only_earlier_stages_and_leaves_import_no_stage() {
    let mut wrong = Vec::new();
    for (from, tos) in graph() {
        let a = top(&from);
        if from == Path::new("lib.rs") || from == Path::new("main.rs") {
            continue;
        }
        for to in tos {
            let b = top(&to);
            if a == b {
                continue;
            }
            let ok = rank(&b) == 0 || rank(&b) < rank(&a);
            if !ok {
                wrong.push(format!("{} imports {}", from.display(), to.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the stage order (leaves {LEAVES:?}, then {STAGES:?}):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let g = graph();
    // Tarjan's strongly connected components: any component of more than
    // one file is a circle.
    struct State<'a> {
        g: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on: BTreeSet<&'a PathBuf>,
        next: usize,
        circles: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a PathBuf) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let Some((w, _)) = s.g.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.display().to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.circles.push(comp);
            }
        }
    }
    let mut s = State {
        g: &g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        circles: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    let circles: Vec<String> = s.circles.iter().map(|c| c.join(" ↔ ")).collect();
    assert!(
        circles.is_empty(),
        "files that import each other:\n{}",
        circles.join("\n")
    );
}

/// Test files are left out of the size rules: they hold tables of cases.
fn is_test_file(rel: &Path) -> bool {
    let name = rel.file_name().unwrap().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for s in sources() {
        if is_test_file(&s.rel) {
            continue;
        }
        let text = std::fs::read_to_string(src().join(&s.rel)).unwrap();
        let n = text.lines().count();
        if n > MAX_FILE_LINES {
            long.push(format!("{} ({n} lines)", s.rel.display()));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long:?}"
    );
}

/// Functions of the code outside tests: (file, name, first line, lines,
/// whether a comment right above or at its start says why it is long).
fn functions() -> Vec<(PathBuf, String, usize, usize, bool)> {
    let mut out = Vec::new();
    for s in sources() {
        if is_test_file(&s.rel) {
            continue;
        }
        let text = std::fs::read_to_string(src().join(&s.rel)).unwrap();
        let raw: Vec<&str> = text.lines().collect();
        let lines: Vec<&str> = s.code.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let Some(at) = l.find("fn ") else {
                i += 1;
                continue;
            };
            let before = &l[..at];
            let is_item = before.split_whitespace().all(|w| {
                matches!(
                    w,
                    "pub" | "pub(crate)" | "pub(super)" | "const" | "unsafe" | "async"
                ) || w.starts_with("pub(")
                    || w.starts_with("extern")
            });
            if !is_item {
                i += 1;
                continue;
            }
            let name: String = l[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // The body: from the first `{` after the signature to its match.
            let mut depth = 0i32;
            let mut opened = false;
            let mut end = i;
            'scan: for (k, line) in lines.iter().enumerate().skip(i) {
                for ch in line.chars() {
                    match ch {
                        ';' if !opened && depth == 0 => {
                            end = k;
                            break 'scan;
                        }
                        '{' => {
                            depth += 1;
                            opened = true;
                        }
                        '}' => {
                            depth -= 1;
                            if opened && depth == 0 {
                                end = k;
                                break 'scan;
                            }
                        }
                        _ => {}
                    }
                }
            }
            if opened {
                let n = end - i + 1;
                let doc_above = raw[..i]
                    .iter()
                    .rev()
                    .take_while(|l| {
                        let t = l.trim();
                        t.starts_with("///") || t.starts_with("#[") || t.starts_with("//")
                    })
                    .any(|l| {
                        let l = l.to_lowercase();
                        l.contains("stays whole") || l.contains("kept whole")
                    });
                out.push((s.rel.clone(), name, i + 1, n, doc_above));
            }
            i += 1;
        }
    }
    out
}

#[test]
fn functions_are_short_and_the_few_long_ones_say_why() {
    let fns = functions();
    assert!(
        fns.len() > 300,
        "the scan found only {} functions",
        fns.len()
    );
    let too_long: Vec<String> = fns
        .iter()
        .filter(|f| f.3 > MAX_FN_LINES)
        .map(|f| format!("{}:{} {} ({} lines)", f.0.display(), f.2, f.1, f.3))
        .collect();
    assert!(
        too_long.is_empty(),
        "functions over {MAX_FN_LINES} lines:\n{}",
        too_long.join("\n")
    );
    let long: Vec<&(PathBuf, String, usize, usize, bool)> =
        fns.iter().filter(|f| f.3 > 80).collect();
    let list = |v: &[&(PathBuf, String, usize, usize, bool)]| {
        v.iter()
            .map(|f| format!("{}:{} {} ({} lines)", f.0.display(), f.2, f.1, f.3))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        long.len() <= MAX_LONG_FNS,
        "{} functions over 80 lines (at most {MAX_LONG_FNS}):\n{}",
        long.len(),
        list(&long)
    );
    let unexplained: Vec<&(PathBuf, String, usize, usize, bool)> =
        long.iter().copied().filter(|f| !f.4).collect();
    assert!(
        unexplained.is_empty(),
        "functions over 80 lines without a comment saying why they stay whole:\n{}",
        list(&unexplained)
    );
}

/// The scanner itself: paths in strings and comments are not imports, use
/// trees expand, `super` climbs, test modules are left out.
#[test]
fn the_scanner_reads_imports_as_rustc_does() {
    let code = code_only(
        "use crate::a::{b, c::{d, e as f}};\n// crate::x::y\nlet s = \"crate::z\";\n#[cfg(test)]\nmod tests { use crate::t; }\nfn g() { super::h::i(); }\n",
    );
    let (code, _) = without_tests(&code);
    let p = paths(&code);
    assert!(p.contains(&"crate::a::b".to_string()), "{p:?}");
    assert!(p.contains(&"crate::a::c::d".to_string()), "{p:?}");
    assert!(p.contains(&"crate::a::c::e".to_string()), "{p:?}");
    assert!(p.contains(&"super::h::i".to_string()), "{p:?}");
    assert!(
        !p.iter()
            .any(|x| x.contains("::x") || x.contains("::z") || x.contains("::t")),
        "{p:?}"
    );
    let here = vec!["text".to_string(), "glue".to_string()];
    assert_eq!(
        target("super::fonts::FontSet", &here),
        Some(PathBuf::from("text/fonts.rs"))
    );
    assert_eq!(
        target("crate::frame::Rgb", &here),
        Some(PathBuf::from("frame.rs"))
    );
}
