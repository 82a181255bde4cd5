//! `sweep`: run an experiment (docs/experiments.md). The core expands the experiment, checks
//! every point, runs the points over the threads and records each run
//! (`payment_sim_core::experiment`); this reads the files (the base scenario a path names,
//! relative to the experiment), shows progress, writes the records (CSV or JSON) and prints
//! the summary table.

use std::path::{Path, PathBuf};

use serde_json::Value;

use payment_sim_core::experiment::{
    run, summarize, Experiment, Num, Plan, Progress, Row, RunRecord, SummaryRow,
};

use crate::error::{CliError, CliResult};
use crate::files::{emit, read_text, write_atomic};
use crate::format::{Align, Table};
use crate::{Output, SweepArgs};

/// `payment-sim sweep EXPERIMENT …`.
pub fn run_sweep(args: SweepArgs, out: Output) -> CliResult {
    let kind = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    };
    for path in args.out.iter().chain(&args.participants) {
        if !matches!(kind(path).as_deref(), Some("csv" | "json")) {
            return Err(CliError::input(format!(
                "{}: the results file must end in .csv or .json",
                path.display()
            )));
        }
    }
    let text = read_text(&args.experiment)?;
    let invalid = |e| {
        CliError::from_sim(
            &format!("invalid experiment {}", args.experiment.display()),
            e,
        )
    };
    let mut exp = Experiment::from_text(&text).map_err(invalid)?;
    // Payment files are read by the core by path: relative ones from the experiment's folder.
    let dir = std::path::absolute(relative_to(&args.experiment, "."))
        .map_err(|e| CliError::input(format!("{}: {e}", args.experiment.display())))?;
    exp.resolve_paths(&dir);
    let base = match &exp.scenario {
        Value::String(p) => Some(read_text(&relative_to(&args.experiment, p))?),
        _ => None,
    };
    let plan = Plan::new(&exp, base.as_deref(), args.yes).map_err(invalid)?;
    let bar = super::stress::progress_bar("points");
    let progress = |p: Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    };
    let jobs = args.jobs.map(|n| n as usize);
    let records = run(&plan, jobs, Some(&progress)).map_err(invalid)?;
    bar.finish_and_clear();
    let axes = plan.axis_names();
    if let Some(path) = &args.out {
        let text = match kind(path).as_deref() {
            Some("json") => json_records(&axes, &records),
            _ => runs_csv(&axes, &records),
        };
        write_atomic(path, text.as_bytes())?;
    }
    if let Some(path) = &args.participants {
        let text = match kind(path).as_deref() {
            Some("json") => json_records(&axes, &records),
            _ => participants_csv(&axes, &records),
        };
        write_atomic(path, text.as_bytes())?;
    }
    let summary = summarize(&plan, &records);
    let failed = records.iter().filter(|r| r.status != "ok").count();
    if out.json() {
        return emit(&format!("{}\n", crate::files::json(&summary)));
    }
    let mut text = table(&summary, out);
    text.push_str(&format!("{} runs, {failed} failed.", records.len()));
    if failed > 0 {
        let first = records.iter().find(|r| r.status != "ok");
        if let Some(r) = first {
            text.push_str(&format!(
                " First failure: point {}: {}",
                r.index,
                r.error.as_deref().unwrap_or("")
            ));
        }
    }
    text.push('\n');
    emit(&text)
}

/// A path in an experiment file, relative to the file's directory.
fn relative_to(experiment: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    match experiment.parent() {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p.to_path_buf(),
    }
}

/// The records as the C ABI's psim_experiment_run_json returns them.
fn json_records(axes: &[String], records: &[RunRecord]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        axes: &'a [String],
        records: &'a [RunRecord],
    }
    format!("{}\n", crate::files::json(&Doc { axes, records }))
}

/// An axis value as a CSV field: numbers and strings as they are, anything else as JSON.
fn label(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    field(&s)
}

fn field(s: &str) -> String {
    let mut out = String::new();
    crate::events_out::csv_field(s, &mut out);
    out
}

