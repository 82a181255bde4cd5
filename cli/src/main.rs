//! `payment-sim` — run, step through and replay payment-system simulations from a terminal.
//!
//! The CLI only translates: files and arguments in, core calls, tables or JSON out. Every
//! simulation rule lives in `payment-sim-core`. See `docs/cli.md`.

mod appends;
mod commands;
mod error;
mod event_columns;
mod events_out;
mod events_parquet;
mod files;
mod format;
mod journal;
mod json_depth;
mod lock;
mod payments_in;
mod payments_resume;
mod recording;
mod report;
mod session;
mod sniff;
mod timeseries_out;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{CliError, EXIT_RUNTIME};
use crate::format::Style;

/// Deterministic RTGS payment-system simulator.
#[derive(Debug, Parser)]
#[command(
    name = "payment-sim",
    version,
    about = "Deterministic RTGS payment-system simulator",
    long_about = "Deterministic RTGS payment-system simulator.\n\n\
        Scenario files are YAML or JSON, in the scenario format (simulation / agents / costs) \
        or the machine format (ticks_per_day / agent_configs / ...). Amounts are integer cents; \
        tables show them as currency (1,234.56) unless --cents is given.\n\n\
        Exit codes: 0 ok, 1 runtime failure (write failed, replay mismatch), \
        2 usage error or invalid input.",
    after_help = "Step by step: `payment-sim create --config S.yaml`, then `tick`, `submit`, \
        `state`, `stats` and `export` work on the simulation created last in this directory \
        (recorded in .payment-sim/current) unless --state FILE is given."
)]
struct Cli {
    /// Output format: aligned tables for people or JSON (stable keys) for scripts.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Show amounts as raw integer cents instead of currency.
    #[arg(long, global = true)]
    cents: bool,
    /// Wait at most SECONDS for a state file another payment-sim command is using, then give
    /// up (exit 1, nothing changed); 0 = do not wait [default: wait until it is free].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = lock::parse_timeout)]
    lock_timeout: Option<Duration>,
    #[command(subcommand)]
    command: Command,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned tables.
    Table,
    /// JSON documents with stable keys.
    Json,
    /// Comma-separated values (`stress` only).
    Csv,
}

/// Output options shared by every command.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Table or JSON.
    pub format: OutputFormat,
    /// How amounts are shown in tables.
    pub style: Style,
    /// `--lock-timeout` (None: wait for the state file's lock as long as it takes).
    pub lock_timeout: Option<Duration>,
}

impl Output {
    /// Whether JSON was asked for.
    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the whole horizon or --ticks N) and print a summary.
    Run(Box<RunArgs>),
    /// Check scenario files; print every problem with its field path (exit 2 when any).
    Validate(ValidateArgs),
    /// Create a simulation from a scenario and save its state file.
    Create(CreateArgs),
    /// Execute ticks on the current simulation.
    Tick(TickArgs),
    /// Submit a manual payment order to the current simulation.
    Submit(SubmitArgs),
    /// Schedule timed inputs (outages, liquidity, rate changes, payments) on the current simulation.
    Schedule(ScheduleArgs),
    /// Show balances and queues of the current simulation.
    State(StateArgs),
    /// Show statistics of the current simulation.
    Stats(StateArgs),
    /// Export the current step-by-step session as a recording for `replay`.
    Export(ExportArgs),
    /// Re-run a recording and verify that the event stream is identical.
    Replay(ReplayArgs),
    /// Stress test: run the scenario and a stressed variant per participant, rank by damage.
    Stress(StressArgs),
    /// Write a self-contained HTML report (charts and tables) of a run.
    Report(ReportArgs),
    /// Run an experiment: a base scenario swept over axes and seeds (docs/experiments.md).
    Sweep(SweepArgs),
    /// Write a realistic synthetic payments file (and a scenario replaying it).
    Generate(commands::generate::GenerateArgs),
}

