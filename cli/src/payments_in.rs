//! `run --payments FILE [--results FILE]`: the options translated for the core's importer
//! (`payment_sim_core::import`), which reads, checks, feeds and builds the results; this
//! module only opens the files and words the outcome.

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::PathBuf;

use payment_sim_core::import::{
    parse_delimiter, time, Columns, FedError, ImportOptions, Importer, OnOutside, PaymentFeed,
    PaymentFormat, ResultsFormat, ResultsWriter, TimeMapping,
};
use payment_sim_core::Simulation;

use crate::error::{CliError, CliResult};
use crate::format::count;
use crate::{OutsideChoice, PaymentsFormat, RunArgs};

/// A run fed from a payments file.
pub struct Fed {
    importer: Importer<Box<dyn Read>, BufWriter<File>>,
    file: PathBuf,
    results: Option<PathBuf>,
}

fn options(args: &RunArgs, file: &str) -> Result<ImportOptions, CliError> {
    let bad = |p: payment_sim_core::Problem| CliError::input(p.message);
    let format = match args.payments_format {
        Some(PaymentsFormat::Csv) => PaymentFormat::Csv,
        Some(PaymentsFormat::Jsonl) => PaymentFormat::JsonLines,
        None => PaymentFormat::from_path(file),
    };
    let columns = match &args.columns {
        Some(m) => Columns::with_mapping(m).map_err(bad)?,
        None => Columns::default(),
    };
    let time = match &args.business_day {
        None => None,
        Some(s) => {
            let (opening, closing) = TimeMapping::parse_session(s).ok_or_else(|| {
                CliError::input(format!(
                    "--business-day must be HH:MM-HH:MM, opening-closing (got {s:?})"
                ))
            })?;
            let start_date = match &args.start_date {
                None => None,
                Some(d) => Some(time::parse_date(d).ok_or_else(|| {
                    CliError::input(format!("--start-date must be YYYY-MM-DD (got {d:?})"))
                })?),
            };
            Some(TimeMapping {
                opening,
                closing,
                tick_seconds: args.tick_seconds.map(|s| s as i64),
                start_date,
            })
        }
    };
    Ok(ImportOptions {
        format,
        columns,
        delimiter: parse_delimiter(&args.delimiter).map_err(bad)?,
        time,
        on_outside: match args.on_outside {
            OutsideChoice::Error => OnOutside::Error,
            OutsideChoice::Skip => OnOutside::Skip,
        },
    })
}

fn input_error(context: &str, e: FedError) -> CliError {
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

/// Open `--payments` (and `--results`) and load the first business day, or `None`.
pub fn open(args: &RunArgs, sim: &mut Simulation) -> Result<Option<Fed>, CliError> {
    let Some(path) = &args.payments else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let opts = options(args, &name)?;
    let file = File::open(path).map_err(|e| CliError::read(path, &e))?;
    let reader: Box<dyn Read> = Box::new(file);
    let feed = PaymentFeed::open(reader, &name, opts)
        .map_err(|e| input_error("invalid payments file", FedError::Input(e)))?;
    let results = match &args.results {
        Some(r) => {
            let f = File::create(r).map_err(|e| CliError::write(r, &e))?;
            let format = ResultsFormat::from_path(&r.display().to_string());
            Some(ResultsWriter::new(
                BufWriter::with_capacity(1 << 16, f),
                format,
            ))
        }
        None => None,
    };
    let importer =
        Importer::start(sim, feed, results).map_err(|e| input_error("invalid payments file", e))?;
    Ok(Some(Fed {
        importer,
        file: path.clone(),
        results: args.results.clone(),
    }))
}

impl Fed {
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

    /// Finish: check the rest of the file, write the unsettled; the notes for the summary.
    pub fn finish(self, sim: &mut Simulation) -> Result<Vec<String>, CliError> {
        let done = self
            .importer
            .finish(sim)
            .map_err(|e| input_error("invalid payments file", e))?;
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