/// The column names of a row kind, from the first record that has one.
fn columns<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<&'static str> {
    rows.into_iter()
        .next()
        .map_or(Vec::new(), |r| r.0.iter().map(|(k, _)| *k).collect())
}

fn cells(row: Option<&Row>, n: usize) -> Vec<String> {
    match row {
        Some(r) => r.0.iter().map(|(_, v)| v.to_string()).collect(),
        None => vec![String::new(); n],
    }
}

/// One line per run: index, status, the axes, the system's figures, the error.
fn runs_csv(axes: &[String], records: &[RunRecord]) -> String {
    let cols = columns(records.iter().filter_map(|r| r.system.as_ref()));
    let mut head: Vec<String> = vec!["index".into(), "status".into()];
    head.extend(axes.iter().map(|a| field(a)));
    head.extend(cols.iter().map(|c| c.to_string()));
    head.push("error".into());
    let mut text = head.join(",") + "\n";
    for r in records {
        let mut line = vec![r.index.to_string(), r.status.to_string()];
        line.extend(r.values.0.iter().map(|(_, v)| label(v)));
        line.extend(cells(r.system.as_ref(), cols.len()));
        line.push(field(r.error.as_deref().unwrap_or("")));
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
}

/// One line per run and participant (runs that failed have none).
fn participants_csv(axes: &[String], records: &[RunRecord]) -> String {
    let cols = columns(
        records
            .iter()
            .flat_map(|r| r.participants.iter().map(|p| &p.figures)),
    );
    let mut head: Vec<String> = vec!["index".into()];
    head.extend(axes.iter().map(|a| field(a)));
    head.push("participant".into());
    head.extend(cols.iter().map(|c| c.to_string()));
    let mut text = head.join(",") + "\n";
    for r in records {
        for p in &r.participants {
            let mut line = vec![r.index.to_string()];
            line.extend(r.values.0.iter().map(|(_, v)| label(v)));
            line.push(field(&p.participant));
            line.extend(cells(Some(&p.figures), cols.len()));
            text.push_str(&line.join(","));
            text.push('\n');
        }
    }
    text
}

fn mean(row: &SummaryRow, c: &str) -> f64 {
    match row.means.as_ref().and_then(|m| m.get(c)) {
        Some(Num::Float(v)) => v,
        Some(Num::Int(v)) => v as f64,
        None => f64::NAN,
    }
}

/// Per combination of the axes (the seed aside): runs, failures and the means over seeds.
fn table(summary: &[SummaryRow], out: Output) -> String {
    let names: Vec<String> = summary.first().map_or(Vec::new(), |r| {
        r.values.0.iter().map(|(k, _)| k.clone()).collect()
    });
    let mut head = names.clone();
    head.extend(
        [
            "runs",
            "failed",
            "liquidity",
            "ρ",
            "mean delay",
            "unsettled",
            "settled",
            "costs",
        ]
        .map(String::from),
    );
    let mut t = Table::new(head);
    let money = |v: f64| {
        if v.is_finite() {
            out.style.money(v.round() as i64)
        } else {
            "–".into()
        }
    };
    for r in summary {
        let mut row: Vec<String> = r
            .values
            .0
            .iter()
            .map(|(_, v)| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        row.push(r.runs.to_string());
        row.push(r.failed.to_string());
        row.push(money(mean(r, "opening_liquidity")));
        row.push(format!("{:.4}", mean(r, "delay_indicator")));
        row.push(format!("{:.2}", mean(r, "mean_delay")));
        row.push(money(mean(r, "unsettled_value")));
        row.push(format!("{:.1}%", 100.0 * mean(r, "settlement_rate_value")));
        row.push(money(mean(r, "cost_total")));
        t.row(row);
    }
    for k in 0..names.len() {
        t = t.align(k, Align::Left);
    }
    let mut text = t.render();
    text.push_str("Means over the seeds of each combination (runs that failed left out).\n");
    text
}
