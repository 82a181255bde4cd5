//! `report`: run a scenario (or take a state file or a recording) with the time-series
//! recorder on, and write the self-contained HTML page of `payment_sim_report`.

use std::path::Path;

use payment_sim_core::Simulation;
use payment_sim_report::Meta;

use super::run::progress_bar;
use crate::error::{CliError, CliResult};
use crate::files::{check_writable, load_scenario, read_text, write_atomic};
use crate::format::count;
use crate::lock::Mode;
use crate::recording::{self, Recording};
use crate::{session, Output, ReportArgs};

/// Samples the recorder keeps at most when `--every` is not given: the interval is the
/// smallest that fits the horizon in this many samples (a T2-like day of 100 ticks samples
/// every tick; a 100,000-tick run every 100).
const TARGET_SAMPLES: u64 = 1000;

/// Progress granularity of the run.
const CHUNKS: u64 = 100;

/// `payment-sim report`.
pub fn report(args: ReportArgs, out: Output) -> CliResult {
    for input in [&args.scenario, &args.state, &args.recording]
        .into_iter()
        .flatten()
    {
        not_the_input(&args.output, input)?;
    }
    check_writable(&args.output)?;
    let top = usize::try_from(args.top).unwrap_or(usize::MAX);
    let (sim, source) = if let Some(state) = &args.state {
        let opened = session::open(Some(state.clone()), Mode::Shared, out.lock_timeout)?;
        let source = format!("state file {}", opened.path.display());
        (opened.release(), source)
    } else if let Some(path) = &args.recording {
        (
            replayed(path, args.every)?,
            format!("recording {}", path.display()),
        )
    } else if let Some(path) = &args.scenario {
        (
            run_scenario(path, &args)?,
            format!("scenario {}", path.display()),
        )
    } else {
        return Err(CliError::input(
            "give a SCENARIO file, --state FILE or --recording FILE",
        ));
    };
    let page = payment_sim_report::report(
        &sim,
        &Meta {
            source,
            top,
            raw_cents: out.style.raw_cents,
        },
    );
    write_atomic(&args.output, page.as_bytes())?;
    eprintln!(
        "report: {} ({} bytes)",
        args.output.display(),
        count(page.len() as u64)
    );
    Ok(())
}

/// Refuse `--output` naming the input file (a report would replace the scenario, state file
/// or recording it describes).
fn not_the_input(output: &Path, input: &Path) -> CliResult {
    let same = match (std::fs::canonicalize(output), std::fs::canonicalize(input)) {
        (Ok(o), Ok(i)) => o == i,
        _ => false,
    };
    if same {
        return Err(CliError::input(format!(
            "--output {} is the input file; write the report to another file",
            output.display()
        )));
    }
    Ok(())
}

/// The sampling interval: `--every`, or the smallest that keeps the horizon within
/// [`TARGET_SAMPLES`] samples.
fn interval(every: Option<u64>, horizon: u64) -> u64 {
    every.unwrap_or_else(|| horizon.div_ceil(TARGET_SAMPLES).max(1))
}

fn run_scenario(path: &Path, args: &crate::ReportArgs) -> CliResult<Simulation> {
    let (mut config, _) = load_scenario(path)?;
    if let Some(seed) = args.seed {
        config.rng_seed = seed;
    }
    if let Some(days) = args.days {
        config.num_days = i64::try_from(days).unwrap_or(i64::MAX);
    }
    let name = path.display().to_string();
    let mut sim = Simulation::new(config)
        .map_err(|e| CliError::from_sim(&format!("invalid scenario {name}"), e))?;
    let horizon = sim.horizon();
    let ticks = args.ticks.unwrap_or(horizon);
    if ticks > horizon {
        return Err(CliError::input(format!(
            "--ticks must be at most the horizon of {} ticks (got {ticks})",
            count(horizon)
        )));
    }
    sim.record_timeseries(interval(args.every, horizon))
        .map_err(|e| CliError::from_sim("--every", e))?;
    let bar = progress_bar(ticks, false);
    let chunks = CHUNKS.min(ticks);
    let mut done = 0u64;
    for k in 1..=chunks {
        let target = (ticks as u128 * k as u128 / chunks as u128) as u64;
        sim.run(target - done)
            .map_err(|e| CliError::runtime(format!("the run stopped at tick {done}: {e}")))?;
        done = target;
        bar.set_position(done);
    }
    bar.finish_and_clear();
    Ok(sim)
}

fn replayed(path: &Path, every: Option<u64>) -> CliResult<Simulation> {
    let name = path.display().to_string();
    let rec = Recording::parse(&read_text(path)?, &name)?;
    let (sim, verdict) = recording::replay_with(&rec, &name, |sim| {
        let horizon = sim.horizon();
        sim.record_timeseries(interval(every, horizon))
            .map_err(|e| CliError::from_sim("--every", e))
    })?;
    if !verdict.ok {
        return Err(CliError::runtime(format!(
            "{name} does not replay to what it recorded: {}",
            verdict.problems.join("; ")
        )));
    }
    Ok(sim)
}
