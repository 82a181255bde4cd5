//! The step-by-step workflow over a state file: `create`, `tick`, `submit`, `state`, `stats`,
//! `export`. See `session` for the files involved.

use serde::Serialize;

use payment_sim_core::{Simulation, State, Submission};

use super::horizon_words;
use crate::appends::{Append, RecordedSubmission};
use crate::error::{CliError, CliResult};
use crate::files::{emit, ensure_parent, json, load_scenario, write_atomic};
use crate::format::count;
use crate::lock::Mode;
use crate::recording::Recording;
use crate::{
    journal, report, session, CreateArgs, ExportArgs, Output, StateArgs, SubmitArgs, TickArgs,
};

#[derive(Serialize)]
struct Created {
    state_file: String,
    agents: usize,
    ticks_per_day: i64,
    num_days: i64,
    horizon: u64,
    seed: u64,
    tick: u64,
}

#[derive(Serialize)]
struct Submitted {
    tx: String,
    sender: String,
    receiver: String,
    amount: i64,
    arrival_tick: u64,
    deadline_tick: u64,
    priority: i64,
}

#[derive(Serialize)]
struct StateReport {
    #[serde(flatten)]
    state: State,
    horizon: u64,
    finished: bool,
}

#[derive(Serialize)]
struct Exported {
    recording: String,
    ticks: u64,
    submissions: usize,
    /// Actions appended with `schedule` (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    scheduled: u64,
    events: u64,
    events_digest: String,
}

/// `payment-sim create --config SCENARIO [--output STATE]`.
pub fn create(args: CreateArgs, out: Output) -> CliResult {
    let (mut config, _) = load_scenario(&args.config)?;
    if let Some(seed) = args.seed {
        config.rng_seed = seed;
    }
    let sim = Simulation::new(config).map_err(|e| {
        CliError::from_sim(&format!("invalid scenario {}", args.config.display()), e)
    })?;
    let state = args.output.unwrap_or_else(|| session::DEFAULT_STATE.into());
    session::start(&state, &sim, out.lock_timeout)?;
    session::set_current(&state)?;
    let cfg = sim.config();
    if out.json() {
        return emit(&json(&Created {
            state_file: state.display().to_string(),
            agents: cfg.agent_configs.len(),
            ticks_per_day: cfg.ticks_per_day,
            num_days: cfg.num_days,
            horizon: sim.horizon(),
            seed: cfg.rng_seed,
            tick: 0,
        }));
    }
    emit(&format!(
        "Created a simulation of {} agents: {} ticks ({}), seed {}\nState file: {} (the current simulation of this directory)\n",
        cfg.agent_configs.len(),
        count(sim.horizon()),
        horizon_words(cfg.num_days, cfg.ticks_per_day),
        cfg.rng_seed,
        state.display()
    ))
}

/// `payment-sim tick [N]`.
pub fn tick(args: TickArgs, out: Output) -> CliResult {
    let mut opened = session::open(args.state, Mode::Exclusive, out.lock_timeout)?;
    let before = opened.sim.last_event_seq();
    // A suspended fed run goes on reading its payments file (`payments_resume`).
    let (summary, notes) = if opened.sim.fed_state().is_some() {
        crate::payments_resume::tick(&mut opened.sim, args.count)?
    } else {
        let summary = opened
            .sim
            .run(args.count)
            .map_err(|e| CliError::from_sim("cannot tick", e))?;
        (summary, Vec::new())
    };
    opened.save()?;
    // Unlocked before printing: a slow reader of the output must not hold up other commands.
    let sim = opened.release();
    let events = if args.verbose {
        sim.events_since(before)
    } else {
        Vec::new()
    };
    if out.json() {
        #[derive(Serialize)]
        struct Ticked<'a> {
            #[serde(flatten)]
            summary: &'a payment_sim_core::RunSummary,
            #[serde(skip_serializing_if = "Option::is_none")]
            events: Option<&'a [payment_sim_core::EventRecord]>,
        }
        return emit(&json(&Ticked {
            summary: &summary,
            events: args.verbose.then_some(events.as_slice()),
        }));
    }
    let mut text = report::run_summary(&summary, sim.current_tick(), sim.horizon(), out.style);
    for note in &notes {
        text.push_str(note);
        text.push('\n');
    }
    if args.verbose {
        text.push('\n');
        if events.is_empty() {
            text.push_str("(no events recorded)\n");
        } else {
            text.push_str(&report::events(&events, out.style));
        }
    }
    emit(&text)
}

