//! The page's sections, each a `<section id=…>` of tables and charts.

use std::fmt::Write as _;

use payment_sim_core::config::EventRecording;
use payment_sim_core::indicators::report::PeriodIndicators;
use payment_sim_core::EventRecord;

use super::svg::{self, Bar, LineChart, Marker, Series};
use super::{escape, money, Documents, Meta};
use crate::format::{count, horizon_words, percent};

/// Throughput curves drawn at most (evenly chosen days, always the first and the last).
const MAX_DAYS_DRAWN: usize = 10;
/// Scenario events listed at most in the table (all are marked on the charts).
const MAX_EVENTS_LISTED: usize = 200;

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// Provenance, size, horizon, seed, how far the run got.
pub fn summary(meta: &Meta, docs: &Documents) -> String {
    let p = &docs.stats.provenance;
    let ind = &docs.indicators;
    let rows = vec![
        vec!["source".into(), meta.source.clone()],
        vec!["agents".into(), count(docs.agents as u64)],
        vec![
            "horizon".into(),
            format!(
                "{} ticks ({})",
                count(docs.horizon),
                horizon_words(docs.num_days, docs.ticks_per_day)
            ),
        ],
        vec!["ticks run".into(), count(ind.ticks_run)],
        vec!["seed".into(), p.seed.to_string()],
        vec!["scenario hash".into(), p.scenario_hash.clone()],
        vec!["engine version".into(), p.engine_version.clone()],
        vec![
            "semantics".into(),
            format!(
                "offsetting {}, random streams {}",
                p.semantics.offsetting, p.semantics.random_streams
            ),
        ],
        vec!["LSM algorithm".into(), lsm_algorithm(&docs.stats.lsm)],
    ];
    let mut out = String::from("<section id=\"summary\"><h2>Scenario</h2>");
    if ind.ticks_run > 0 && !docs.finished {
        let _ = write!(
            out,
            "<p class=\"notice\" id=\"unfinished\">Unfinished run: {} of {} ticks have run; the figures cover those ticks only.</p>",
            count(ind.ticks_run),
            count(docs.horizon)
        );
    }
    out.push_str(&table(&["", ""], &rows).replace("<table>", "<table class=\"facts\">"));
    out.push_str("</section>");
    out
}

/// Settlement by mechanism: counts, values and value shares (the indicators' system period).
pub fn mechanisms(meta: &Meta, docs: &Documents) -> String {
    let style = meta.raw_cents;
    let s = &docs.stats;
    let m = &docs.indicators.system.settled_by_mechanism;
    let kinds = [
        ("RTGS entry", &m.rtgs),
        ("Queue 2 retry", &m.queue),
        ("bilateral offset (LSM)", &m.bilateral),
        ("multilateral offset (LSM)", &m.multilateral),
    ];
    let bars: Vec<Bar> = kinds
        .iter()
        .map(|(label, k)| Bar {
            label: (*label).to_string(),
            share: k.share,
            note: percent(k.share),
        })
        .collect();
    let rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|(label, k)| {
            vec![
                (*label).to_string(),
                count(k.count),
                money(style, k.value),
                percent(k.share),
            ]
        })
        .collect();
    let totals = vec![
        vec![
            "arrived".into(),
            count(s.arrivals),
            money(style, s.arrived_value.into()),
        ],
        vec![
            "settled".into(),
            count(s.settlements),
            money(style, s.settled_value.into()),
        ],
        vec![
            "dropped".into(),
            count(s.drops),
            money(style, s.dropped_value.into()),
        ],
    ];
    format!(
        "<section id=\"mechanisms\"><h2>Settlement by mechanism</h2>{}{}<p class=\"muted\">Shares of the settled value.</p>{}</section>",
        table(&["payments", "count", "value"], &totals),
        table(&["mechanism", "count", "value", "share of value"], &rows),
        svg::bar_chart("settled value by mechanism", &bars)
    )
}

/// The days drawn: all when few, else evenly spread, first and last included.
fn days_drawn(days: usize) -> Vec<usize> {
    if days <= MAX_DAYS_DRAWN {
        return (0..days).collect();
    }
    let mut out: Vec<usize> = (0..MAX_DAYS_DRAWN)
        .map(|k| k * (days - 1) / (MAX_DAYS_DRAWN - 1))
        .collect();
    out.dedup();
    out
}

fn throughput_series(label: String, period: &PeriodIndicators) -> Series {
    // The documented step function: 0 before the first pair, then each pair's share from its
    // tick on (docs/json.md § Indicators).
    let mut points = vec![(0.0, 0.0)];
    for &(tick, share) in period.throughput.iter().flatten() {
        points.push((tick as f64, share));
    }
    Series {
        label,
        points,
        step: true,
    }
}

