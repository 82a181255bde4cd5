//! `run --payments FILE [--results FILE]`: the options translated for the core's importer
//! (`payment_sim_core::import`), which reads, checks, feeds and builds the results; this
//! module only opens the files and words the outcome.

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::PathBuf;

use payment_sim_core::import::{
    add_participants as add, read_participants, sha256_of, FedError, FeedSource, FeedSpec,
    ImportOptions, Importer, NewBalance, NewParticipants, PaymentFeed, PendingFile, PendingGuard,
    RejectsWriter, ResultsFormat, ResultsWriter,
};
use payment_sim_core::Simulation;
use payment_sim_core::SimulationConfig;

use crate::error::{CliError, CliResult};
use crate::format::count;
use crate::recording::RecordedPayments;
use crate::{OutsideChoice, PaymentsFormat, RunArgs};

/// A run fed from a payments file.
pub struct Fed {
    importer: Importer<Box<dyn Read>, BufWriter<PendingFile>>,
    file: PathBuf,
    results: Option<PathBuf>,
    rejects: Option<PathBuf>,
    /// What a recording of the run holds of the file (with `--record`).
    recorded: Option<RecordedPayments>,
    /// What a state file holds of the run if it is suspended (with `--save-state`).
    source: Option<FeedSource>,
    /// The results and rejects files: kept when the run ends or is suspended; left as they
    /// were if the run never writes to them (a later output refused, say).
    outputs: Vec<(PendingGuard, PathBuf)>,
}

/// The reading options: the flags as text, read by the core (`FeedSpec`), which words the
/// problems; the CLI names the flags.
fn options(args: &RunArgs, file: &str) -> Result<ImportOptions, CliError> {
    spec(args).options(file).map_err(flag_problems)
}

/// The reading flags as the core's `FeedSpec`.
fn spec(args: &RunArgs) -> FeedSpec {
    let choice = |c: OutsideChoice| match c {
        OutsideChoice::Error => "error".to_string(),
        OutsideChoice::Skip => "skip".to_string(),
    };
    FeedSpec {
        format: args.payments_format.map(|f| match f {
            PaymentsFormat::Csv => "csv".to_string(),
            PaymentsFormat::Jsonl => "jsonl".to_string(),
        }),
        columns: args.columns.clone(),
        delimiter: Some(args.delimiter.clone()),
        business_day: args.business_day.clone(),
        tick_seconds: args.tick_seconds,
        start_date: args.start_date.clone(),
        on_outside: Some(choice(args.on_outside)),
        on_invalid: Some(choice(args.on_invalid)),
    }
}

/// The core's problems of options given as flags: each named by its flag (`business_day` →
/// `--business-day`).
pub fn flag_problems(e: payment_sim_core::SimError) -> CliError {
    let lines: Vec<String> = e
        .problems()
        .iter()
        .map(|p| {
            let flag = format!("--{}", p.path.replace('_', "-"));
            match p.message.strip_prefix(p.path.as_str()) {
                Some(rest) => format!("{flag}{rest}"),
                None => format!("{flag}: {}", p.message),
            }
        })
        .collect();
    CliError::input(lines.join("\n"))
}

pub(crate) fn input_error(context: &str, e: FedError) -> CliError {
    match e {
        FedError::Input(e) => {
            let mut lines: Vec<String> = e.problems.iter().map(|p| p.message.clone()).collect();
            if e.total > lines.len() {
                lines.push(format!("… and {} more problems", e.total - lines.len()));
            }
            if lines.len() == 1 {
                CliError::input(format!("{context}: {}", lines[0]))
            } else {
                CliError::input(format!("{context}: {} problems", e.total)).with_details(lines)
            }
        }
        FedError::Sim(e) => CliError::from_sim(context, e),
        FedError::Write(e) => CliError::runtime(format!("cannot write the results: {e}")),
    }
}

