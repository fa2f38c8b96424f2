//! SVG charts as pure functions: data in, an SVG string out.
//!
//! Why hand-written SVG rather than a plotting crate: four simple chart shapes, no fonts or
//! raster back-ends to pull in, and full control over what matters here — a `viewBox` so the
//! picture scales with the page, a `<title>` on every bar and point so the exact number shows
//! on hover without JavaScript, and every text escaped (operator names are user input).
//! The words come in a `ChartWords` (the pages pick English or Russian, `web::i18n::kpi`).

use std::fmt::Write;

use super::{distribution::Distribution, operators::OperatorRow};
use crate::domain::text::fill;

/// The words of the charts; hovers are templates with places `{0}`, `{1}`, ….
pub struct ChartWords {
    /// Title of the calls-by-hour chart.
    pub by_hour_title: &'static str,
    /// A bar's hover: hour, calls.
    pub by_hour_hover: &'static str,
    /// Title of the wait-time chart.
    pub wait_title: &'static str,
    /// A bar's hover: bucket, answered calls.
    pub wait_hover: &'static str,
    /// The unit after a wait bucket's bounds.
    pub seconds: &'static str,
    /// Title of the load chart.
    pub load_title: &'static str,
    /// A row's hover: share %, calls, talk seconds, wrap-up seconds.
    pub load_hover: &'static str,
    /// Title of the Pareto curve.
    pub pareto_title: &'static str,
    /// A point's hover: share of clients %, share of revenue %.
    pub pareto_point: &'static str,
    /// The Pareto mark's hover: share of clients %.
    pub pareto_mark: &'static str,
    /// The x axis.
    pub axis_x: &'static str,
    /// The y axis.
    pub axis_y: &'static str,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const PAD: f64 = 32.0;

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {height}\" role=\"img\" \
         class=\"chart\"><title>{}</title>",
        escape(title)
    )
}

