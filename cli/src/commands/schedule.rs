//! `payment-sim schedule ACTIONS`: append scheduled actions (outages, liquidity, credit and
//! rate changes, payments — the `scenario_events` of a scenario file) to the current
//! simulation, under the state file's exclusive lock, and to its journal (so that `export`
//! records them and `replay` appends them again at the same tick). The core reads the file (JSON or YAML,
//! `scenario_events: [...]` or the bare list) and checks every action; a rejected file changes
//! nothing (exit 2, every problem with its path).

use serde::Serialize;

use payment_sim_core::{PendingAction, ScheduleDocument};

use crate::error::{CliError, CliResult};
use crate::files::{emit, json, read_text};
use crate::format::count;
use crate::lock::Mode;
use crate::{journal, session, Output, ScheduleArgs};

#[derive(Serialize)]
struct Scheduled {
    scheduled: usize,
    tick: u64,
    pending: Vec<PendingAction>,
}

/// `payment-sim schedule ACTIONS [--state STATE]`.
pub fn schedule(args: ScheduleArgs, out: Output) -> CliResult {
    let text = read_text(&args.actions)?;
    let what = format!("invalid schedule {}", args.actions.display());
    let events = ScheduleDocument::parse(&text).map_err(|e| CliError::from_sim(&what, e))?;
    let mut opened = session::open(args.state, Mode::Exclusive, out.lock_timeout)?;
    let now = opened.sim.current_tick();
    let seqs = opened
        .sim
        .schedule(&events)
        .map_err(|e| CliError::from_sim(&what, e))?;
    // The journal first, then the state, as for `submit` (see `journal`); an empty list
    // changes nothing and is not journalled.
    let line = match seqs.iter().max() {
        Some(&seq) => Some(journal::append_schedule(&opened.path, now, &events, seq)?),
        None => None,
    };
    if let Err(e) = opened.save() {
        if let Some(line) = line {
            line.undo();
        }
        return Err(e);
    }
    let sim = opened.release();
    let done = Scheduled {
        scheduled: events.len(),
        tick: sim.current_tick(),
        pending: sim.pending_schedule(),
    };
    if out.json() {
        return emit(&json(&done));
    }
    let mut text = format!(
        "Scheduled {} action{} at tick {}; {} pending:\n",
        count(done.scheduled as u64),
        if done.scheduled == 1 { "" } else { "s" },
        count(done.tick),
        count(done.pending.len() as u64)
    );
    for p in &done.pending {
        let action = serde_json::to_string(&p.action).unwrap_or_default();
        let phase = serde_json::to_value(p.phase).unwrap_or_default();
        text.push_str(&format!(
            "  tick {:>6}  #{:<4} {:<6} {action}\n",
            p.tick,
            p.seq,
            phase.as_str().unwrap_or("")
        ));
    }
    emit(&text)
}
