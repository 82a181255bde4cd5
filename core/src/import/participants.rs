//! Participants from the data (`docs/model.md` § Payment files, *Participants from the data*):
//! agents that the scenario does not list, added to its configuration before the simulation
//! is built — from a participants file (`id`, optional `balance`, `credit`), and, when asked,
//! every sender or receiver the payments file names — with an opening balance in cents, or
//! from a rule on each one's liquidity bounds (the rules of scenario balances).
//!
//! The agents must exist before the first tick (every per-agent structure is sized once), so
//! finding them costs a *pre-pass* over the payments file: one streamed read of the sender
//! and receiver columns, memory the set of names. A rule needs the bounds, which follow the
//! release order of a run: a *first pass* — the whole fed run with unconstrained liquidity
//! (`indicators::bounds`), streamed like any fed run — then the balances are set and the real
//! run reads the file again. So the file is read two or three times, never held.

use std::collections::HashSet;
use std::io::Read;

use super::drive::{FedError, Importer};
use super::feed::PaymentFeed;
use super::options::ImportOptions;
use super::problems::{ImportError, Problems};
use super::rows::{Role, Rows};
use super::validate::text;
use crate::config::{AgentConfig, PolicyConfig, SimulationConfig};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};
use crate::indicators::bounds::{self, BalanceRule};

/// The opening balance of a created participant: cents, or a rule on its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NewBalance {
    /// Cents.
    Cents(i64),
    /// From its whole-run liquidity bounds (a first pass over the file).
    Rule(BalanceRule),
}

impl Default for NewBalance {
    fn default() -> Self {
        NewBalance::Cents(0)
    }
}

impl NewBalance {
    /// `CENTS`, or `times_upper_bound:X`, `times_lower_bound:X`, `between_bounds:A` (the
    /// scenario's balance rules).
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let t = text.trim();
        if let Ok(cents) = t.parse::<i64>() {
            return Ok(NewBalance::Cents(cents));
        }
        let bad = || {
            Problem::new(
                "participant_balance",
                format!(
                    "the participants' balance must be cents or one of times_upper_bound:X, times_lower_bound:X, between_bounds:A (got {t:?})"
                ),
            )
        };
        let (key, value) = t.split_once(':').ok_or_else(bad)?;
        let v: f64 = value.trim().parse().map_err(|_| bad())?;
        let rule = match key.trim() {
            "times_upper_bound" => BalanceRule::TimesUpperBound(v),
            "times_lower_bound" => BalanceRule::TimesLowerBound(v),
            "between_bounds" => BalanceRule::BetweenBounds(v),
            _ => return Err(bad()),
        };
        match bounds::check_rule(rule, "participant_balance") {
            Some(p) => Err(p),
            None => Ok(NewBalance::Rule(rule)),
        }
    }
}

/// Which participants to create, and with what.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewParticipants {
    /// Create every sender and receiver of the payments file that is not an agent yet.
    pub from_payments: bool,
    /// The opening balance of a created participant the participants file gives none.
    pub balance: NewBalance,
    /// The credit line of a created participant the participants file gives none (≥ 0).
    pub credit: i64,
}

/// One row of a participants file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The participant's id.
    pub id: String,
    /// Its line in the file.
    pub line: u64,
    /// Opening balance in cents (`None`: the default or rule).
    pub balance: Option<i64>,
    /// Credit line in cents (`None`: the default).
    pub credit: Option<i64>,
}

/// The participants file's columns.
const COLUMNS: [&str; 3] = ["id", "balance", "credit"];

/// Read a participants file: CSV with a header, columns `id` (required), `balance`,
/// `credit` (optional; an empty cell takes the default). Every problem names its line.
pub fn read_participants<R: Read>(
    reader: R,
    file: &str,
    delimiter: u8,
) -> Result<Vec<Listed>, ImportError> {
    let mut p = Problems::new(file);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(reader);
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            p.csv_error(&e, 1);
            return p.into_result().map(|_| Vec::new());
        }
    };
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| header.iter().position(|h| h.trim() == *c))
        .collect();
    for h in header.iter() {
        if !COLUMNS.contains(&h.trim()) {
            p.at(
                1,
                h,
                format!("unknown column {h:?} (a participants file has id, balance, credit)"),
            );
        }
    }
    if at[0].is_none() {
        p.at(1, "id", "the header has no \"id\" column".into());
    }
    p.take()?;
    let mut listed: Vec<Listed> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                p.csv_error(&e, line);
                if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(line, |pos| pos.line());
        let cell = |k: usize| at[k].map(|i| record[i].trim()).filter(|s| !s.is_empty());
        let cents = |k: usize, p: &mut Problems| {
            let v = cell(k)?;
            match v.parse::<i64>() {
                Ok(c) if k == 2 && c < 0 => {
                    p.at(
                        line,
                        COLUMNS[k],
                        format!("the credit line must be ≥ 0 (got {c})"),
                    );
                    None
                }
                Ok(c) => Some(c),
                Err(_) => {
                    p.at(
                        line,
                        COLUMNS[k],
                        format!("{v:?} is not a whole number of cents"),
                    );
                    None
                }
            }
        };
        let (balance, credit) = (cents(1, &mut p), cents(2, &mut p));
        let Some(id) = cell(0) else {
            p.at(line, "id", "is empty (a value is required)".into());
            continue;
        };
        if !seen.insert(id.to_string()) {
            p.at(line, "id", format!("participant {id:?} is listed twice"));
            continue;
        }
        listed.push(Listed {
            id: id.to_string(),
            line,
            balance,
            credit,
        });
    }
    p.into_result()?;
    Ok(listed)
}