/// Vertical bars: one per (label, value); `hover` words each bar's `<title>` (`{0}` the
/// label, `{1}` the value).
pub fn vertical_bars(title: &str, bars: &[(String, i64)], hover: &str) -> String {
    let mut svg = open(title, H);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let slot = (W - 2.0 * PAD) / bars.len().max(1) as f64;
    for (i, (label, value)) in bars.iter().enumerate() {
        let h = (H - 2.0 * PAD) * *value as f64 / max;
        let x = PAD + i as f64 * slot;
        let _ = write!(
            svg,
            "<g><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"bar\">\
             <title>{}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text></g>",
            H - PAD - h,
            slot * 0.8,
            escape(&fill(hover, &[label, value])),
            x + slot * 0.4,
            H - PAD + 12.0,
            escape(label),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one row per (label, value, shown value text).
pub fn horizontal_bars(title: &str, rows: &[(String, f64, String)]) -> String {
    let row_h = 22.0;
    let height = PAD + rows.len() as f64 * row_h + 8.0;
    let mut svg = open(title, height);
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let label_w = 160.0;
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = PAD / 2.0 + i as f64 * row_h;
        let w = (W - label_w - PAD) * value / max;
        let _ = write!(
            svg,
            "<g><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" class=\"bar\">\
             <title>{}: {}</title></rect></g>",
            label_w - 6.0,
            y + row_h * 0.6,
            escape(label),
            row_h * 0.7,
            escape(label),
            escape(shown),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Offered calls by hour of the day (business time zone).
pub fn calls_by_hour(d: &Distribution, w: &ChartWords) -> String {
    let bars: Vec<(String, i64)> = d
        .by_hour
        .iter()
        .map(|s| (format!("{:02}", s.key), s.offered))
        .collect();
    vertical_bars(w.by_hour_title, &bars, w.by_hour_hover)
}

/// Answered calls per wait-time bucket.
pub fn wait_buckets(d: &Distribution, words: &ChartWords) -> String {
    // The labels are "0–15 s", "91+ s": the unit is the language's.
    let bars: Vec<(String, i64)> = d
        .wait
        .iter()
        .map(|w| {
            let bounds = w.label.strip_suffix(" s").unwrap_or(w.label);
            (format!("{bounds} {}", words.seconds), w.answered)
        })
        .collect();
    vertical_bars(words.wait_title, &bars, words.wait_hover)
}

/// Each operator's share of the team's load (talk + wrap-up).
pub fn operator_load(rows: &[OperatorRow], w: &ChartWords) -> String {
    let bars: Vec<(String, f64, String)> = rows
        .iter()
        .map(|r| {
            let share = r.load_share.unwrap_or(0.0);
            let shown = fill(
                w.load_hover,
                &[
                    &format!("{:.1}", share * 100.0),
                    &r.calls_handled,
                    &r.talk_seconds,
                    &r.wrapup_seconds,
                ],
            );
            (r.name.clone(), share, shown)
        })
        .collect();
    horizontal_bars(w.load_title, &bars)
}

/// The Pareto curve: (share of clients, share of revenue) points, both 0–1, clients sorted by
/// revenue; the 80 % line is drawn and `pareto` (share of clients at 80 % of revenue) marked.
pub fn pareto_curve(points: &[(f64, f64)], pareto: Option<f64>, w: &ChartWords) -> String {
    let mut svg = open(w.pareto_title, H);
    let sx = |x: f64| PAD + x * (W - 2.0 * PAD);
    let sy = |y: f64| H - PAD - y * (H - 2.0 * PAD);
    let path: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y)))
        .collect();
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" class=\"guide\" stroke-dasharray=\"4 3\"/>\
         <polyline fill=\"none\" stroke=\"currentColor\" points=\"{}\"/>",
        W - PAD,
        path.join(" "),
        y = sy(0.8),
    );
    for (x, y) in points {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"><title>{}</title></circle>",
            sx(*x),
            sy(*y),
            escape(&fill(
                w.pareto_point,
                &[&format!("{:.1}", x * 100.0), &format!("{:.1}", y * 100.0)]
            )),
        );
    }
    axes(&mut svg, sx, sy, w);
    if let Some(p) = pareto {
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{PAD}\" x2=\"{x:.1}\" y2=\"{:.1}\" class=\"pareto\">\
             <title>{}</title></line>",
            H - PAD,
            escape(&fill(w.pareto_mark, &[&format!("{:.1}", p * 100.0)])),
            x = sx(p),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Percent ticks on both axes of a 0–1 × 0–1 chart, and what each axis means.
fn axes(svg: &mut String, sx: impl Fn(f64) -> f64, sy: impl Fn(f64) -> f64, w: &ChartWords) {
    for pct in [0, 20, 40, 60, 80, 100] {
        let v = f64::from(pct) / 100.0;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{pct} %</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"end\">{pct} %</text>",
            sx(v),
            H - PAD + 12.0,
            PAD - 4.0,
            sy(v) + 3.0,
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
        W / 2.0,
        H - 4.0,
        escape(w.axis_x),
        PAD,
        PAD - 10.0,
        escape(w.axis_y),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_in_titles_and_scale_with_a_viewbox() {
        let svg = vertical_bars(
            "Calls",
            &[("09".into(), 4), ("10".into(), 7)],
            "{0}: {1} calls",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 640 240\""));
        assert!(svg.contains("<title>09: 4 calls</title>"));
        assert!(svg.contains("<title>10: 7 calls</title>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn operator_names_are_escaped() {
        let svg = horizontal_bars(
            "Load",
            &[("<b>Olga & Co</b>".into(), 0.75, "75.0 %".into())],
        );
        assert!(svg.contains("&lt;b&gt;Olga &amp; Co&lt;/b&gt;: 75.0 %"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn the_pareto_curve_marks_each_point_and_the_pareto_share() {
        let en = crate::web::i18n::kpi::chart_words(crate::config::Language::En);
        let svg = pareto_curve(&[(0.0, 0.0), (0.2, 0.8), (1.0, 1.0)], Some(0.2), en);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("<title>20.0 % of clients: 80.0 % of revenue</title>"));
        assert!(svg.contains("<title>20.0 % of clients bring 80 % of revenue</title>"));
        assert!(svg.contains(">80 %</text>") && svg.contains(">share of revenue</text>"));
    }

    #[test]
    fn an_empty_chart_is_still_valid_svg() {
        let ru = crate::web::i18n::kpi::chart_words(crate::config::Language::Ru);
        assert!(vertical_bars("x", &[], "{1}").ends_with("</svg>"));
        assert!(pareto_curve(&[], None, ru).contains("<polyline"));
    }

    #[test]
    fn russian_words_keep_their_own_order() {
        let ru = crate::web::i18n::kpi::chart_words(crate::config::Language::Ru);
        let svg = pareto_curve(&[(0.2, 0.8)], Some(0.2), ru);
        assert!(
            svg.contains("<title>20.0 % клиентов: 80.0 % выручки</title>"),
            "{svg}"
        );
        assert!(svg.contains(">доля выручки</text>"));
    }
}
