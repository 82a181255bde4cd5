//! Per-payment results as CSV or JSON Lines, written as payments end (never held for the
//! whole run). The columns are fixed here, in the core, so every front end writes the same
//! file; the input's extra columns follow, renamed `input_NAME` where a name is taken.

use std::io::Write;

use serde_json::Value;

use super::outcomes::{mechanism_name, PaymentOutcome};

/// The results' own columns, in order.
pub const RESULT_COLUMNS: [&str; 16] = [
    "id",
    "tx",
    "line",
    "sender",
    "receiver",
    "amount",
    "arrival_tick",
    "deadline_tick",
    "status",
    "settlement_tick",
    "mechanism",
    "delay",
    "num_parts",
    "parts",
    "arrival_time",
    "settlement_time",
];

/// The format of a results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsFormat {
    /// CSV with a header; split parts as `Tn.k@tick:mechanism|…` (`dropped` for a drop).
    Csv,
    /// One JSON object per payment; parts as a list.
    JsonLines,
}

impl ResultsFormat {
    /// `.jsonl` / `.ndjson` are JSON Lines, anything else CSV.
    pub fn from_path(path: &str) -> Self {
        match super::PaymentFormat::from_path(path) {
            super::PaymentFormat::JsonLines => ResultsFormat::JsonLines,
            super::PaymentFormat::Csv => ResultsFormat::Csv,
        }
    }
}

/// Writes results to `W` as they come.
pub struct ResultsWriter<W: Write> {
    out: W,
    format: ResultsFormat,
    /// (input name, results name) of the extra columns; fixed by the first write.
    extras: Option<Vec<(String, String)>>,
    written: u64,
}

fn results_name(name: &str) -> String {
    if RESULT_COLUMNS.contains(&name) {
        format!("input_{name}")
    } else {
        name.to_string()
    }
}

fn part_text(o: &PaymentOutcome) -> String {
    let parts: Vec<String> = o
        .parts
        .iter()
        .map(|p| {
            format!(
                "{}@{}:{}",
                p.tx,
                p.tick,
                p.mechanism.map_or("dropped", mechanism_name)
            )
        })
        .collect();
    parts.join("|")
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl<W: Write> ResultsWriter<W> {
    /// A writer to `out`.
    pub fn new(out: W, format: ResultsFormat) -> Self {
        ResultsWriter {
            out,
            format,
            extras: None,
            written: 0,
        }
    }

    /// A writer to `out` that goes on after `written` results with its header already
    /// written (a resumed fed run appends to the file it wrote).
    pub fn resume(out: W, format: ResultsFormat, extra_names: &[String], written: u64) -> Self {
        let extras = extra_names
            .iter()
            .map(|n| (n.clone(), results_name(n)))
            .collect();
        ResultsWriter {
            out,
            format,
            extras: Some(extras),
            written,
        }
    }

    /// Results written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Fix the extra columns (the input's, in its order) and write a CSV header. Called once
    /// before the first record (later calls do nothing).
    pub fn start(&mut self, extra_names: &[String]) -> std::io::Result<()> {
        if self.extras.is_some() {
            return Ok(());
        }
        let extras: Vec<(String, String)> = extra_names
            .iter()
            .map(|n| (n.clone(), results_name(n)))
            .collect();
        if self.format == ResultsFormat::Csv {
            let mut header: Vec<&str> = RESULT_COLUMNS.to_vec();
            header.extend(extras.iter().map(|(_, r)| r.as_str()));
            self.csv_line(header.iter().map(|s| s.to_string()))?;
        }
        self.extras = Some(extras);
        Ok(())
    }

    fn csv_line(&mut self, fields: impl Iterator<Item = String>) -> std::io::Result<()> {
        let mut first = true;
        for f in fields {
            if !first {
                self.out.write_all(b",")?;
            }
            first = false;
            if f.contains([',', '"', '\n', '\r']) {
                write!(self.out, "\"{}\"", f.replace('"', "\"\""))?;
            } else {
                self.out.write_all(f.as_bytes())?;
            }
        }
        self.out.write_all(b"\n")
    }

    /// Write results.
    pub fn write(&mut self, outcomes: &[PaymentOutcome]) -> std::io::Result<()> {
        self.start(&[])?;
        let extras = self.extras.take().unwrap_or_default();
        let r = outcomes.iter().try_for_each(|o| self.one(o, &extras));
        self.extras = Some(extras);
        r
    }

    fn one(&mut self, o: &PaymentOutcome, extras: &[(String, String)]) -> std::io::Result<()> {
        self.written += 1;
        let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
        match self.format {
            ResultsFormat::Csv => {
                let mut f = vec![
                    o.id.clone(),
                    o.tx.clone(),
                    o.line.to_string(),
                    o.sender.clone(),
                    o.receiver.clone(),
                    o.amount.to_string(),
                    o.arrival_tick.to_string(),
                    o.deadline_tick.to_string(),
                    o.status.name().to_string(),
                    opt(o.settlement_tick),
                    o.mechanism.unwrap_or_default().to_string(),
                    opt(o.delay),
                    o.parts.len().to_string(),
                    part_text(o),
                    o.arrival_time.clone().unwrap_or_default(),
                    o.settlement_time.clone().unwrap_or_default(),
                ];
                f.extend(o.extras.iter().map(cell));
                self.csv_line(f.into_iter())
            }
            ResultsFormat::JsonLines => {
                // In the column order (a `Map` would sort the keys).
                let mut m: Vec<(String, Value)> = Vec::with_capacity(16 + o.extras.len());
                m.push(("id".into(), o.id.clone().into()));
                m.push(("tx".into(), o.tx.clone().into()));
                m.push(("line".into(), o.line.into()));
                m.push(("sender".into(), o.sender.clone().into()));
                m.push(("receiver".into(), o.receiver.clone().into()));
                m.push(("amount".into(), o.amount.into()));
                m.push(("arrival_tick".into(), o.arrival_tick.into()));
                m.push(("deadline_tick".into(), o.deadline_tick.into()));
                m.push(("status".into(), o.status.name().into()));
                m.push(("settlement_tick".into(), o.settlement_tick.into()));
                m.push(("mechanism".into(), o.mechanism.into()));
                m.push(("delay".into(), o.delay.into()));
                m.push(("num_parts".into(), o.parts.len().into()));
                let parts: Vec<Value> = o
                    .parts
                    .iter()
                    .map(|p| {
                        serde_json::json!({"tx": p.tx, "tick": p.tick,
                            "mechanism": p.mechanism.map_or("dropped", mechanism_name)})
                    })
                    .collect();
                m.push(("parts".into(), parts.into()));
                if let Some(t) = &o.arrival_time {
                    m.push(("arrival_time".into(), t.clone().into()));
                    m.push(("settlement_time".into(), o.settlement_time.clone().into()));
                }
                for ((_, name), v) in extras.iter().zip(&o.extras) {
                    m.push((name.clone(), v.clone()));
                }
                self.out.write_all(b"{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut self.out, k)?;
                    self.out.write_all(b":")?;
                    serde_json::to_writer(&mut self.out, v)?;
                }
                self.out.write_all(b"}\n")
            }
        }
    }

    /// Flush and give the output back.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
