//! The summary the CLI prints after a sweep: per combination of the axes other than the
//! seed, the number of runs and failures and the mean over the seeds of a few headline
//! figures. (Confidence intervals and curves are the Python summaries' job, on the records.)

use serde::Serialize;

use super::record::{Labels, Num, Row, RunRecord};
use super::Plan;

/// The figures averaged over the seeds, in column order.
pub const SUMMARY_COLUMNS: [&str; 6] = [
    "opening_liquidity",
    "delay_indicator",
    "mean_delay",
    "unsettled_value",
    "settlement_rate_value",
    "cost_total",
];

/// One combination of the axes other than the seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// Axis name → value, the seed left out.
    pub values: Labels,
    /// Runs of this combination (one per seed).
    pub runs: usize,
    /// Of which failed.
    pub failed: usize,
    /// Means over the runs that did not fail ([`SUMMARY_COLUMNS`]; absent when all failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub means: Option<Row>,
}

/// The summary of `records` (every point of `plan`, in point order).
pub fn summarize(plan: &Plan, records: &[RunRecord]) -> Vec<SummaryRow> {
    let seeds = plan.seed_count();
    let seeded = plan.has_seeds();
    records
        .chunks(seeds.max(1))
        .map(|group| {
            let mut values = group[0].values.clone();
            if seeded {
                values.0.pop();
            }
            let ok: Vec<&Row> = group.iter().filter_map(|r| r.system.as_ref()).collect();
            let means = (!ok.is_empty()).then(|| {
                Row(SUMMARY_COLUMNS
                    .iter()
                    .map(|&c| {
                        let sum: f64 = ok.iter().filter_map(|r| r.get(c)).map(as_f64).sum();
                        (c, Num::Float(sum / ok.len() as f64))
                    })
                    .collect())
            });
            SummaryRow {
                values,
                runs: group.len(),
                failed: group.len() - ok.len(),
                means,
            }
        })
        .collect()
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(v) => v as f64,
        Num::Float(v) => v,
    }
}
