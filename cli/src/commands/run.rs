//! `run`: a whole scenario, driven in chunks of `Simulation::run`, with a progress bar, an
//! events file, a recording, and the scale runner's figures (`--quiet`).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use payment_sim_core::config::EventRecording;
use payment_sim_core::stats::Statistics;
use payment_sim_core::{Indicators, Provenance, Simulation};

use super::{horizon_words, recording_level};
use crate::error::{CliError, CliResult};
use crate::events_out::EventWriter;
use crate::files::{check_writable, emit, json, load_scenario, write_atomic};
use crate::format::{count, rate, seconds, Table};
use crate::recording::Recording;
use crate::{report, session, Output, RunArgs};

/// Progress and timing granularity: the run is cut into this many chunks (fewer when it has
/// fewer ticks), so the first and last tenth are whole chunks.
const CHUNKS: u64 = 100;
/// Expected orders per step of a chunk (see `run`): a step's events are written, then dropped.
const STEP_ORDERS: f64 = 50_000.0;

/// `run --format json` (without `--quiet`).
#[derive(Serialize)]
struct RunReport<'a> {
    scenario: String,
    seed: u64,
    agents: usize,
    ticks_run: u64,
    horizon: u64,
    finished: bool,
    statistics: &'a Statistics,
    indicators: Indicators,
}

/// The scale runner's figures (`run --quiet`).
#[derive(Serialize)]
struct Performance {
    scenario: String,
    agents: usize,
    ticks: u64,
    arrivals: u64,
    settlements: u64,
    events: u64,
    engine_seconds: f64,
    ticks_per_second: f64,
    payments_per_second: f64,
    first_10pct_ticks: u64,
    first_10pct_seconds: f64,
    last_10pct_ticks: u64,
    last_10pct_seconds: f64,
    last_to_first_ratio: Option<f64>,
    peak_rss_kib: Option<u64>,
    provenance: Provenance,
    // The scale table's further columns (`make scale`).
    arrivals_per_second: f64,
    settlements_by_mechanism: payment_sim_core::stats::ByMechanism,
}