/// `payment-sim submit --sender A --receiver B --amount CENTS`.
pub fn submit(args: SubmitArgs, out: Output) -> CliResult {
    let mut opened = session::open(args.state, Mode::Exclusive, out.lock_timeout)?;
    let sub = Submission {
        sender: args.sender,
        receiver: args.receiver,
        amount: args.amount,
        deadline_offset: args.deadline,
        priority: args.priority,
        from_offset: args.from_offset,
    };
    let now = opened.sim.current_tick();
    let tx = opened
        .sim
        .submit(&sub)
        .map_err(|e| CliError::from_sim("cannot submit", e))?;
    // The journal first, then the state: the journal is never behind (see `journal`).
    let line = journal::append(&opened.path, &RecordedSubmission::new(now, &sub), &tx)?;
    if let Err(e) = opened.save() {
        line.undo();
        return Err(e);
    }
    opened.release();
    let done = Submitted {
        tx,
        deadline_tick: now.saturating_add(sub.deadline_offset as u64),
        sender: sub.sender,
        receiver: sub.receiver,
        amount: sub.amount,
        arrival_tick: now,
        priority: sub.priority,
    };
    if out.json() {
        return emit(&json(&done));
    }
    emit(&format!(
        "Submitted {}: {} → {} {} (deadline tick {}, priority {}); it arrives in tick {}\n",
        done.tx,
        done.sender,
        done.receiver,
        out.style.money(done.amount),
        done.deadline_tick,
        done.priority,
        done.arrival_tick
    ))
}

/// `payment-sim state`.
pub fn state(args: StateArgs, out: Output) -> CliResult {
    let sim = session::open(args.state, Mode::Shared, out.lock_timeout)?.release();
    let state = sim.state();
    if out.json() {
        return emit(&json(&StateReport {
            state,
            horizon: sim.horizon(),
            finished: sim.is_finished(),
        }));
    }
    emit(&report::state(&state, sim.horizon(), out.style))
}

/// `payment-sim stats`.
pub fn stats(args: StateArgs, out: Output) -> CliResult {
    let sim = session::open(args.state, Mode::Shared, out.lock_timeout)?.release();
    let stats = sim.statistics();
    if out.json() {
        return emit(&json(&stats));
    }
    let mut text = format!(
        "Statistics after {} of {} ticks (day {})\n\n",
        count(sim.current_tick()),
        count(sim.horizon()),
        count(sim.current_day())
    );
    text.push_str(&report::statistics(&stats, out.style));
    emit(&text)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `payment-sim export --output RECORDING`.
pub fn export(args: ExportArgs, out: Output) -> CliResult {
    let (opened, appends) = session::open_with_journal(args.state, out.lock_timeout)?;
    opened.not_its_own(&args.output)?;
    let recording = Recording::capture(&opened.release(), appends);
    ensure_parent(&args.output)?;
    write_atomic(&args.output, recording.to_json().as_bytes())?;
    let done = Exported {
        recording: args.output.display().to_string(),
        ticks: recording.ticks,
        submissions: recording
            .appends
            .iter()
            .filter(|a| matches!(a, Append::Submission(_)))
            .count(),
        scheduled: recording.appends.iter().map(Append::actions).sum(),
        events: recording.event_count,
        events_digest: recording.events_digest.clone(),
    };
    if out.json() {
        return emit(&json(&done));
    }
    let scheduled = if done.scheduled == 0 {
        String::new()
    } else {
        let plural = if done.scheduled == 1 { "" } else { "s" };
        format!(", {} scheduled action{plural}", count(done.scheduled))
    };
    emit(&format!(
        "Exported a recording of {} ticks, {} submissions{scheduled} and {} events ({}) to {}\n",
        count(done.ticks),
        count(done.submissions as u64),
        count(done.events),
        done.events_digest,
        done.recording
    ))
}
