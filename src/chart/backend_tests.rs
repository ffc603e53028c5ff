//! Backend tests: what plotters draws arrives as page items.

use super::*;
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::style::text_anchor::Pos;
use plotters::style::{FontDesc, RGBAColor, ShapeStyle, TextStyle};

use crate::text::fonts::test_fonts as fonts;

fn style(em: f32, h: HPos, v: VPos, t: FontTransform) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::SansSerif, plotters_size(em), FontStyle::Normal)
            .transform(t),
        color: BackendColor {
            alpha: 1.0,
            rgb: (0x1f, 0x3a, 0x5f),
        },
        pos: Pos::new(h, v),
    }
}

fn texts(rec: &Rc<RefCell<Recorder>>) -> Vec<crate::frame::TextRun> {
    rec.borrow()
        .items
        .iter()
        .filter_map(|i| {
            if let Item::Text(t) = i {
                Some(t.clone())
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn text_extent_is_the_fonts_own_advances() {
    let f = fonts();
    let (b, _) = PdfBackend::new(&f, 0.0, 0.0, 100.0, 100.0);
    let s = style(8.0, HPos::Left, VPos::Top, FontTransform::None);
    // Han characters are one em each: 3 × 8 pt.
    let (w, h) = b.estimate_text_size("英伟达", &s).unwrap();
    assert!((w as f32 / UNIT - 24.0).abs() <= 1.0 / UNIT, "{w}");
    assert!((h as f32 / UNIT - 8.0).abs() <= 1.0 / UNIT, "{h}");
    // Latin text uses the font's proportional advances, not a byte count.
    let font = f.get(FontKind::Sans);
    let (w, _) = b.estimate_text_size("H100", &s).unwrap();
    let expect = font.text_width("H100") * 8.0;
    assert!(
        (w as f32 / UNIT - expect).abs() <= 1.0 / UNIT,
        "{w} vs {expect}"
    );
    assert!(expect < 4.0 * 8.0 * 0.7);
    // Bold is measured in the bold face.
    let bold = TextStyle {
        font: s.font.style(FontStyle::Bold),
        ..s.clone()
    };
    let (wb, _) = b.estimate_text_size("H100", &bold).unwrap();
    let expect_b = f.get(FontKind::SansBold).text_width("H100") * 8.0;
    assert!((wb as f32 / UNIT - expect_b).abs() <= 1.0 / UNIT);
}

#[test]
fn anchors_place_the_em_box() {
    let f = fonts();
    let (area, rec) = PdfBackend::area(&f, 100.0, 200.0, 300.0, 100.0);
    let at = ((50.0 * UNIT) as i32, (40.0 * UNIT) as i32);
    for (h, v) in [
        (HPos::Left, VPos::Top),
        (HPos::Center, VPos::Center),
        (HPos::Right, VPos::Bottom),
    ] {
        area.draw(&Text::new(
            "华为昇腾",
            at,
            style(10.0, h, v, FontTransform::None),
        ))
        .unwrap();
    }
    let t = texts(&rec);
    assert_eq!(t.len(), 3);
    // Left/top: origin at the anchor, baseline 0.88 em below it.
    assert!(
        (t[0].x - 150.0).abs() < 1e-3 && (t[0].y - (240.0 + 8.8)).abs() < 1e-3,
        "{:?}",
        (t[0].x, t[0].y)
    );
    // Centre/centre: the em box's middle is on the anchor.
    let mid_x = t[1].x + t[1].width() / 2.0;
    let mid_y = t[1].y - 0.88 * 10.0 + 5.0;
    assert!((mid_x - 150.0).abs() < 1e-3 && (mid_y - 240.0).abs() < 1e-3);
    // Right/bottom: the run ends at the anchor, the em box's foot on it.
    assert!((t[2].x + t[2].width() - 150.0).abs() < 1e-3 && (t[2].y + 1.2 - 240.0).abs() < 1e-3);
    assert!((t[0].width() - 40.0).abs() < 1e-3);
    assert!(
        t.iter()
            .all(|r| r.angle == 0.0 && r.font == FontKind::Sans && r.size == 10.0)
    );
}

#[test]
fn rotate270_is_a_y_axis_title_reading_upwards() {
    let f = fonts();
    let (area, rec) = PdfBackend::area(&f, 0.0, 0.0, 200.0, 200.0);
    let at = ((20.0 * UNIT) as i32, (100.0 * UNIT) as i32);
    // plotters draws a left axis title this way: centred, top on the anchor.
    area.draw(&Text::new(
        "算力（EFLOPS）",
        at,
        style(8.0, HPos::Center, VPos::Top, FontTransform::Rotate270),
    ))
    .unwrap();
    let t = &texts(&rec)[0];
    assert_eq!(t.angle, 90.0);
    let w = t.width();
    // The baseline runs up the page from (x, y) to (x, y − w), centred on y = 100.
    assert!((t.y - (100.0 + w / 2.0)).abs() < 1e-3, "{} {w}", t.y);
    // The glyph tops face left and touch x = 20: the baseline is 0.88 em to the right.
    assert!((t.x - (20.0 + 0.88 * 8.0)).abs() < 1e-3, "{}", t.x);
    let (area, rec) = PdfBackend::area(&f, 0.0, 0.0, 200.0, 200.0);
    area.draw(&Text::new(
        "x",
        at,
        style(8.0, HPos::Left, VPos::Top, FontTransform::Rotate90),
    ))
    .unwrap();
    assert_eq!(texts(&rec)[0].angle, -90.0);
}

#[test]
fn shapes_become_vector_items_with_colour_alpha_and_dash() {
    let f = fonts();
    let (area, rec) = PdfBackend::area(&f, 10.0, 20.0, 100.0, 100.0);
    let navy = RGBAColor(0x1f, 0x3a, 0x5f, 1.0);
    let u = |v: f32| (v * UNIT) as i32;
    area.draw(&Rectangle::new(
        [(u(1.0), u(2.0)), (u(11.0), u(32.0))],
        ShapeStyle {
            color: navy,
            filled: true,
            stroke_width: 0,
        },
    ))
    .unwrap();
    rec.borrow_mut().dash = vec![3.0, 2.0];
    area.draw(&PathElement::new(
        vec![
            (0, 0),
            (u(50.0), u(25.0)),
            (u(50.0), u(25.0)),
            (u(100.0), 0),
        ],
        ShapeStyle {
            color: RGBAColor(230, 140, 40, 0.5),
            filled: false,
            stroke_width: 30,
        },
    ))
    .unwrap();
    rec.borrow_mut().dash.clear();
    area.draw(&Circle::new(
        (u(50.0), u(50.0)),
        u(2.5),
        ShapeStyle {
            color: navy,
            filled: true,
            stroke_width: 0,
        },
    ))
    .unwrap();
    // Fully transparent shapes draw nothing.
    area.draw(&Rectangle::new(
        [(0, 0), (10, 10)],
        ShapeStyle {
            color: RGBAColor(0, 0, 0, 0.0),
            filled: true,
            stroke_width: 0,
        },
    ))
    .unwrap();
    let items = rec.borrow().items.clone();
    assert_eq!(items.len(), 3);
    let Item::Path(r) = &items[0] else { panic!() };
    assert_eq!(
        r.points,
        vec![(11.0, 22.0), (21.0, 22.0), (21.0, 52.0), (11.0, 52.0)]
    );
    assert_eq!(r.fill, Some(Rgb::from_u8(0x1f, 0x3a, 0x5f)));
    assert!(r.closed && r.stroke.is_none() && r.alpha == 1.0);
    let Item::Path(p) = &items[1] else { panic!() };
    // The repeated vertex is folded away; width 30 units = 1.5 pt.
    assert_eq!(p.points, vec![(10.0, 20.0), (60.0, 45.0), (110.0, 20.0)]);
    let s = p.stroke.as_ref().unwrap();
    assert_eq!(
        (s.width, s.dash.clone(), p.alpha, p.fill),
        (1.5, vec![3.0, 2.0], 0.5, None)
    );
    assert_eq!(s.color, Rgb::from_u8(230, 140, 40));
    let Item::Circle {
        cx,
        cy,
        r,
        fill,
        stroke,
        ..
    } = &items[2]
    else {
        panic!()
    };
    assert_eq!((*cx, *cy, *r), (60.0, 70.0, 2.5));
    assert!(fill.is_some() && stroke.is_none());
}

#[test]
fn translucent_text_is_mixed_with_white() {
    let f = fonts();
    let (area, rec) = PdfBackend::area(&f, 0.0, 0.0, 100.0, 100.0);
    let mut s = style(8.0, HPos::Left, VPos::Top, FontTransform::None);
    s.color = BackendColor {
        alpha: 0.5,
        rgb: (0, 0, 0),
    };
    area.draw(&Text::new("预测", (0, 0), s)).unwrap();
    assert_eq!(texts(&rec)[0].color, Rgb(0.5, 0.5, 0.5));
}

#[test]
fn missing_characters_and_pixels_are_errors_not_blanks() {
    let f = fonts();
    let (area, rec) = PdfBackend::area(&f, 0.0, 0.0, 100.0, 100.0);
    let r = area.draw(&Text::new(
        "\u{e000}",
        (0, 0),
        style(8.0, HPos::Left, VPos::Top, FontTransform::None),
    ));
    assert!(r.is_err());
    assert!(
        rec.borrow()
            .error
            .as_ref()
            .unwrap()
            .message()
            .contains("U+E000")
    );
    let (mut b, _) = PdfBackend::new(&f, 0.0, 0.0, 10.0, 10.0);
    assert!(
        b.draw_pixel(
            (1, 1),
            BackendColor {
                alpha: 1.0,
                rgb: (0, 0, 0)
            }
        )
        .is_err()
    );
    assert!(b.blit_bitmap((0, 0), (1, 1), &[0, 0, 0]).is_err());
}
