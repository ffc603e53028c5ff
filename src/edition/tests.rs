//! Conversion: words, quotes, origins.

use super::*;

fn conv(lang: Language, words: &[(&str, Option<&str>)]) -> Converter {
    let words: Vec<(String, Option<String>)> = words
        .iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
    Converter {
        lang,
        firsts: words.iter().filter_map(|(k, _)| k.chars().next()).collect(),
        words,
        verbatim: HashSet::new(),
        done: RefCell::default(),
    }
}

#[test]
fn simplified_text_is_converted_with_the_regions_words_and_quotes() {
    let tw = conv(
        Language::ZhHantTw,
        &[("英伟达", Some("輝達")), ("人工智能", Some("人工智慧"))],
    );
    assert_eq!(
        tw.string("英伟达的“人工智能”芯片对象与参数发布后"),
        "輝達的「人工智慧」晶片對象與參數發佈後".replace("晶片", "芯片")
    );
    let hk = conv(Language::ZhHantHk, &[]);
    assert_eq!(hk.string("英伟达说‘后来’"), "英偉達説『後來』");
}

#[test]
fn kept_words_stay_as_written_and_simplified_editions_are_untouched() {
    let c = conv(Language::ZhHantTw, &[("海光信息", None)]);
    assert_eq!(c.string("海光信息与华为"), "海光信息與華為");
    let cn = conv(Language::ZhCn, &[("英伟达", Some("輝達"))]);
    assert_eq!(cn.string("英伟达“对”"), "英伟达“对”");
}

#[test]
fn pieces_keep_their_origins() {
    let c = conv(Language::ZhHantTw, &[("英伟达", Some("輝達"))]);
    let o = Origin::value(FileId(3), 100);
    let mut t = Text::plain("据");
    t.push_from("英伟达发布", Some(o));
    let out = c.text(&t);
    assert_eq!(out.as_str(), "據輝達發佈");
    // 發 comes from byte 9 of the value (after 英伟达).
    let at = out.as_str().find('發').unwrap();
    assert_eq!(out.origin_at(at), Some(o.offset(9)));
    assert_eq!(out.origin_at(0), None);
}