/// The throughput curve of each day (system), and the day table.
pub fn throughput(meta: &Meta, docs: &Documents) -> String {
    let style = meta.raw_cents;
    let ind = &docs.indicators;
    let tpd = ind.ticks_per_day.max(1) as f64;
    let chosen = days_drawn(ind.days.len());
    let series = chosen
        .iter()
        .map(|&i| {
            let d = &ind.days[i];
            let mut s = throughput_series(format!("day {}", d.day), &d.system);
            // Hold the last share to the end of the day (only as far as a running day got).
            let end = if d.closed {
                tpd - 1.0
            } else {
                (ind.ticks_run.saturating_sub(d.first_tick + 1)) as f64
            };
            if let Some(&(_, last)) = s.points.last() {
                s.points.push((end.max(0.0), last));
            }
            s
        })
        .collect();
    let chart = svg::line_chart(&LineChart {
        title: "throughput curve per day",
        x_label: "tick of the day",
        y_label: "share of the day's settled value",
        x_range: Some((0.0, tpd - 1.0)),
        y_range: Some((0.0, 1.0)),
        y_format: svg::percent_axis,
        series,
        markers: &[],
    });
    let rows: Vec<Vec<String>> = ind
        .days
        .iter()
        .map(|d| {
            vec![
                d.day.to_string(),
                if d.closed { "closed" } else { "running" }.to_string(),
                count(d.system.sent.count),
                money(style, d.system.sent.value),
                money(style, d.system.liquidity_upper_bound),
                money(style, d.system.liquidity_lower_bound),
                d.system.delay_indicator.to_string(),
            ]
        })
        .collect();
    let note = if chosen.len() < ind.days.len() {
        format!(
            "<p class=\"muted\">{} of {} days drawn (evenly spaced); every day is in the table.</p>",
            chosen.len(),
            ind.days.len()
        )
    } else {
        String::new()
    };
    format!(
        "<section id=\"throughput\"><h2>Throughput curve</h2><p class=\"muted\">Cumulative share of each day's settled value by the end of each tick.</p>{chart}{note}<div class=\"scroll\">{}</div></section>",
        table(
            &["day", "", "settled", "settled value", "upper bound", "lower bound", "ρ"],
            &rows
        )
    )
}

/// The scheduled actions as chart markers (outages as spans).
fn markers(events: &[EventRecord]) -> Vec<Marker> {
    events
        .iter()
        .filter(|e| e.kind != "outage_ended")
        .map(|e| Marker {
            x: e.tick as f64,
            to: (e.kind == "outage_started")
                .then(|| e.to_tick.map(|t| t as f64))
                .flatten(),
            label: event_words(e),
        })
        .collect()
}

fn event_words(e: &EventRecord) -> String {
    let mut words = format!("tick {}: {}", e.tick, e.kind);
    if let Some(agent) = &e.agent {
        let _ = write!(words, " {agent}");
    }
    if let Some(to) = e.to_tick {
        let _ = write!(words, " until tick {to}");
    }
    if let Some(amount) = e.amount {
        let _ = write!(words, " amount {amount}");
    }
    words
}

fn sample_ticks(docs: &Documents) -> (Vec<f64>, Option<(f64, f64)>) {
    let ticks: Vec<f64> = docs
        .paths
        .as_ref()
        .map(|p| p.tick.iter().map(|&t| t as f64).collect())
        .unwrap_or_default();
    (ticks, Some((0.0, docs.indicators.ticks_run as f64)))
}

fn no_series() -> String {
    "<p class=\"notice\">No time series was recorded for this run (a state file holds one only when its simulation recorded it), so there are no paths to draw.</p>".to_string()
}

/// Balance and liquidity-usage paths of the largest senders.
pub fn paths(meta: &Meta, docs: &Documents) -> String {
    let Some(p) = &docs.paths else {
        return format!(
            "<section id=\"paths\"><h2>Balances and liquidity usage</h2>{}</section>",
            no_series()
        );
    };
    let (ticks, x_range) = sample_ticks(docs);
    let marks = markers(&docs.events);
    let lines = |col: fn(&super::data::AgentPath) -> &Vec<i64>| -> Vec<Series> {
        p.agents
            .iter()
            .map(|a| Series {
                label: a.id.clone(),
                points: ticks
                    .iter()
                    .zip(col(a))
                    .map(|(&t, &v)| (t, v as f64))
                    .collect(),
                step: false,
            })
            .collect()
    };
    let balance = svg::line_chart(&LineChart {
        title: "balance paths",
        x_label: "ticks run",
        y_label: "balance",
        x_range,
        y_range: None,
        y_format: svg::money_axis,
        series: lines(|a| &a.balance),
        markers: &marks,
    });
    let usage = svg::line_chart(&LineChart {
        title: "liquidity usage paths",
        x_label: "ticks run",
        y_label: "liquidity usage",
        x_range,
        y_range: None,
        y_format: svg::money_axis,
        series: lines(|a| &a.liquidity_usage),
        markers: &marks,
    });
    format!(
        "<section id=\"paths\"><h2>Balances and liquidity usage</h2><p class=\"muted\">The {} largest participants by value sent (of {}), sampled every {} tick(s); liquidity usage is the net debit since the start of the day.</p><h3>Balance</h3>{balance}<h3>Liquidity usage</h3>{usage}</section>",
        p.agents.len().min(meta.top),
        count(docs.agents as u64),
        p.every
    )
}

