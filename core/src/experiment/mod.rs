//! Experiments (`docs/experiments.md`): a base scenario and axes — any value of the document
//! by path (set or scaled), balances on the liquidity bounds, sets of scheduled actions,
//! seeds — expanded into points in a fixed order, every point checked before any runs, and
//! one record per run. The CLI runs the points over threads here ([`run`]); Python ships
//! single points to any executor through the C ABI ([`Plan::run_point`]); both get the same
//! records because both come here.
//!
//! | module       | holds                                                             |
//! |--------------|-------------------------------------------------------------------|
//! | `definition` | the experiment document as written                                |
//! | `path`       | paths into a document (`agents[*].balance`, `agents[BANK_A]`)      |
//! | `axes`       | the axes checked against the base; one point's document            |
//! | `record`     | the record of a run (system row, participant rows)                 |
//!
//! Memory: the base document once, and per running point one simulation; never a document
//! per point (a point is its index; its document is made when it runs).

mod axes;
mod definition;
mod path;
mod payments;
mod record;
mod summary;
#[cfg(test)]
mod tests;

pub use definition::{AxisSpec, Design, EventSet, Experiment, Seeds};
pub use payments::PaymentFile;
pub use record::{Labels, Num, ParticipantRow, Point, Row, RunRecord};
pub use summary::{summarize, SummaryRow, SUMMARY_COLUMNS};

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::error::{Problem, SimError};
use crate::stress::parallel;
use axes::Axis;

/// The most points an experiment may have without `allow_large` (`--yes`,
/// `allow_large=True`): a typo in a grid (a seed count of 10^6) should not start a day's work.
pub const POINT_LIMIT: usize = 10_000;

/// The most points any experiment may have, `allow_large` or not: the seeds of one are held
/// as a list (8 bytes each), and a point's record takes a few hundred bytes.
pub const MAX_POINTS: usize = 100_000_000;

/// An experiment ready to run: the base document and the checked axes (seeds last).
#[derive(Debug, Clone)]
pub struct Plan {
    base: Value,
    axes: Vec<Axis>,
    zip: bool,
    count: usize,
    /// The file every point replays (the top-level `payments`).
    payments: Option<PaymentFile>,
}

/// How far a sweep is: points finished out of all.
pub use crate::stress::Progress;

impl Plan {
    /// Check the experiment's axes against its base and count its points; the points
    /// themselves are checked by [`Plan::validate`]. `base_text` is the base scenario's text
    /// when the experiment's `scenario` is a path (read by the front end); `allow_large`
    /// lifts [`POINT_LIMIT`] as the document's `allow_large` does.
    ///
    /// Errors: [`SimError::InvalidConfig`] with paths in the experiment (`axes[1].path`,
    /// `seeds`, `scenario`), all problems at once.
    pub fn new(
        exp: &Experiment,
        base_text: Option<&str>,
        allow_large: bool,
    ) -> Result<Self, SimError> {
        let base = base_document(exp, base_text)?;
        let mut p = Vec::new();
        let mut axes = Vec::new();
        for (k, spec) in exp.axes.iter().enumerate() {
            axes.extend(axes::axis(k, spec, &base, &mut p));
        }
        payments::check_top(exp, &mut p);
        let fed = axes.iter().filter(|a| a.kind == axes::Kind::Payments);
        if fed.count() + usize::from(exp.payments.is_some()) > 1 {
            p.push(Problem::new(
                "payments",
                "payments: a point replays one payment file (give either the top-level payments or one payments axis)",
            ));
        }
        let mut names = BTreeSet::new();
        for a in &axes {
            if !names.insert(a.name.clone()) || a.name == "seed" && exp.seeds.is_some() {
                p.push(
                    Problem::new(
                        format!("{}.name", a.at),
                        format!(
                            "{}.name: two axes are called {:?} (give one a `name`)",
                            a.at, a.name
                        ),
                    )
                    .with_value(a.name.as_str()),
                );
            }
        }
        let zip = exp.design == Design::Zip;
        let lens: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
        if zip && lens.windows(2).any(|w| w[0] != w[1]) {
            let l: Vec<String> = lens.iter().map(usize::to_string).collect();
            p.push(Problem::new(
                "design",
                format!(
                    "design: zip needs axes of equal lengths (got {})",
                    l.join(", ")
                ),
            ));
        }
        let seed_count = match &exp.seeds {
            Some(Seeds::Range { count, .. }) => *count as u128,
            Some(Seeds::List(v)) => v.len() as u128,
            None => 1,
        };
        let combos: u128 = if zip {
            lens.first().copied().unwrap_or(1) as u128
        } else {
            lens.iter().map(|&n| n as u128).product()
        };
        let count = combos.saturating_mul(seed_count);
        if count > MAX_POINTS as u128 {
            p.push(Problem::new("", format!("the experiment has {count} points, more than the {MAX_POINTS} any experiment may have")).with_value(count.min(u64::MAX as u128) as u64));
        } else if count > POINT_LIMIT as u128 && !(allow_large || exp.allow_large) {
            p.push(Problem::new("", format!("the experiment has {count} points, more than the {POINT_LIMIT} allowed without allow_large (--yes, allow_large=True)")).with_value(count.min(u64::MAX as u128) as u64));
        }
        if p.is_empty() {
            axes.extend(axes::seeds(exp, &base, &mut p));
        }
        if !p.is_empty() {
            return Err(SimError::InvalidConfig(p));
        }
        Ok(Plan {
            base,
            axes,
            zip,
            count: count as usize,
            payments: exp.payments.clone(),
        })
    }

