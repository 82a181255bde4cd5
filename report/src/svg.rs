//! Inline SVG charts, written by hand: a line chart (lines or steps, with event markers and
//! shaded spans) and a horizontal bar chart. A few `<path>` elements per chart do not justify
//! a plotting crate; writing them here keeps the output byte-stable (coordinates are printed
//! with one decimal) and the page free of scripts.

use std::fmt::Write as _;

use super::escape;

/// Plot area and margins (px).
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// Most points drawn per series: longer series are reduced to the first and last point of each
/// bucket plus its lowest and highest (peaks survive), so a year of samples stays a few KiB.
pub const MAX_POINTS: usize = 480;

/// Colours of the series, in order (Tableau 10: distinguishable and colour-blind friendly).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// One line.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// (x, y), x ascending.
    pub points: Vec<(f64, f64)>,
    /// Draw as a step function (the value holds until the next point).
    pub step: bool,
}

/// Something that happened at a time: a vertical line, or a shaded span when `to` is given.
pub struct Marker {
    /// Where.
    pub x: f64,
    /// Until (exclusive) for a span.
    pub to: Option<f64>,
    /// Tooltip text.
    pub label: String,
}

/// A line chart.
pub struct LineChart<'a> {
    /// Accessible name (`aria-label`).
    pub title: &'a str,
    /// Under the x axis.
    pub x_label: &'a str,
    /// Left of the y axis.
    pub y_label: &'a str,
    /// The x range drawn (the data's when `None`).
    pub x_range: Option<(f64, f64)>,
    /// The y range drawn (the data's, including 0, when `None`).
    pub y_range: Option<(f64, f64)>,
    /// How y tick values are written.
    pub y_format: fn(f64) -> String,
    /// The lines.
    pub series: Vec<Series>,
    /// Events.
    pub markers: &'a [Marker],
}

/// Reduce `points` to at most about `max` points, keeping each bucket's first, lowest, highest
/// and last point in x order. Deterministic; a series already short enough is returned as is.
pub fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 8 {
        return points.to_vec();
    }
    let buckets = max / 4;
    let mut out = Vec::with_capacity(buckets * 4);
    for b in 0..buckets {
        let from = points.len() * b / buckets;
        let to = points.len() * (b + 1) / buckets;
        let chunk = &points[from..to];
        if chunk.is_empty() {
            continue;
        }
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = i;
            }
            if p.1 > chunk[hi].1 {
                hi = i;
            }
        }
        let mut keep = [0, lo, hi, chunk.len() - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for i in keep {
            if i != last {
                out.push(chunk[i]);
                last = i;
            }
        }
    }
    out
}

/// "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about five of them.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    // Multiples of the step (not a running sum: no drift).
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick label for plain numbers: integers without decimals, others with up to two.
pub fn plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