/// `report` (docs/cli.md § report).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["scenario", "state", "recording"])))]
pub struct ReportArgs {
    /// Scenario file (YAML or JSON) to run.
    pub scenario: Option<PathBuf>,
    /// Report on a state file as it is (no ticks are run).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Report on a recording (from `run --record` or `export`), replayed and verified.
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Draw the paths of the N participants that sent the most value.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub top: u64,
    /// Run only the first N ticks (scenario only; 0: an empty report).
    #[arg(long, value_name = "N", requires = "scenario")]
    pub ticks: Option<u64>,
    /// Override the scenario's RNG seed.
    #[arg(long, requires = "scenario")]
    pub seed: Option<u64>,
    /// Override the number of days.
    #[arg(long, value_name = "N", requires = "scenario", value_parser = clap::value_parser!(u64).range(1..))]
    pub days: Option<u64>,
    /// Sample the time series every N ticks [default: the smallest interval giving at most
    /// 1,000 samples over the horizon].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub every: Option<u64>,
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (YAML or JSON).
    pub scenario: PathBuf,
    /// Run only the first N ticks.
    #[arg(long, value_name = "N")]
    pub ticks: Option<u64>,
    /// Override the scenario's RNG seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the number of days (e.g. for a long scale run).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub days: Option<u64>,
    /// Override the event recording level.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub event_recording: Option<RecordingLevel>,
    /// Write the event stream to FILE: JSON lines (.jsonl), CSV (.csv) or Parquet (.parquet).
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Write a recording (config, seed, events) that `replay` can verify.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Save the final state file (continue with `tick --state FILE`).
    #[arg(long, value_name = "FILE")]
    pub save_state: Option<PathBuf>,
    /// No progress bar and no summary: print the performance figures instead (scale runner).
    #[arg(short, long)]
    pub quiet: bool,
    /// Record the time series (each agent's balance, liquidity usage and queues, and the
    /// system's totals) and write it to FILE as CSV.
    #[arg(long, value_name = "FILE")]
    pub timeseries: Option<PathBuf>,
    /// Sample the time series every N ticks (with --timeseries; default 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeseries_every: u64,
    /// The payments: CSV or JSON Lines, read a business day at a time as the run advances
    /// (columns id, tick or time, sender, receiver, amount, optional priority, deadline,
    /// from_time).
    /// With --record, the recording names the file (path and digest) and replay reads it
    /// again.
    #[arg(long, value_name = "FILE")]
    pub payments: Option<PathBuf>,
    /// The payments file's format (default: from its extension, .jsonl/.ndjson or CSV).
    #[arg(long, value_enum, value_name = "FORMAT", requires = "payments")]
    pub payments_format: Option<PaymentsFormat>,
    /// Column names of the payments file: role=name pairs, e.g. id=PaymentID,sender=From.
    #[arg(long, value_name = "MAPPING", requires = "payments")]
    pub columns: Option<String>,
    /// CSV delimiter of the payments file (one character; `tab` for a tab).
    #[arg(long, value_name = "CHAR", default_value = ",", requires = "payments")]
    pub delimiter: String,
    /// The business day, opening-closing (HH:MM-HH:MM; closing at or before opening crosses
    /// midnight): maps the payments' times to ticks.
    #[arg(long, value_name = "HH:MM-HH:MM", requires = "payments")]
    pub business_day: Option<String>,
    /// Seconds per tick (default: the business day divided into the scenario's ticks per day).
    #[arg(long, value_name = "SECONDS", requires = "business_day", value_parser = clap::value_parser!(u64).range(1..))]
    pub tick_seconds: Option<u64>,
    /// The business day (its opening date, YYYY-MM-DD) that is day 0 (default: the first
    /// payment's).
    #[arg(long, value_name = "DATE", requires = "business_day")]
    pub start_date: Option<String>,
    /// Payments outside opening hours, before the start or after the horizon: an error, or
    /// skipped and counted.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        default_value = "error",
        requires = "payments"
    )]
    pub on_outside: OutsideChoice,
    /// Write one result per input payment (id, arrival, settlement, mechanism, delay, parts)
    /// to FILE: CSV, or JSON Lines (.jsonl).
    #[arg(long, value_name = "FILE", requires = "payments")]
    pub results: Option<PathBuf>,
    /// Participants to add to the scenario: CSV with columns id, optional balance and credit
    /// (cents; an empty cell takes --participant-balance / --participant-credit).
    #[arg(long, value_name = "FILE", requires = "payments")]
    pub participants: Option<PathBuf>,
    /// Add every sender and receiver of the payments file that is not an agent yet.
    #[arg(long, requires = "payments")]
    pub create_participants: bool,
    /// Opening balance of an added participant: cents, or times_upper_bound:X,
    /// times_lower_bound:X, between_bounds:A (its liquidity bounds from a first pass over
    /// the file).
    #[arg(long, value_name = "VALUE", requires = "payments")]
    pub participant_balance: Option<String>,
    /// Credit line of an added participant, in cents (default 0).
    #[arg(long, value_name = "CENTS", requires = "payments")]
    pub participant_credit: Option<i64>,
    /// Rows that break a rule (bad amount, unknown participant, duplicate id, a row that
    /// cannot be read but the next can): an error that rejects their day, or skipped,
    /// counted and listed in --rejects.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        default_value = "error",
        requires = "payments"
    )]
    pub on_invalid: OutsideChoice,
    /// Write every skipped row (line, id, kind, reason) to FILE: CSV, or JSON Lines (.jsonl).
    #[arg(long, value_name = "FILE", requires = "payments")]
    pub rejects: Option<PathBuf>,
}