    /// [`Plan::new`] from texts (YAML or JSON).
    pub fn from_text(
        experiment: &str,
        base_text: Option<&str>,
        allow_large: bool,
    ) -> Result<Self, SimError> {
        Plan::new(&Experiment::from_text(experiment)?, base_text, allow_large)
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none (never, for a plan that was made).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The axis names, in order (`seed` last when there are seeds): the columns of a point.
    pub fn axis_names(&self) -> Vec<String> {
        self.axes.iter().map(|a| a.name.clone()).collect()
    }

    /// The number of seeds (1 without a `seeds` axis): consecutive points differ by seed.
    pub fn seed_count(&self) -> usize {
        (self.axes.last())
            .filter(|a| a.kind == axes::Kind::Seed)
            .map_or(1, |a| a.values.len())
    }

    /// Whether the experiment has a seed axis (the last).
    pub fn has_seeds(&self) -> bool {
        self.axes.last().is_some_and(|a| a.kind == axes::Kind::Seed)
    }

    /// Which value of each axis point `i` takes (the first axis outermost, seeds innermost).
    fn choice(&self, mut i: usize) -> Vec<usize> {
        let mut out = vec![0; self.axes.len()];
        let seeded = self.axes.last().is_some_and(|a| a.kind == axes::Kind::Seed);
        if seeded {
            let n = self.axes[self.axes.len() - 1].values.len();
            out[self.axes.len() - 1] = i % n;
            i /= n;
        }
        let plain = self.axes.len() - usize::from(seeded);
        if self.zip {
            out[..plain].fill(i);
        } else {
            for k in (0..plain).rev() {
                let n = self.axes[k].values.len();
                out[k] = i % n;
                i /= n;
            }
        }
        out
    }

    /// Point `i` (`i < len()`).
    pub fn point(&self, i: usize) -> Point {
        let choice = self.choice(i);
        Point {
            index: i,
            values: Labels(
                self.axes
                    .iter()
                    .zip(&choice)
                    .map(|(a, &j)| (a.name.clone(), a.labels[j].clone()))
                    .collect(),
            ),
        }
    }

    /// Every point, in order.
    pub fn points(&self) -> Vec<Point> {
        (0..self.count).map(|i| self.point(i)).collect()
    }

    /// The document of point `i` as JSON text, and where each axis acted in it.
    fn document(
        &self,
        i: usize,
        with_seed: bool,
    ) -> Result<(String, Vec<Vec<String>>), Vec<Problem>> {
        let mut doc = self.base.clone();
        let mut touched = vec![Vec::new(); self.axes.len()];
        let mut p = Vec::new();
        for (k, (a, j)) in self.axes.iter().zip(self.choice(i)).enumerate() {
            if a.kind == axes::Kind::Seed && !with_seed {
                continue;
            }
            if let Err(e) = axes::put(a, j, &mut doc, &mut touched[k]) {
                p.push(self.blame(k, j, &e));
            }
        }
        if !p.is_empty() {
            return Err(p);
        }
        let text = serde_json::to_string(&doc)
            .map_err(|e| vec![Problem::new("scenario", format!("scenario: {e}"))])?;
        Ok((text, touched))
    }

    /// A problem of value `j` of axis `k`, naming both.
    fn blame(&self, k: usize, j: usize, message: &str) -> Problem {
        let a = &self.axes[k];
        let label = &a.labels[j];
        Problem::new(
            a.at.clone(),
            format!("{} ({}) = {label}: {message}", a.at, a.name),
        )
        .with_value(label.clone())
    }

    /// The problems of the document of point `i`, each traced to the axis whose value it is
    /// about (else to the base, `scenario.…`).
    fn check_point(&self, i: usize, with_seed: bool) -> Vec<Problem> {
        let (text, touched) = match self.document(i, with_seed) {
            Ok(d) => d,
            Err(p) => return p,
        };
        let problems = match crate::document::checked(&text) {
            Ok(_) => return Vec::new(),
            Err(e) => e.problems(),
        };
        let choice = self.choice(i);
        (problems.into_iter())
            .map(|q| {
                let k = (0..self.axes.len())
                    .rev()
                    .find(|&k| touched[k].iter().any(|t| axes::about(&q.path, t)));
                match k {
                    Some(k) => self.blame(k, choice[k], without_position(&q.message)),
                    None => q.under("scenario"),
                }
            })
            .collect()
    }

    /// Check every point's document (the seed cannot make one invalid, so each combination
    /// of the other axes is checked once); all problems at once, each once.
    ///
    /// Errors: [`SimError::InvalidConfig`] naming the axis and value (`axes[0] (lsm.algorithm)
    /// = "fast": …`) or the base (`scenario.agents[1].balance`). Rules only the bounds' first
    /// pass can judge are judged when the point runs (its record is then `failed`).
    pub fn validate(&self) -> Result<(), SimError> {
        let seeds = self.seed_count();
        let mut seen = BTreeSet::new();
        let mut p = Vec::new();
        for c in 0..self.count / seeds {
            for q in self.check_point(c * seeds, false) {
                if seen.insert((q.path.clone(), q.message.clone())) {
                    p.push(q);
                }
            }
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(SimError::InvalidConfig(p))
        }
    }

    /// Run point `i` and record it; a point that cannot run (its document breaks a rule, the
    /// bounds' first pass fails) gives a `failed` record with the reason.
    pub fn run_point(&self, i: usize) -> RunRecord {
        let point = self.point(i);
        let config = self
            .document(i, true)
            .map_err(SimError::InvalidConfig)
            .and_then(|(text, _)| crate::document::parse_document(&text));
        let choice = self.choice(i);
        let file = (self.axes.iter().zip(&choice))
            .find(|(a, _)| a.kind == axes::Kind::Payments)
            .map(|(a, &j)| &a.files[j])
            .or(self.payments.as_ref());
        match config.and_then(|(c, _)| record::run(c, point.clone(), file)) {
            Ok(r) => r,
            Err(e) => RunRecord::failed(point, &e),
        }
    }
}

/// A message without the " at line L column C" of the point's document (text the user
/// never saw: the position says nothing to them).
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i)
            if message[i + 9..]
                .split(" column ")
                .all(|n| n.parse::<u64>().is_ok()) =>
        {
            &message[..i]
        }
        _ => message,
    }
}