/// `payment-sim run SCENARIO`.
pub fn run(args: RunArgs, out: Output) -> CliResult {
    let (mut config, _) = load_scenario(&args.scenario)?;
    if let Some(seed) = args.seed {
        config.rng_seed = seed;
    }
    if let Some(days) = args.days {
        config.num_days = i64::try_from(days).unwrap_or(i64::MAX);
    }
    if let Some(level) = args.event_recording {
        config.event_recording = recording_level(level);
    }
    // Participants from the data join the scenario's agents before the simulation is built.
    let added = crate::payments_in::add_participants(&args, &mut config)?;
    let level = config.event_recording;
    let name = args.scenario.display().to_string();
    let mut sim = Simulation::new(config)
        .map_err(|e| CliError::from_sim(&format!("invalid scenario {name}"), e))?;
    // A Host policy is decided by a host program (Python, C); the CLI is none.
    sim.require_host_policy()
        .map_err(|e| CliError::from_sim(&format!("cannot run {name}"), e))?;
    let horizon = sim.horizon();
    let ticks = args.ticks.unwrap_or(horizon);
    if ticks == 0 || ticks > horizon {
        return Err(CliError::input(format!(
            "--ticks must be between 1 and the horizon of {} ticks (got {ticks})",
            count(horizon)
        )));
    }
    let provenance = sim.provenance();
    // The payments file: its header and first business day are checked before anything runs,
    // and before any output is created, so a refused file leaves the outputs as they were.
    let mut fed = crate::payments_in::open(&args, &mut sim)?;
    // Open every output before running, so a bad path fails in milliseconds.
    let mut events = args
        .events
        .as_deref()
        .map(|path| EventWriter::create(path, &provenance))
        .transpose()?;
    for path in [&args.record, &args.save_state, &args.timeseries]
        .into_iter()
        .flatten()
    {
        check_writable(path)?;
    }
    if args.timeseries.is_some() {
        sim.record_timeseries(args.timeseries_every)
            .map_err(|e| CliError::from_sim("--timeseries-every", e))?;
    }
    if level == EventRecording::Off && (args.events.is_some() || args.record.is_some()) {
        eprintln!(
            "warning: event recording is off: the events file is empty and a recording verifies the final state only"
        );
    }

    // The per-day indicators are printed only by `--format json` without `--quiet`; a state
    // file or a recording carries them. Otherwise closed days are not kept (a year's would be
    // ≈ 1 GiB); the whole-run figures stay exact.
    let shows_days = !args.quiet && out.json();
    if !shows_days && args.save_state.is_none() && args.record.is_none() {
        sim.forget_closed_days();
    }

    let bar = progress_bar(ticks, args.quiet);
    let mut engine = Duration::ZERO;
    let (mut first, mut last) = ((0u64, Duration::ZERO), (0u64, Duration::ZERO));
    let chunks = CHUNKS.min(ticks);
    // Events nothing reads after the run (no recording, state file or payments file) are
    // dropped as the run goes; steps of about `STEP_EVENTS` expected orders bound them.
    let discard = args.record.is_none() && args.save_state.is_none() && fed.is_none();
    let per_tick = sim.workload().expected_orders_per_tick.max(1.0);
    let step = ((STEP_ORDERS / per_tick) as u64).max(1);
    let mut done = 0u64;
    let mut seen_events = sim.last_event_seq();
    for k in 1..=chunks {
        let target = (ticks as u128 * k as u128 / chunks as u128) as u64;
        let size = target - done;
        if size == 0 {
            continue;
        }
        let mut took = Duration::ZERO;
        match fed.as_mut() {
            Some(fed) => {
                let started = Instant::now();
                fed.run(&mut sim, size)?;
                took = started.elapsed();
            }
            // In steps of at most `step` ticks, each step's events written and then dropped
            // from memory when nothing later needs them: a year holds a step's events only.
            None => {
                let mut left = size;
                while left > 0 {
                    let n = left.min(step);
                    let started = Instant::now();
                    sim.run(n).map_err(|e| {
                        CliError::runtime(format!(
                            "the run stopped at tick {}: {e}",
                            sim.current_tick()
                        ))
                    })?;
                    took += started.elapsed();
                    left -= n;
                    if let Some(writer) = events.as_mut() {
                        seen_events = writer.write_since(&sim, seen_events)?;
                    }
                    if discard {
                        sim.discard_events_through(sim.last_event_seq());
                    }
                }
            }
        }
        engine += took;
        if k <= chunks / 10 {
            first.0 += size;
            first.1 += took;
        }
        if k > chunks - chunks / 10 {
            last.0 += size;
            last.1 += took;
        }
        done = target;
        if let Some(writer) = events.as_mut() {
            seen_events = writer.write_since(&sim, seen_events)?;
        }
        bar.set_position(done);
        if !bar.is_hidden() {
            bar.set_message(format!(
                "day {} · {} ticks/s",
                count(sim.current_day()),
                rate(done as f64 / engine.as_secs_f64())
            ));
        }
    }
    bar.finish_and_clear();
    let events_written = match events {
        Some(writer) => Some(writer.finish()?),
        None => None,
    };

    let stats = sim.statistics();
    if !bar.is_hidden() {
        let secs = engine.as_secs_f64();
        eprintln!(
            "ran {} ticks in {} ({} ticks/s, {} payments/s)",
            count(ticks),
            seconds(secs),
            rate(ticks as f64 / secs),
            rate(stats.settlements as f64 / secs)
        );
    }
    if let Some(path) = &args.record {
        let mut recording = Recording::capture(&sim, Vec::new());
        if let Some(p) = fed.as_ref().and_then(|f| f.recorded()) {
            recording = recording.with_payments(p.clone());
        }
        write_atomic(path, recording.to_json().as_bytes())?;
    }
    let mut notes: Vec<String> = added.into_iter().collect();
    if let Some(path) = &args.save_state {
        // A fed run stopped before its horizon is suspended into the state file, which
        // `tick` continues, reading the payments file on (`payments_resume`).
        if !sim.is_finished() {
            if let Some(f) = fed.take() {
                notes.extend(f.suspend(&mut sim)?);
            }
        }
        session::start(path, &sim, out.lock_timeout)?;
    }
    let samples = match &args.timeseries {
        Some(path) => Some(crate::timeseries_out::write(path, &sim)?),
        None => None,
    };

    if let Some(fed) = fed {
        notes.extend(fed.finish(&mut sim)?);
    }
    if let (Some(path), Some(n)) = (&args.events, events_written) {
        notes.push(format!(
            "events: {} written to {}",
            count(n),
            path.display()
        ));
    }
    if let Some(path) = &args.record {
        notes.push(format!("recording: {}", path.display()));
    }
    if let (Some(path), Some(n)) = (&args.timeseries, samples) {
        notes.push(format!(
            "time series: {} samples written to {}",
            count(n),
            path.display()
        ));
    }
    if let Some(path) = &args.save_state {
        notes.push(format!("state file: {}", path.display()));
    }

    if args.quiet {
        let perf = performance(&name, &sim, &stats, engine, first, last);
        if out.json() {
            return emit(&json(&perf));
        }
        let mut text = performance_table(&perf);
        for note in &notes {
            text.push_str(note);
            text.push('\n');
        }
        return emit(&text);
    }
    let cfg = sim.config();
    if out.json() {
        return emit(&json(&RunReport {
            scenario: name,
            seed: cfg.rng_seed,
            agents: sim.agent_ids().len(),
            ticks_run: ticks,
            horizon,
            finished: sim.is_finished(),
            statistics: &stats,
            indicators: sim.indicators(),
        }));
    }
    let mut text = format!(
        "Scenario {name} · seed {} · {} agents\nRan {} of {} ticks ({})\n\n",
        cfg.rng_seed,
        sim.agent_ids().len(),
        count(ticks),
        count(horizon),
        horizon_words(cfg.num_days, cfg.ticks_per_day),
    );
    text.push_str(&report::statistics(&stats, out.style));
    if !notes.is_empty() {
        text.push('\n');
        for note in &notes {
            text.push_str(note);
            text.push('\n');
        }
    }
    emit(&text)
}