/// Queue 1 and Queue 2 sizes over time (system).
pub fn queues(docs: &Documents) -> String {
    let Some(p) = &docs.paths else {
        return format!(
            "<section id=\"queues\"><h2>Queues</h2>{}</section>",
            no_series()
        );
    };
    let (ticks, x_range) = sample_ticks(docs);
    let marks = markers(&docs.events);
    let series = [("Queue 1", &p.queue1), ("Queue 2", &p.queue2)]
        .into_iter()
        .map(|(label, col)| Series {
            label: label.to_string(),
            points: ticks
                .iter()
                .zip(col)
                .map(|(&t, &v)| (t, v as f64))
                .collect(),
            step: false,
        })
        .collect();
    let chart = svg::line_chart(&LineChart {
        title: "queue sizes",
        x_label: "ticks run",
        y_label: "payments queued",
        x_range,
        y_range: None,
        y_format: svg::plain,
        series,
        markers: &marks,
    });
    format!(
        "<section id=\"queues\"><h2>Queues</h2><p class=\"muted\">Payments in Queue 1 (held by the banks) and Queue 2 (at the central queue), all participants; peaks: {} and {}.</p>{chart}</section>",
        count(docs.stats.peak_queue1),
        count(docs.stats.peak_queue2)
    )
}

/// The per-participant table: bounds, ρ, unsettled value, costs.
pub fn participants(meta: &Meta, docs: &Documents) -> String {
    let style = meta.raw_cents;
    let rows: Vec<Vec<String>> = docs
        .indicators
        .agents
        .iter()
        .zip(&docs.stats.agents)
        .map(|(ind, st)| {
            vec![
                st.id.clone(),
                money(style, ind.sent.value),
                money(style, ind.liquidity_upper_bound),
                money(style, ind.liquidity_lower_bound),
                ind.delay_indicator.to_string(),
                count(ind.unsettled.count),
                money(style, ind.unsettled.value),
                money(style, st.costs.total as i128),
            ]
        })
        .collect();
    let s = &docs.indicators.system;
    let mut all = rows;
    all.push(vec![
        "system".into(),
        money(style, s.sent.value),
        money(style, s.liquidity_upper_bound),
        money(style, s.liquidity_lower_bound),
        s.delay_indicator.to_string(),
        count(s.unsettled.count),
        money(style, s.unsettled.value),
        money(style, docs.stats.costs.total as i128),
    ]);
    format!(
        "<section id=\"participants\"><h2>Participants</h2><p class=\"muted\">Whole run. Upper bound (UB) and lower bound (LB) of liquidity and the delay indicator ρ: docs/model.md § Indicators.</p><div class=\"scroll\">{}</div></section>",
        table(
            &["participant", "sent value", "UB", "LB", "ρ", "unsettled", "unsettled value", "costs"],
            &all
        )
    )
}

/// The scheduled actions that happened.
pub fn events(docs: &Documents) -> String {
    let mut out = String::from("<section id=\"events\"><h2>Scenario events</h2>");
    if docs.event_recording == EventRecording::Off {
        out.push_str("<p class=\"notice\">Event recording was off for this run, so scenario events (outages, liquidity shocks, …) are not known to the report.</p>");
    } else if docs.events.is_empty() {
        out.push_str("<p>No scenario events (outages, liquidity shocks, …) in this run.</p>");
    } else {
        let rows: Vec<Vec<String>> = docs
            .events
            .iter()
            .take(MAX_EVENTS_LISTED)
            .map(|e| {
                vec![
                    e.tick.to_string(),
                    e.kind.clone(),
                    e.agent.clone().unwrap_or_default(),
                    event_words(e),
                ]
            })
            .collect();
        out.push_str("<p class=\"muted\">Marked on the time axis of the balance, liquidity and queue charts (outages as shaded spans).</p>");
        out.push_str(&table(&["tick", "type", "agent", "details"], &rows));
        if docs.events.len() > MAX_EVENTS_LISTED {
            let _ = write!(
                out,
                "<p class=\"muted\">and {} more.</p>",
                count((docs.events.len() - MAX_EVENTS_LISTED) as u64)
            );
        }
    }
    out.push_str("</section>");
    out
}

/// The offsetting algorithm that ran, with its search objective when it has one.
fn lsm_algorithm(lsm: &payment_sim_core::stats::LsmStatistics) -> String {
    let name =
        |text: serde_json::Result<String>| text.unwrap_or_default().trim_matches('"').to_string();
    let algorithm = name(serde_json::to_string(&lsm.algorithm));
    match lsm.search_objective {
        Some(objective) => format!(
            "{algorithm} (search objective: {})",
            name(serde_json::to_string(&objective))
        ),
        None => algorithm,
    }
}
