//! `[page]`: paper size, margins, body size and leading, checked.

use toml::Spanned;

use super::schema::RawPage;
use super::settings::PageSettings;
use super::values::in_range;
use crate::error::{Error, Kind, Result};
use crate::source::SourceFile;

const MM: f64 = 72.0 / 25.4;

/// The page geometry `raw` asks for, in points.
pub(super) fn page_settings(file: &SourceFile, raw: Option<&RawPage>) -> Result<PageSettings> {
    let default = RawPage::default();
    let raw = raw.unwrap_or(&default);
    let (w, h) = match raw.size.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("A4", _)) => (210.0, 297.0),
        Some(("A5", _)) => (148.0, 210.0),
        Some(("B5", _)) => (176.0, 250.0),
        Some(("Letter", _)) => (215.9, 279.4),
        Some((other, span)) => {
            return Err(file.error(
                Kind::Config,
                span,
                format!(
                    "unknown page size `{other}`; expected \"A4\", \"A5\", \"B5\" or \"Letter\""
                ),
            ));
        }
    };
    let num =
        |v: &Option<Spanned<f64>>, dflt, lo, hi, what: &str| in_range(file, v, dflt, lo, hi, what);
    let all = num(&raw.margin_mm, 25.0, 15.0, 60.0, "margin_mm")?;
    let top = num(&raw.margin_top_mm, all, 15.0, 60.0, "margin_top_mm")?;
    let bottom = num(&raw.margin_bottom_mm, all, 15.0, 60.0, "margin_bottom_mm")?;
    let left = num(&raw.margin_left_mm, all, 15.0, 60.0, "margin_left_mm")?;
    let right = num(&raw.margin_right_mm, all, 15.0, 60.0, "margin_right_mm")?;
    let body = num(&raw.body_size_pt, 10.5, 8.0, 16.0, "body_size_pt")?;
    let leading = num(&raw.leading, 1.7, 1.3, 2.2, "leading")?;
    if (w - left - right) < 80.0 || (h - top - bottom) < 100.0 {
        return Err(Error::new(
            Kind::Config,
            format!(
                "{}: margins leave too small a type area",
                file.path.display()
            ),
        ));
    }
    Ok(PageSettings {
        width: (w * MM) as f32,
        height: (h * MM) as f32,
        margin_top: (top * MM) as f32,
        margin_bottom: (bottom * MM) as f32,
        margin_left: (left * MM) as f32,
        margin_right: (right * MM) as f32,
        body_size: body as f32,
        leading: leading as f32,
    })
}