/// The base document: the experiment's `scenario` mapping, or the text read by the front end
/// for a path.
fn base_document(exp: &Experiment, base_text: Option<&str>) -> Result<Value, SimError> {
    match (&exp.scenario, base_text) {
        (Value::Object(_), None) => Ok(exp.scenario.clone()),
        (_, Some(text)) => {
            let v: Value = if text.trim_start().starts_with('{') {
                crate::error::parse_json_at(text, "base scenario", SimError::config)?
            } else {
                crate::document::read_yaml(text)?
            };
            if v.is_object() {
                Ok(v)
            } else {
                Err(SimError::config(Problem::new("scenario", crate::document::NEITHER_FORMAT)))
            }
        }
        (Value::String(path), None) => Err(SimError::config(Problem::new("scenario", format!("scenario: the file {path:?} must be read by the front end and passed as the base text (the core reads no files)")).with_value(path.as_str()))),
        (other, None) => Err(SimError::config(Problem::new("scenario", format!("scenario must be a scenario mapping or a file path (got {other})")))),
    }
}

/// Expand and check `plan`, then run every point on `threads` threads (`None`: the
/// machine's), records in point order whatever the threads; `progress` on the calling
/// thread as points finish. A point that fails is recorded as failed; the others run.
pub fn run(
    plan: &Plan,
    threads: Option<usize>,
    progress: Option<&dyn Fn(Progress)>,
) -> Result<Vec<RunRecord>, SimError> {
    if threads == Some(0) {
        return Err(SimError::InvalidArgument(
            Problem::new("threads", "threads must be at least 1 (got 0)").with_value(0),
        ));
    }
    plan.validate()?;
    let threads = threads.unwrap_or_else(crate::stress::default_threads);
    let total = plan.len();
    let shared = Arc::new(plan.clone());
    let job: parallel::Job<RunRecord, std::convert::Infallible> =
        Arc::new(move |i| Ok(shared.run_point(i)));
    let done = |n: usize| {
        if let Some(p) = progress {
            p(Progress { done: n, total });
        }
    };
    match parallel::run_jobs(total, threads, job, done) {
        Ok(records) => Ok(records),
        Err(never) => match never {},
    }
}

/// The experiment as one JSON document with its base inline (`psim_experiment_resolve_json`):
/// what a host ships to its workers, so that each reads JSON, not the base's YAML, per point.
pub fn resolve_json(exp: &Experiment, base_text: Option<&str>) -> Result<String, SimError> {
    let mut resolved = exp.clone();
    resolved.scenario = base_document(exp, base_text)?;
    Ok(serde_json::to_string(&resolved).expect("an experiment serializes"))
}

/// The expansion's document (`psim_experiment_expand_json`): the axis names, the number of
/// points and every point, after every point is checked.
pub fn expand_json(plan: &Plan) -> Result<String, SimError> {
    plan.validate()?;
    #[derive(serde::Serialize)]
    struct Expansion {
        axes: Vec<String>,
        count: usize,
        points: Vec<Point>,
    }
    let e = Expansion {
        axes: plan.axis_names(),
        count: plan.len(),
        points: plan.points(),
    };
    Ok(serde_json::to_string(&e).expect("points serialize"))
}