/// Payment file formats (`run --payments-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaymentsFormat {
    /// Delimiter-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `run --on-outside`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutsideChoice {
    /// Stop with an error naming the row.
    Error,
    /// Skip the payment and count it.
    Skip,
}

/// Event recording levels (the core's `event_recording`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordingLevel {
    /// Every state change.
    Full,
    /// Settlements, drops, overdue marks and end-of-day events.
    Settlements,
    /// No events.
    Off,
}

/// `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files (YAML or JSON).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Scenario file (YAML or JSON).
    #[arg(short, long, value_name = "SCENARIO")]
    pub config: PathBuf,
    /// State file to write [default: .payment-sim/state.json].
    #[arg(short, long, value_name = "STATE")]
    pub output: Option<PathBuf>,
    /// Override the scenario's RNG seed.
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `tick`.
#[derive(Debug, Args)]
pub struct TickArgs {
    /// Number of ticks to execute.
    #[arg(default_value_t = 1)]
    pub count: u64,
    /// State file [default: the simulation created last in this directory].
    #[arg(short, long, value_name = "STATE")]
    pub state: Option<PathBuf>,
    /// Also list the events of these ticks.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Sending agent id.
    #[arg(short, long)]
    pub sender: String,
    /// Receiving agent id.
    #[arg(short, long)]
    pub receiver: String,
    /// Amount in integer cents.
    #[arg(short, long, allow_negative_numbers = true)]
    pub amount: i64,
    /// Deadline offset in ticks from arrival.
    #[arg(short, long, default_value_t = payment_sim_core::config::DEFAULT_DEADLINE_OFFSET, allow_negative_numbers = true)]
    pub deadline: i64,
    /// Priority 0–10 (higher is more urgent).
    #[arg(short, long, default_value_t = payment_sim_core::config::DEFAULT_PRIORITY, allow_negative_numbers = true)]
    pub priority: i64,
    /// Ticks from arrival to its from-time: not settled before it (0 to the deadline offset).
    #[arg(long, value_name = "TICKS", allow_negative_numbers = true)]
    pub from_offset: Option<i64>,
    /// State file [default: the simulation created last in this directory].
    #[arg(long, value_name = "STATE")]
    pub state: Option<PathBuf>,
}

/// `schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Actions file (YAML or JSON): `scenario_events: [...]` or the bare list.
    pub actions: PathBuf,
    /// State file [default: the simulation created last in this directory].
    #[arg(long, value_name = "STATE")]
    pub state: Option<PathBuf>,
}

/// `state` and `stats`.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// State file [default: the simulation created last in this directory].
    #[arg(short, long, value_name = "STATE")]
    pub state: Option<PathBuf>,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Recording file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// State file [default: the simulation created last in this directory].
    #[arg(short, long, value_name = "STATE")]
    pub state: Option<PathBuf>,
}

