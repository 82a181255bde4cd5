//! The run report: one self-contained HTML page (inline CSS and SVG, no script, no
//! external URL) laying out the core's documents of a run — statistics, indicators, time
//! series and events. No figure is computed here: every number on the page is a field of one
//! of those documents (or a sample of the time series), only formatted and drawn.

mod data;
pub mod format;
mod sections;
mod svg;

pub use data::{collect, Documents};

use payment_sim_core::Simulation;

use crate::format::group;

/// What the page is about, besides the documents.
pub struct Meta {
    /// Where the run came from: `scenario FILE`, `state file FILE`, `recording FILE`.
    pub source: String,
    /// Agents drawn in the per-participant charts (the largest by value sent).
    pub top: usize,
    /// Amounts in tables as raw integer cents instead of currency with two decimals.
    pub raw_cents: bool,
}

/// The page of a simulation as it stands: its documents read, then laid out.
pub fn report(sim: &Simulation, meta: &Meta) -> String {
    render(meta, &collect(sim, meta.top))
}

/// The whole page.
pub fn render(meta: &Meta, docs: &Documents) -> String {
    let mut body = String::new();
    body.push_str(&sections::summary(meta, docs));
    if docs.indicators.ticks_run == 0 {
        body.push_str(
            "<section id=\"empty\"><p class=\"notice\">This run is empty: no tick has been run, so there is nothing to chart yet.</p></section>",
        );
    } else {
        body.push_str(&sections::mechanisms(meta, docs));
        body.push_str(&sections::throughput(meta, docs));
        body.push_str(&sections::paths(meta, docs));
        body.push_str(&sections::queues(docs));
        body.push_str(&sections::participants(meta, docs));
        body.push_str(&sections::events(docs));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>payment-sim report: {}</title><style>{CSS}</style></head><body><h1>payment-sim run report</h1>{body}<footer>Written by payment-sim {} from the core's statistics, indicators, time-series and events documents (docs/json.md).</footer></body></html>\n",
        escape(&meta.source),
        env!("CARGO_PKG_VERSION"),
    )
}

/// Text for HTML (and SVG) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An amount in cents (the indicators' amounts may exceed 64 bits), raw or as currency.
pub fn money(raw_cents: bool, cents: i128) -> String {
    if raw_cents {
        return cents.to_string();
    }
    let magnitude = cents.unsigned_abs();
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", group(magnitude / 100), magnitude % 100)
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}\
td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}\
.notice{background:#fff4d6;border:1px solid #e7c35a;padding:.6em 1em}\
.chart{width:100%;height:auto;display:block}.chart text{font-size:11px;fill:#333}\
.axis{stroke:#555;fill:none}.grid{stroke:#e4e4e4;fill:none}\
.line{fill:none;stroke-width:1.6}.key{stroke-width:3}\
.ytick{text-anchor:end}.xtick,.xlabel{text-anchor:middle}.ylabel{text-anchor:middle}.barlabel{text-anchor:end}\
.marker{stroke:#c00;stroke-dasharray:4 3}.span{fill:#c00;fill-opacity:.08}\
.facts td{text-align:left}.scroll{max-height:480px;overflow:auto}.muted{color:#777}\
footer{margin-top:3em;color:#777;font-size:.9em}";

/// Participants drawn in the per-participant charts when the caller does not say.
pub const DEFAULT_TOP: usize = 10;

/// A report request from another language (the C ABI's `options_json`):
/// `{"top": N, "source": "…", "raw_cents": bool}`, every field optional.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    top: Option<u64>,
    source: Option<String>,
    #[serde(default)]
    raw_cents: bool,
}

/// Read report options (`None`: all defaults) into a [`Meta`]; the error says what is wrong.
pub fn meta_from_json(options: Option<&str>) -> Result<Meta, String> {
    let opts: Options = match options {
        None => Options {
            top: None,
            source: None,
            raw_cents: false,
        },
        Some(text) => {
            // The path names the field at fault (`top: invalid type …`).
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| match e.path().to_string().as_str() {
                    "." => format!("report options: {}", e.inner()),
                    path => format!("report options: {path}: {}", e.inner()),
                })?
        }
    };
    let top = match opts.top {
        None => DEFAULT_TOP,
        Some(0) => return Err("report options: `top` must be at least 1, got 0".into()),
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    };
    Ok(Meta {
        source: opts.source.unwrap_or_else(|| "simulation".into()),
        top,
        raw_cents: opts.raw_cents,
    })
}
