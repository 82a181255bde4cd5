//! `validate`: every problem of every file, each with its field path, on stderr; with
//! `--format json`, each file's verdict with its problems as `{path, message, value}`.

use serde::Serialize;

use payment_sim_core::{DocumentKind, Problem, Simulation};

use super::horizon_words;
use crate::error::{io_message, CliError, CliResult, EXIT_INPUT};
use crate::files::{emit, json};
use crate::format::count;
use crate::{Output, ValidateArgs};

/// One file's verdict (`--format json` prints a list of these).
#[derive(Serialize)]
struct Verdict {
    file: String,
    valid: bool,
    /// `scenario` or `machine` (null when unreadable).
    kind: Option<&'static str>,
    agents: Option<usize>,
    ticks_per_day: Option<i64>,
    num_days: Option<i64>,
    horizon: Option<u64>,
    seed: Option<u64>,
    /// Every problem with the path of its field in the file ("" = the whole file).
    problems: Vec<Problem>,
}

/// `payment-sim validate SCENARIO...`.
pub fn validate(args: ValidateArgs, out: Output) -> CliResult {
    let mut verdicts = Vec::new();
    let mut text = String::new();
    let mut invalid = 0;
    for path in &args.scenarios {
        let file = path.display().to_string();
        let mut v = Verdict {
            file: file.clone(),
            valid: false,
            kind: None,
            agents: None,
            ticks_per_day: None,
            num_days: None,
            horizon: None,
            seed: None,
            problems: Vec::new(),
        };
        match crate::files::read_string(path) {
            Err(e) => v.problems.push(Problem::whole(format!(
                "cannot read the file: {}",
                io_message(&e)
            ))),
            Ok(source) => match crate::files::parse_scenario(path, &source) {
                Err(e) => v.problems = e.problems(),
                Ok((config, kind)) => {
                    v.kind = Some(match kind {
                        DocumentKind::Scenario => "scenario",
                        DocumentKind::Machine => "machine",
                    });
                    v.agents = Some(config.agent_configs.len());
                    v.ticks_per_day = Some(config.ticks_per_day);
                    v.num_days = Some(config.num_days);
                    v.horizon = Some(config.horizon());
                    v.seed = Some(config.rng_seed);
                    // Building the simulation checks what only construction can.
                    if let Err(e) = Simulation::new(config) {
                        v.problems = e.problems();
                    }
                }
            },
        }
        v.valid = v.problems.is_empty();
        if v.valid {
            text.push_str(&format!(
                "ok: {file}: {} format, {} agents, {} ticks ({}), seed {}\n",
                v.kind.unwrap_or_default(),
                count(v.agents.unwrap_or_default() as u64),
                count(v.horizon.unwrap_or_default()),
                horizon_words(
                    v.num_days.unwrap_or_default(),
                    v.ticks_per_day.unwrap_or_default()
                ),
                v.seed.unwrap_or_default(),
            ));
        } else {
            invalid += 1;
            let n = v.problems.len();
            eprint!(
                "{}",
                CliError::input(format!(
                    "{file}: {n} problem{}",
                    if n == 1 { "" } else { "s" }
                ))
                .with_details(v.problems.iter().map(|p| p.message.clone()).collect())
                .render()
            );
        }
        verdicts.push(v);
    }
    if out.json() {
        emit(&json(&verdicts))?;
    } else {
        emit(&text)?;
    }
    if invalid > 0 {
        let n = args.scenarios.len();
        // One file: its problems said it all; several: a closing count.
        let message = if n == 1 {
            String::new()
        } else {
            format!("{invalid} of {n} files are invalid")
        };
        return Err(CliError {
            code: EXIT_INPUT,
            message,
            details: Vec::new(),
        });
    }
    Ok(())
}
