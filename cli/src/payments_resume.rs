//! `tick` on the state file of a suspended fed run (`run --payments F --save-state S` before
//! the horizon): the core resumes the run where it stopped (after checking the payments
//! file's digest), the ticks run feeding the file, results and rejects are appended to the
//! files the run wrote, and the run is suspended again — or finished at the horizon. An
//! error leaves the state file as it was and cuts the appended files back.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;

use payment_sim_core::import::{Importer, OutputFile};
use payment_sim_core::{RunSummary, Simulation};

use crate::error::CliError;
use crate::format::count;
use crate::payments_in::input_error;

/// An output file opened to append, and its length before (to cut it back on an error).
struct Appended {
    path: String,
    len: u64,
}

fn append(f: &OutputFile) -> Result<(File, Appended), CliError> {
    let path = Path::new(&f.path);
    let file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| CliError::read(path, &e))?;
    let len = file.metadata().map_err(|e| CliError::read(path, &e))?.len();
    Ok((
        file,
        Appended {
            path: f.path.clone(),
            len,
        },
    ))
}

/// Run `ticks` ticks of the fed run `sim` holds; the summary and the notes.
pub fn tick(sim: &mut Simulation, ticks: u64) -> Result<(RunSummary, Vec<String>), CliError> {
    let fed = sim.fed_state().expect("a fed run").clone();
    let mut opened = Vec::new();
    let result = run(sim, ticks, &fed, &mut opened);
    if result.is_err() {
        // Nothing of this tick is kept: the files go back to what the state file says.
        for a in opened {
            if let Ok(f) = OpenOptions::new().write(true).open(&a.path) {
                let _ = f.set_len(a.len);
            }
        }
    }
    result
}

fn run(
    sim: &mut Simulation,
    ticks: u64,
    fed: &payment_sim_core::import::FedState,
    opened: &mut Vec<Appended>,
) -> Result<(RunSummary, Vec<String>), CliError> {
    let path = Path::new(&fed.path);
    let file = File::open(path).map_err(|e| {
        CliError::read(path, &e).with_details(vec![
            "the state file continues a run fed from this payments file".into(),
        ])
    })?;
    let results = match &fed.results {
        Some(f) => {
            let (file, a) = append(f)?;
            opened.push(a);
            Some(BufWriter::with_capacity(1 << 16, file))
        }
        None => None,
    };
    let rejects: Option<Box<dyn Write>> = match &fed.rejects {
        Some(f) => {
            let (file, a) = append(f)?;
            opened.push(a);
            Some(Box::new(BufWriter::with_capacity(1 << 16, file)))
        }
        None => None,
    };
    let mut importer = Importer::resume(sim, file, results, rejects)
        .map_err(|e| input_error("cannot go on with the payments file", e))?;
    let summary = importer.run_ticks(sim, ticks).map_err(|e| {
        input_error(
            &format!(
                "the payments file stopped the run at tick {} (nothing of this tick was kept)",
                sim.current_tick()
            ),
            e,
        )
    })?;
    let mut notes = Vec::new();
    if sim.is_finished() {
        let done = importer
            .finish(sim)
            .map_err(|e| input_error("invalid payments file", e))?;
        notes.push(format!(
            "payments: {} rows read from {}, {} scheduled; the run reached its horizon",
            count(done.stats.rows),
            fed.path,
            count(done.stats.payments)
        ));
        if let (Some(f), Some(n)) = (&fed.results, done.results_written) {
            notes.push(format!(
                "results: {} payments written to {}",
                count(n),
                f.path
            ));
        }
    } else {
        importer
            .suspend(sim, fed.source())
            .map_err(|e| input_error("cannot suspend the payments file's run", e))?;
    }
    Ok((summary, notes))
}