/// `--participants`, `--create-participants`: add the participants from the data to
/// `config` (the core reads both files); the note for the summary, if any was asked for.
pub fn add_participants(
    args: &RunArgs,
    config: &mut SimulationConfig,
) -> Result<Option<String>, CliError> {
    let Some(path) = &args.payments else {
        return Ok(None);
    };
    if args.participants.is_none() && !args.create_participants {
        if args.participant_balance.is_some() || args.participant_credit.is_some() {
            return Err(CliError::input(
                "--participant-balance and --participant-credit apply to added participants: give --participants FILE or --create-participants",
            ));
        }
        return Ok(None);
    }
    let bad = |p: payment_sim_core::Problem| CliError::input(p.message);
    let new = NewParticipants {
        from_payments: args.create_participants,
        balance: match &args.participant_balance {
            Some(v) => NewBalance::parse(v).map_err(bad)?,
            None => NewBalance::default(),
        },
        credit: args.participant_credit.unwrap_or(0),
    };
    let (listed, listed_name) = match &args.participants {
        Some(p) => {
            let name = p.display().to_string();
            let file = File::open(p).map_err(|e| CliError::read(p, &e))?;
            let rows = read_participants(file, &name, b',')
                .map_err(|e| input_error("invalid participants file", FedError::Input(e)))?;
            (rows, name)
        }
        None => (Vec::new(), String::new()),
    };
    let name = path.display().to_string();
    let opts = options(args, &name)?;
    let mut open = || File::open(path);
    let added = add(config, &listed, &listed_name, &new, &mut open, &name, &opts)
        .map_err(|e| input_error("cannot add the participants", e))?;
    let mut from = Vec::new();
    if !listed_name.is_empty() {
        from.push(format!("{} from {listed_name}", count(added.listed as u64)));
    }
    if args.create_participants {
        from.push(format!("{} found in {name}", count(added.found as u64)));
    }
    let mut note = format!(
        "participants added: {} ({})",
        count((added.listed + added.found) as u64),
        from.join(", ")
    );
    if added.from_bounds > 0 {
        note.push_str(&format!(
            "; {} balances from the liquidity bounds of a first pass",
            count(added.from_bounds as u64)
        ));
    }
    Ok(Some(note))
}

/// Open `--payments` (and `--results`) and load the first business day, or `None`.
pub fn open(args: &RunArgs, sim: &mut Simulation) -> Result<Option<Fed>, CliError> {
    let Some(path) = &args.payments else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let opts = options(args, &name)?;
    // A recording and a state file name the file by its digest (one more read of it, only
    // with --record or --save-state).
    let digest = match args.record.is_some() || args.save_state.is_some() {
        true => {
            let file = File::open(path).map_err(|e| CliError::read(path, &e))?;
            Some(sha256_of(file).map_err(|e| CliError::read(path, &e))?)
        }
        false => None,
    };
    let recorded = match (&args.record, &digest) {
        (Some(_), Some(sha256)) => Some(RecordedPayments {
            path: name.clone(),
            sha256: sha256.clone(),
            options: spec(args),
        }),
        _ => None,
    };
    // A state file may be used from another directory: its paths are absolute.
    let absolute = |p: &PathBuf| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string()
    };
    let source = match (&args.save_state, digest) {
        (Some(_), Some(sha256)) => Some(FeedSource {
            path: absolute(path),
            sha256,
            options: spec(args),
            results: args.results.as_ref().map(absolute),
            rejects: args.rejects.as_ref().map(absolute),
        }),
        _ => None,
    };
    let file = File::open(path).map_err(|e| CliError::read(path, &e))?;
    let reader: Box<dyn Read> = Box::new(file);
    let feed = PaymentFeed::open(reader, &name, opts)
        .map_err(|e| input_error("invalid payments file", FedError::Input(e)))?;
    // The output files are opened now (an unwritable path fails before anything runs) but
    // emptied only when the run writes to them: a refused file loses nothing.
    let mut outputs: Vec<(PendingGuard, PathBuf)> = Vec::new();
    let mut pending = |r: &PathBuf| -> Result<(BufWriter<PendingFile>, ResultsFormat), CliError> {
        let (f, guard) = PendingFile::open(r).map_err(|e| CliError::write(r, &e))?;
        outputs.push((guard, r.clone()));
        let format = ResultsFormat::from_path(&r.display().to_string());
        Ok((BufWriter::with_capacity(1 << 16, f), format))
    };
    let results = match &args.results {
        Some(r) => Some(pending(r).map(|(w, f)| ResultsWriter::new(w, f))?),
        None => None,
    };
    let rejects = match &args.rejects {
        Some(r) => Some(pending(r).map(|(w, f)| RejectsWriter::new(Box::new(w), f))?),
        None => None,
    };
    let mut importer =
        Importer::start(sim, feed, results).map_err(|e| input_error("invalid payments file", e))?;
    importer.rejects = rejects;
    Ok(Some(Fed {
        importer,
        file: path.clone(),
        results: args.results.clone(),
        rejects: args.rejects.clone(),
        recorded,
        source,
        outputs,
    }))
}

