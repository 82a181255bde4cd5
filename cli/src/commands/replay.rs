//! `replay`: re-run a recording and verify the event stream (and the final state).

use crate::error::{CliError, CliResult};
use crate::files::{emit, json, read_text};
use crate::format::{count, Align, Table};
use crate::recording::{replay as rerun, Recording};
use crate::sniff::{self, Kind};
use crate::{Output, ReplayArgs};

/// `payment-sim replay RECORDING`.
pub fn replay(args: ReplayArgs, out: Output) -> CliResult {
    let name = args.recording.display().to_string();
    let text = read_text(&args.recording)?;
    let recording = Recording::parse(&text, &name)
        .map_err(|e| e.with_hint(sniff::hint(&args.recording, &text, Kind::Recording)))?;
    let (_, verdict) = rerun(&recording, &name)?;
    if out.json() {
        emit(&json(&verdict))?;
    }
    if !verdict.ok {
        let mut details = verdict.problems.clone();
        if let Some(d) = &verdict.divergence {
            let show = |e: &Option<payment_sim_core::EventRecord>, end: &str| {
                e.as_ref().map_or(end.to_string(), |e| {
                    serde_json::to_string(e).unwrap_or_default()
                })
            };
            details.push(format!(
                "expected (recording): {}",
                show(&d.expected, "(the recording ends here)")
            ));
            details.push(format!(
                "actual (replay):      {}",
                show(&d.actual, "(the replay ends here)")
            ));
        }
        return Err(
            CliError::runtime(format!("replay of {name} does not match the recording"))
                .with_details(details),
        );
    }
    if out.json() {
        return Ok(());
    }
    let mut table = Table::headless(2).align(1, Align::Left);
    table.row(["  ticks".to_string(), count(verdict.ticks)]);
    table.row(["  submissions".to_string(), count(verdict.submissions)]);
    if verdict.schedule_appends > 0 {
        table.row([
            "  schedule appends".to_string(),
            count(verdict.schedule_appends),
        ]);
    }
    table.row([
        "  events".to_string(),
        format!("{} ({})", count(verdict.events), verdict.events_digest),
    ]);
    table.row(["  final state".to_string(), "identical".to_string()]);
    emit(&format!("Replay of {name}: identical\n{}", table.render()))
}
