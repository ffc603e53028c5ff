//! Character classes for Chinese layout (clreq): which marks may not start
//! or end a line, which are opening or closing, where Han meets Latin.
//! Each rule of docs/typesetting.md §1–§2 is named here once.

// The sets below are `match` patterns rather than strings searched with
// `contains`: they are asked about every character of every candidate line.

/// Never at the start of a line (docs/typesetting.md §1: pause and stop marks,
/// closing quotes and brackets, connectors, interpuncts, and signs that
/// belong to the number before them).
pub(crate) fn no_start(c: char) -> bool {
    matches!(
        c,
        '。' | '．'
            | '，'
            | '、'
            | '：'
            | '；'
            | '！'
            | '‼'
            | '？'
            | '⁇'
            | '”'
            | '’'
            | '）'
            | '》'
            | '〉'
            | '」'
            | '』'
            | '】'
            | '〗'
            | '〕'
            | '］'
            | '｝'
            | '～'
            | '·'
            | '・'
            | '‧'
            | '%'
            | '‰'
            | '℃'
            | '°'
            | '′'
            | '″'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
    )
}

/// Never at the end of a line (opening quotes and brackets, currency signs
/// that belong to the number after them).
pub(crate) fn no_end(c: char) -> bool {
    is_opening(c) || matches!(c, '(' | '[' | '{' | '$' | '£' | '¥' | '￥')
}

/// Full-width opening marks: ink on the right half of the em box.
pub(crate) fn is_opening(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '（' | '《' | '〈' | '「' | '『' | '【' | '〖' | '〔' | '［' | '｛'
    )
}

/// Full-width closing marks: ink on the left half of the em box.
pub(crate) fn is_closing(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '）' | '》' | '〉' | '」' | '』' | '】' | '〗' | '〕' | '］' | '｝'
    )
}

/// Full-width pause and stop marks (zh-Hans: ink on the left half).
pub(crate) fn is_pause_stop(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '：' | '；' | '！' | '？' | '．')
}

/// Layout class of a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Han ideographs, kana, full-width letters: set solid on an em grid.
    Han,
    /// Latin letters, digits and ASCII symbols.
    Latin,
    /// A space.
    Space,
    /// Full-width opening bracket or quote.
    Open,
    /// Full-width closing bracket or quote.
    Close,
    /// Full-width pause or stop mark.
    PauseStop,
    /// Dashes and ellipses, which come in pairs and never stretch inside.
    Dash,
    /// Anything else (symbols, middle dots).
    Other,
}

/// The class of `c`.
pub(crate) fn class(c: char) -> Class {
    if c == ' ' || c == '\u{a0}' {
        Class::Space
    } else if is_opening(c) {
        Class::Open
    } else if is_closing(c) {
        Class::Close
    } else if is_pause_stop(c) {
        Class::PauseStop
    } else if c == '—' || c == '…' || c == '⸺' {
        Class::Dash
    } else if is_han(c) {
        Class::Han
    } else if c.is_ascii_graphic() || c.is_alphanumeric() {
        Class::Latin
    } else {
        Class::Other
    }
}

/// Han ideographs, CJK symbols and kana, and full-width forms.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3040..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A
        | 0x20000..=0x3134F)
}

/// Whether `c` is a full-width mark whose blank half may be compressed.
pub(crate) fn is_compressible(c: char) -> bool {
    matches!(class(c), Class::Open | Class::Close | Class::PauseStop)
}
