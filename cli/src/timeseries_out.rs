//! `run --timeseries FILE`: the core's recorded time series as CSV, one row per agent per
//! sample, then one row per sample for the system (empty `agent`, empty `balance`). The core
//! samples and sums; this file only writes its columns, page by page.

use std::fmt::Write as _;
use std::path::Path;

use payment_sim_core::Simulation;

use crate::error::CliResult;
use crate::files::write_atomic;

/// Samples converted per page: memory for the text only, whatever the run's length.
const PAGE: u64 = 4096;

const HEADER: &str =
    "tick,agent,balance,liquidity_usage,queue1_count,queue1_value,queue2_count,queue2_value\n";

/// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Write every sample recorded so far to `path` (atomically); returns the number of samples.
pub fn write(path: &Path, sim: &Simulation) -> CliResult<u64> {
    let mut agents = String::from(HEADER);
    let mut system = String::new();
    let mut from = 0;
    loop {
        let page = sim.timeseries_page(from, PAGE);
        let a = &page.agents;
        for i in 0..a.tick.len() {
            let _ = writeln!(
                agents,
                "{},{},{},{},{},{},{},{}",
                a.tick[i],
                field(&a.agent[i]),
                a.balance[i],
                a.liquidity_usage[i],
                a.queue1_count[i],
                a.queue1_value[i],
                a.queue2_count[i],
                a.queue2_value[i]
            );
        }
        let s = &page.system;
        for i in 0..s.tick.len() {
            let _ = writeln!(
                system,
                "{},,,{},{},{},{},{}",
                s.tick[i],
                s.liquidity_usage[i],
                s.queue1_count[i],
                s.queue1_value[i],
                s.queue2_count[i],
                s.queue2_value[i]
            );
        }
        from += s.tick.len() as u64;
        if s.tick.is_empty() || from >= page.total_samples {
            break;
        }
    }
    agents.push_str(&system);
    write_atomic(path, agents.as_bytes())?;
    Ok(from)
}