/// A tick label for cents: currency units with a k/M/bn suffix (`1.5M`).
pub fn money_axis(cents: f64) -> String {
    let units = cents / 100.0;
    let (div, suffix) = match units.abs() {
        a if a >= 1e9 => (1e9, "bn"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e3 => (1e3, "k"),
        _ => (1.0, ""),
    };
    let v = units / div;
    if (v - v.round()).abs() < 1e-9 {
        format!("{}{suffix}", v.round() as i64)
    } else {
        format!("{v:.1}{suffix}")
    }
}

/// A share as a percentage.
pub fn percent_axis(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The chart as an `<svg>` element.
pub fn line_chart(chart: &LineChart) -> String {
    let all = || chart.series.iter().flat_map(|s| s.points.iter());
    let (x0, x1) = chart
        .x_range
        .or_else(|| bounds(all().map(|p| p.0)))
        .unwrap_or((0.0, 1.0));
    let (y0, y1) = chart.y_range.unwrap_or_else(|| {
        let (lo, hi) = bounds(all().map(|p| p.1)).unwrap_or((0.0, 1.0));
        (lo.min(0.0), hi.max(0.0))
    });
    let (x1, y1) = (
        if x1 > x0 { x1 } else { x0 + 1.0 },
        if y1 > y0 { y1 } else { y0 + 1.0 },
    );
    let (pw, ph) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| TOP + ph - (y - y0) / (y1 - y0) * ph;

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        escape(chart.title)
    );
    // Spans and markers under the lines.
    for m in chart.markers {
        let x = sx(m.x.clamp(x0, x1));
        let body = match m.to {
            Some(to) => format!(
                "<rect class=\"span\" x=\"{x:.1}\" y=\"{TOP:.1}\" width=\"{:.1}\" height=\"{ph:.1}\">",
                (sx(to.clamp(x0, x1)) - x).max(1.0)
            ),
            None => format!(
                "<line class=\"marker\" x1=\"{x:.1}\" y1=\"{TOP:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\">",
                TOP + ph
            ),
        };
        let tag = if m.to.is_some() { "rect" } else { "line" };
        let _ = write!(svg, "{body}<title>{}</title></{tag}>", escape(&m.label));
    }
    // Axes and grid.
    let _ = write!(
        svg,
        "<path class=\"axis\" d=\"M{LEFT:.1} {TOP:.1}V{:.1}H{:.1}\"/>",
        TOP + ph,
        LEFT + pw
    );
    for v in ticks(y0, y1) {
        let y = sy(v);
        let _ = write!(
            svg,
            "<path class=\"grid\" d=\"M{LEFT:.1} {y:.1}H{:.1}\"/><text class=\"ytick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            escape(&(chart.y_format)(v))
        );
    }
    for v in ticks(x0, x1) {
        let x = sx(v);
        let _ = write!(
            svg,
            "<text class=\"xtick\" x=\"{x:.1}\" y=\"{:.1}\">{}</text>",
            TOP + ph + 16.0,
            plain(v)
        );
    }
    let _ = write!(
        svg,
        "<text class=\"xlabel\" x=\"{:.1}\" y=\"{:.1}\">{}</text><text class=\"ylabel\" transform=\"translate(14 {:.1}) rotate(-90)\">{}</text>",
        LEFT + pw / 2.0,
        HEIGHT - 4.0,
        escape(chart.x_label),
        TOP + ph / 2.0,
        escape(chart.y_label)
    );
    // Lines and legend.
    for (i, s) in chart.series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let points = decimate(&s.points, MAX_POINTS);
        let mut d = String::new();
        let mut prev_y = None;
        for (x, y) in points {
            let (px, py) = (sx(x), sy(y));
            match prev_y {
                None => {
                    let _ = write!(d, "M{px:.1} {py:.1}");
                }
                Some(_) if s.step => {
                    let _ = write!(d, "H{px:.1}V{py:.1}");
                }
                Some(_) => {
                    let _ = write!(d, "L{px:.1} {py:.1}");
                }
            }
            prev_y = Some(py);
        }
        if !d.is_empty() {
            let _ = write!(
                svg,
                "<path class=\"line\" stroke=\"{colour}\" d=\"{d}\"><title>{}</title></path>",
                escape(&s.label)
            );
        }
        if i < 14 {
            let ly = TOP + 8.0 + 16.0 * i as f64;
            let lx = LEFT + pw + 10.0;
            let _ = write!(
                svg,
                "<path stroke=\"{colour}\" class=\"key\" d=\"M{lx:.1} {ly:.1}h14\"/><text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                lx + 18.0,
                ly + 4.0,
                escape(&s.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One bar.
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Length as a share of the longest possible bar (0–1).
    pub share: f64,
    /// Text right of the bar.
    pub note: String,
}

/// Horizontal bars on a 0–100% scale.
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let row = 26.0;
    let (label_w, bar_w) = (190.0, 400.0);
    let height = row * bars.len() as f64 + 8.0;
    let mut svg = format!(
        "<svg class=\"chart bars\" viewBox=\"0 0 {WIDTH} {height:.1}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = (b.share.clamp(0.0, 1.0) * bar_w).max(0.0);
        let _ = write!(
            svg,
            "<text class=\"barlabel\" x=\"{:.1}\" y=\"{:.1}\">{}</text><rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/><text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 8.0,
            y + 14.0,
            escape(&b.label),
            row - 8.0,
            PALETTE[i % PALETTE.len()],
            label_w + w + 6.0,
            y + 14.0,
            escape(&b.note)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_the_ends_and_the_peaks() {
        let points: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64, if i == 7_777 { 1e6 } else { (i % 7) as f64 }))
            .collect();
        let out = decimate(&points, 400);
        assert!(out.len() <= 400, "{}", out.len());
        assert_eq!(out.first(), points.first());
        assert_eq!(out.last(), points.last());
        assert!(out.contains(&(7_777.0, 1e6)));
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(decimate(&points[..100], 400), points[..100].to_vec());
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let shares = ticks(0.0, 1.0);
        assert_eq!((shares.len(), shares[0], shares[5]), (6, 0.0, 1.0));
        assert_eq!(money_axis(150_000_000.0), "1.5M");
        assert_eq!(money_axis(-20_000.0), "-200");
    }
}