/// `stress` (docs/cli.md § stress). Without --stress, the flags describe one scenario: an
/// outage (--from-tick/--to-tick, default the whole run) or, with --withdraw-percent, a
/// liquidity withdrawal at --tick.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["stress", "outage_each", "largest"])))]
pub struct StressArgs {
    /// Benchmark scenario file (YAML or JSON).
    pub scenario: PathBuf,
    /// Stress definition file (YAML or JSON; docs/model.md § Stress testing).
    #[arg(long, value_name = "FILE")]
    pub stress: Option<PathBuf>,
    /// Stress each participant in turn.
    #[arg(long)]
    pub outage_each: bool,
    /// Stress the N participants that sent the most value in the benchmark.
    #[arg(long, value_name = "N")]
    pub largest: Option<u64>,
    /// First tick of the outage [default: 0].
    #[arg(long, value_name = "A", conflicts_with_all = ["stress", "withdraw_percent"])]
    pub from_tick: Option<u64>,
    /// First tick after the outage [default: the horizon].
    #[arg(long, value_name = "B", conflicts_with_all = ["stress", "withdraw_percent"])]
    pub to_tick: Option<u64>,
    /// Payments to the participant out do not settle either.
    #[arg(long, conflicts_with_all = ["stress", "withdraw_percent"])]
    pub block_receiving: bool,
    /// Instead of an outage: withdraw X% of each participant's balance at --tick.
    #[arg(long, value_name = "X", conflicts_with = "stress")]
    pub withdraw_percent: Option<f64>,
    /// Tick of the withdrawal [default: 0].
    #[arg(long, value_name = "T", requires = "withdraw_percent")]
    pub tick: Option<u64>,
    /// Threads to run on [default: the machine's cores]; the report is the same for any.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `sweep` (docs/cli.md § sweep).
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Experiment file (YAML or JSON; docs/experiments.md).
    pub experiment: PathBuf,
    /// Threads to run on [default: the machine's cores]; the results are the same for any.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Write one row per run to FILE (.csv, or .json for every record in full).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write one row per run and participant to FILE (.csv or .json).
    #[arg(long, value_name = "FILE")]
    pub participants: Option<PathBuf>,
    /// Accept more points than the limit (10,000) without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Recording file (from `run --record` or `export`).
    pub recording: PathBuf,
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    let out = Output {
        format: cli.format,
        style: Style {
            raw_cents: cli.cents,
        },
        lock_timeout: cli.lock_timeout,
    };
    if out.format == OutputFormat::Csv && !matches!(cli.command, Command::Stress(_)) {
        return Err(CliError::input(
            "--format csv is only available for `stress`",
        ));
    }
    match cli.command {
        Command::Stress(args) => commands::stress::run(args, out),
        Command::Run(args) => commands::run::run(*args, out),
        Command::Validate(args) => commands::validate::validate(args, out),
        Command::Create(args) => commands::step::create(args, out),
        Command::Tick(args) => commands::step::tick(args, out),
        Command::Submit(args) => commands::step::submit(args, out),
        Command::Schedule(args) => commands::schedule::schedule(args, out),
        Command::State(args) => commands::step::state(args, out),
        Command::Stats(args) => commands::step::stats(args, out),
        Command::Export(args) => commands::step::export(args, out),
        Command::Replay(args) => commands::replay::replay(args, out),
        Command::Report(args) => commands::report::report(args, out),
        Command::Sweep(args) => commands::sweep::run_sweep(args, out),
        Command::Generate(args) => commands::generate::generate(args),
    }
}

fn main() -> ExitCode {
    // A bug must still end with one line on stderr, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in payment-sim: {info}\n(this is a bug; please report it with the command that caused it)");
    }));
    let cli = Cli::parse(); // usage errors exit 2, --help/--version exit 0
    match std::panic::catch_unwind(|| dispatch(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprint!("{}", err.render());
            ExitCode::from(err.code)
        }
        Err(_) => ExitCode::from(EXIT_RUNTIME),
    }
}