/// A progress bar on stderr, only for a person at a terminal.
pub(crate) fn progress_bar(ticks: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(ticks), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{wide_bar:.cyan/blue} {human_pos}/{human_len} ticks · {msg} · ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    bar.set_style(style);
    bar.set_message("day 0");
    bar
}

fn performance(
    name: &str,
    sim: &Simulation,
    stats: &Statistics,
    engine: Duration,
    first: (u64, Duration),
    last: (u64, Duration),
) -> Performance {
    let secs = engine.as_secs_f64();
    let per_second = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let (first_s, last_s) = (first.1.as_secs_f64(), last.1.as_secs_f64());
    Performance {
        scenario: name.to_string(),
        agents: sim.agent_ids().len(),
        ticks: stats.ticks_run,
        arrivals: stats.arrivals,
        settlements: stats.settlements,
        events: sim.last_event_seq(),
        engine_seconds: secs,
        ticks_per_second: per_second(stats.ticks_run),
        payments_per_second: per_second(stats.settlements),
        first_10pct_ticks: first.0,
        first_10pct_seconds: first_s,
        last_10pct_ticks: last.0,
        last_10pct_seconds: last_s,
        last_to_first_ratio: (first.0 > 0 && first_s > 0.0).then(|| last_s / first_s),
        peak_rss_kib: peak_rss_kib(),
        provenance: stats.provenance.clone(),
        arrivals_per_second: per_second(stats.arrivals),
        settlements_by_mechanism: stats.settlements_by_mechanism.clone(),
    }
}

fn performance_table(p: &Performance) -> String {
    let mut t = Table::headless(2);
    t.row(["  agents".to_string(), count(p.agents as u64)]);
    t.row(["  ticks".to_string(), count(p.ticks)]);
    t.row(["  payments arrived".to_string(), count(p.arrivals)]);
    t.row(["  payments settled".to_string(), count(p.settlements)]);
    t.row(["  events recorded".to_string(), count(p.events)]);
    t.row(["  engine time".to_string(), seconds(p.engine_seconds)]);
    t.row(["  ticks/s".to_string(), rate(p.ticks_per_second)]);
    t.row([
        "  payments settled/s".to_string(),
        rate(p.payments_per_second),
    ]);
    t.row([
        "  payments arrived/s".to_string(),
        rate(p.arrivals_per_second),
    ]);
    let m = &p.settlements_by_mechanism;
    let share = |n: u64| match p.settlements {
        0 => "0".to_string(),
        all => format!("{:.1}%", 100.0 * n as f64 / all as f64),
    };
    t.row([
        "  settled by".to_string(),
        format!(
            "rtgs {} · queue {} · bilateral {} · multilateral {}",
            share(m.rtgs),
            share(m.queue),
            share(m.bilateral),
            share(m.multilateral)
        ),
    ]);
    t.row([
        format!("  first 10% ({} ticks)", count(p.first_10pct_ticks)),
        seconds(p.first_10pct_seconds),
    ]);
    t.row([
        format!("  last 10% ({} ticks)", count(p.last_10pct_ticks)),
        seconds(p.last_10pct_seconds),
    ]);
    t.row([
        "  last / first".to_string(),
        p.last_to_first_ratio
            .map_or("n/a".to_string(), |r| format!("{r:.2}")),
    ]);
    t.row([
        "  peak RSS".to_string(),
        p.peak_rss_kib
            .map_or("n/a".to_string(), |k| format!("{} KiB", count(k))),
    ]);
    format!("Scale run: {}\n{}", p.scenario, t.render())
}

/// Peak resident set size of this process (`VmHWM` in /proc/self/status), Linux only.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
