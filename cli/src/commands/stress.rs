//! `stress`: the automated stress tester. The core expands the definition, runs the
//! benchmark and every variant over the threads, compares and ranks
//! (`payment_sim_core::stress`); this reads the files or builds the definition from the
//! flags, shows progress, and formats the report (table, JSON, CSV).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use payment_sim_core::stress::{
    stress, Participants, Progress, StressDefinition, StressReport, StressScenario, StressType,
};

use crate::error::{CliError, CliResult};
use crate::files::{emit, load_scenario, read_text, write_atomic};
use crate::format::Table;
use crate::{Output, OutputFormat, StressArgs};

/// `payment-sim stress SCENARIO …`.
pub fn run(args: StressArgs, out: Output) -> CliResult {
    let (config, _) = load_scenario(&args.scenario)?;
    let def = match &args.stress {
        Some(path) => {
            let text = read_text(path)?;
            StressDefinition::from_text(&text).map_err(|e| {
                CliError::from_sim(&format!("invalid stress definition {}", path.display()), e)
            })?
        }
        None => from_flags(&args, config.horizon()),
    };
    let bar = progress_bar("runs");
    let progress = |p: Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    };
    let threads = args.threads.map(|n| n as usize);
    let report = stress(&config, &def, threads, Some(&progress))
        .map_err(|e| CliError::from_sim("invalid stress test", e))?;
    bar.finish_and_clear();
    let text = match out.format {
        OutputFormat::Json => format!("{}\n", report.to_json()),
        OutputFormat::Csv => csv(&report),
        OutputFormat::Table => table(&report, &def, out),
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => emit(&text),
    }
}

/// The one-scenario definition the flags describe. Without a window, the outage lasts the
/// whole run (`--from-tick 0 --to-tick HORIZON`).
fn from_flags(args: &StressArgs, horizon: u64) -> StressDefinition {
    let participants = match args.largest {
        Some(n) => Participants::Largest(n),
        None => Participants::All,
    };
    // The defaults of the shorthand (the whole run, tick 0) are the core's.
    let scenario = match args.withdraw_percent {
        Some(percent) => StressScenario::liquidity_withdrawal(participants, percent, args.tick),
        None => StressScenario::outage(
            participants,
            args.from_tick,
            args.to_tick,
            args.block_receiving,
            horizon,
        ),
    };
    StressDefinition {
        scenarios: vec![scenario],
    }
}

/// A progress bar on stderr counting `unit` (hidden when stderr is not a terminal).
pub(crate) fn progress_bar(unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(&format!(
        "{{wide_bar:.cyan/blue}} {{pos}}/{{len}} {unit} · ETA {{eta}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn signed(out: Output, cents: i64) -> String {
    if cents > 0 {
        format!("+{}", out.style.money(cents))
    } else {
        out.style.money(cents)
    }
}

fn delay(d: f64) -> String {
    format!("{d:+.2}")
}

/// Per scenario: the stressed participants by damage, with the system-wide changes of their
/// variant and the worst balance deterioration any participant suffered in it.
fn table(report: &StressReport, def: &StressDefinition, out: Output) -> String {
    let mut text = String::new();
    for ranking in &report.rankings {
        let s = &def.scenarios[ranking.scenario];
        let what = match s.kind {
            StressType::Outage => format!(
                "outage, ticks {}–{}{}",
                s.from_tick.unwrap_or(0),
                s.to_tick.unwrap_or(0),
                if s.block_receiving == Some(true) {
                    ", receiving blocked"
                } else {
                    ""
                }
            ),
            StressType::LiquidityWithdrawal => format!(
                "liquidity withdrawal of {}% at tick {}",
                s.percent.unwrap_or(0.0),
                s.tick.unwrap_or(0)
            ),
        };
        text.push_str(&format!("Scenario {}: {what}\n", ranking.scenario));
        let mut t = Table::new([
            "rank",
            "participant",
            "damage",
            "worst liquidity",
            "hit",
            "best liquidity",
            "Δ unsettled value",
            "Δ unsettled",
            "Δ mean delay",
            "Δ costs",
        ]);
        for entry in &ranking.entries {
            let Some(v) = report
                .variants
                .iter()
                .find(|v| v.scenario == ranking.scenario && v.participant == entry.participant)
            else {
                continue;
            };
            let worst = v
                .participants
                .iter()
                .min_by(|a, b| a.liquidity_min.cmp(&b.liquidity_min).then(a.id.cmp(&b.id)));
            let best = v.participants.iter().map(|p| p.liquidity_max).max();
            t.row([
                entry.rank.to_string(),
                entry.participant.clone(),
                signed(out, entry.damage),
                worst.map_or(String::new(), |p| signed(out, p.liquidity_min)),
                worst.map_or(String::new(), |p| p.id.clone()),
                best.map_or(String::new(), |b| signed(out, b)),
                signed(out, v.system.unsettled_value),
                format!("{:+}", v.system.unsettled_count),
                delay(v.system.mean_delay),
                signed(out, v.system.cost),
            ]);
        }
        let t = t
            .align(1, crate::format::Align::Left)
            .align(4, crate::format::Align::Left);
        text.push_str(&t.render());
        text.push('\n');
    }
    let b = &report.benchmark.system;
    text.push_str(&format!(
        "Benchmark: unsettled {} ({} payments), mean delay {:.2} ticks, costs {}.\n\
         damage = change in the other participants' unsettled value at the end of the run; \
         liquidity = balance minus the benchmark's, over the ends of ticks.\n",
        out.style.money(b.unsettled_value),
        b.unsettled_count,
        b.mean_delay,
        out.style.money(b.cost)
    ));
    text
}

/// One row per variant and participant, every change in the report (cents, ticks).
fn csv(report: &StressReport) -> String {
    let mut text = String::from(
        "scenario,type,stressed,damage,participant,liquidity_min,liquidity_min_tick,\
         liquidity_max,liquidity_max_tick,unsettled_value,unsettled_count,mean_delay,\
         value_weighted_delay,cost,external\n",
    );
    for v in &report.variants {
        for p in &v.participants {
            text.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                v.scenario,
                v.kind,
                field(&v.participant),
                v.damage,
                field(&p.id),
                p.liquidity_min,
                p.liquidity_min_tick,
                p.liquidity_max,
                p.liquidity_max_tick,
                p.unsettled_value,
                p.unsettled_count,
                p.mean_delay,
                p.value_weighted_delay,
                p.cost,
                p.external
            ));
        }
    }
    text
}

/// A CSV field, quoted when it must be (the events file's rule).
fn field(s: &str) -> String {
    let mut out = String::new();
    crate::events_out::csv_field(s, &mut out);
    out
}