/// What [`add_participants`] added to the configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// From the participants file.
    pub listed: usize,
    /// Found in the payments file.
    pub found: usize,
    /// Whose balance came from a rule (a first pass over the file was run).
    pub from_bounds: usize,
}

/// Add the participants of `listed` (read from `participants_file`) and, with
/// `new.from_payments`, every other sender and receiver of the payments file to `config`,
/// after its agents, in that order (the file's order of first appearance): policy `Fifo`, no
/// arrivals. `open` opens the payments file anew (a pre-pass and, for a rule, a first pass).
/// On an error `config` is unchanged.
pub fn add_participants<R: Read>(
    config: &mut SimulationConfig,
    listed: &[Listed],
    participants_file: &str,
    new: &NewParticipants,
    open: &mut dyn FnMut() -> std::io::Result<R>,
    file: &str,
    import: &ImportOptions,
) -> Result<Added, FedError> {
    if new.credit < 0 {
        return Err(SimError::config(Problem::new(
            "participant_credit",
            format!(
                "the participants' credit line must be ≥ 0 (got {})",
                new.credit
            ),
        ))
        .into());
    }
    let mut known: HashSet<String> = config.agent_configs.iter().map(|a| a.id.clone()).collect();
    let mut p = Problems::new(participants_file);
    for l in listed {
        if known.contains(&l.id) {
            p.at(
                l.line,
                "id",
                format!("{:?} is an agent of the scenario already", l.id),
            );
        }
    }
    p.into_result()?;
    known.extend(listed.iter().map(|l| l.id.clone()));
    let found = if new.from_payments {
        scan(reopen(open, file)?, file, import, &known)?
    } else {
        Vec::new()
    };
    let mut out = config.clone();
    let mut rules = Vec::new();
    let entries = listed
        .iter()
        .map(|l| (&l.id, l.balance, l.credit))
        .chain(found.iter().map(|id| (id, None, None)));
    for (id, balance, credit) in entries {
        let opening_balance = match (balance, new.balance) {
            (Some(c), _) | (None, NewBalance::Cents(c)) => c,
            (None, NewBalance::Rule(rule)) => {
                rules.push((out.agent_configs.len(), rule));
                0
            }
        };
        out.agent_configs.push(AgentConfig {
            id: id.clone(),
            opening_balance,
            credit_limit: credit.unwrap_or(new.credit),
            policy: PolicyConfig::Fifo { split: None },
            arrival_config: None,
        });
    }
    out.validate()?;
    if !rules.is_empty() {
        let pass = bounds::unconstrained(&out);
        let mut sim = Simulation::new(pass)?;
        let feed = PaymentFeed::open(reopen(open, file)?, file, import.clone())?;
        let mut importer = Importer::<R, std::io::Sink>::start(&mut sim, feed, None)?;
        importer.run(&mut sim, u64::MAX)?;
        importer.finish(&mut sim)?;
        let b = bounds::bounds_of_first_pass(&sim)?;
        bounds::set_balances(&mut out, &rules, &b, "agents")?;
        out.validate()?;
    }
    *config = out;
    Ok(Added {
        listed: listed.len(),
        found: found.len(),
        from_bounds: rules.len(),
    })
}

fn reopen<R>(open: &mut dyn FnMut() -> std::io::Result<R>, file: &str) -> Result<R, FedError> {
    open().map_err(|e| {
        FedError::Input(ImportError {
            problems: vec![Problem::new(file, format!("{file}: cannot be read: {e}"))],
            total: 1,
        })
    })
}

/// The pre-pass: every sender and receiver not in `known`, in order of first appearance.
/// Rows that are bad in other ways count too; the feed reports them when it reads them.
fn scan<R: Read>(
    reader: R,
    file: &str,
    import: &ImportOptions,
    known: &HashSet<String>,
) -> Result<Vec<String>, ImportError> {
    let mut p = Problems::new(file);
    let rows = Rows::open(reader, import, &mut p);
    p.take()?;
    let mut rows = rows.expect("no problem, so a reader");
    let mut seen: HashSet<String> = HashSet::new();
    let mut found = Vec::new();
    // Problems of rows are the feed's to report, with the run's context.
    let mut ignored = Problems::new(file);
    loop {
        match rows.next_row(&mut ignored) {
            Ok(Some(row)) => {
                for role in [Role::Sender, Role::Receiver] {
                    let Some(name) = row.cells[role as usize].as_ref().and_then(text) else {
                        continue;
                    };
                    if !name.is_empty()
                        && !known.contains(name.as_ref())
                        && !seen.contains(name.as_ref())
                    {
                        seen.insert(name.to_string());
                        found.push(name.into_owned());
                    }
                }
            }
            Ok(None) | Err(false) => break,
            Err(true) => {}
        }
    }
    Ok(found)
}