/// The run went ahead: the output files hold what it wrote.
fn keep(outputs: Vec<(PendingGuard, PathBuf)>) -> CliResult {
    for (guard, path) in outputs {
        guard.keep().map_err(|e| CliError::write(&path, &e))?;
    }
    Ok(())
}

impl Fed {
    /// The file as a recording of the run names it (with `--record`).
    pub fn recorded(&self) -> Option<&RecordedPayments> {
        self.recorded.as_ref()
    }

    /// Run `ticks` ticks, feeding the file.
    pub fn run(&mut self, sim: &mut Simulation, ticks: u64) -> CliResult {
        self.importer.run(sim, ticks).map_err(|e| {
            input_error(
                &format!(
                    "the payments file stopped the run at tick {} (nothing of the rejected day was applied)",
                    sim.current_tick()
                ),
                e,
            )
        })
    }

    /// Stop before the horizon and put the run into `sim` for its state file (`--save-state`):
    /// `tick` on that file reads the payments file on. The notes for the summary.
    pub fn suspend(self, sim: &mut Simulation) -> Result<Vec<String>, CliError> {
        let source = self.source.clone().expect("a state file is written");
        let tick = sim.current_tick();
        self.importer
            .suspend(sim, source)
            .map_err(|e| input_error("cannot suspend the payments file's run", e))?;
        keep(self.outputs)?;
        let fed = sim.fed_state().expect("just suspended");
        let s = fed.stats;
        Ok(vec![format!(
            "payments: {} rows read from {}, {} scheduled, {} results out; the run stops at tick {} and the state file goes on reading the file (`payment-sim tick`)",
            count(s.rows),
            self.file.display(),
            count(s.payments),
            count(fed.ended),
            count(tick)
        )])
    }

    /// Finish: check the rest of the file, write the unsettled; the notes for the summary.
    pub fn finish(self, sim: &mut Simulation) -> Result<Vec<String>, CliError> {
        let done = self
            .importer
            .finish(sim)
            .map_err(|e| input_error("invalid payments file", e))?;
        keep(self.outputs)?;
        let s = done.stats;
        let mut notes = vec![format!(
            "payments: {} rows read from {}, {} scheduled in {} business days",
            count(s.rows),
            self.file.display(),
            count(s.payments),
            count(s.chunks)
        )];
        if s.skipped > 0 {
            notes.push(format!(
                "payments skipped (outside the simulated time): {} (first: {})",
                count(s.skipped),
                done.first_skip.unwrap_or_default()
            ));
        }
        if s.rejected > 0 {
            notes.push(format!(
                "payments skipped (invalid): {} (first: {})",
                count(s.rejected),
                done.first_reject.unwrap_or_default()
            ));
        }
        if let (Some(path), Some(n)) = (&self.rejects, done.rejects_written) {
            notes.push(format!(
                "rejects: {} rows written to {}",
                count(n),
                path.display()
            ));
        }
        if let (Some(path), Some(n)) = (&self.results, done.results_written) {
            notes.push(format!(
                "results: {} payments written to {}",
                count(n),
                path.display()
            ));
        }
        Ok(notes)
    }
}
