//! The automated stress tester (`docs/model.md` § Stress testing): a benchmark scenario and
//! a stress definition give one benchmark run and one variant per stressed participant per
//! stress scenario — the benchmark configuration with one more scheduled action, so the same
//! seed draws the same arrivals — run in parallel, each compared with the benchmark as it
//! runs, and a report with the ranking of participants by the damage their stress causes.
//!
//! | module       | holds                                                                |
//! |--------------|----------------------------------------------------------------------|
//! | `definition` | the stress definition as written                                     |
//! | `expand`     | its rules against the configuration, participants, the added actions |
//! | `probe`      | per-sender settlement delays and drops, counted during a run          |
//! | `observe`    | driving one run; the benchmark's balance path; on-the-fly comparison  |
//! | `parallel`   | independent runs over threads, results in order                       |
//! | `report`     | the report and the ranking                                            |
//!
//! Memory: the benchmark's balance path (participants × ticks integers) and, per running
//! variant, one simulation and a few numbers per participant; never variants × ticks.

mod definition;
mod expand;
mod observe;
pub(crate) mod parallel;
mod probe;
mod report;

pub use definition::{Participants, StressDefinition, StressScenario, StressType};
pub(crate) use probe::Probe;
pub use report::{
    Outcome, ParticipantChange, ParticipantFigures, RankEntry, Ranking, StressReport,
    SystemFigures, Variant,
};

use std::sync::Arc;

use crate::config::SimulationConfig;
use crate::error::{Problem, SimError};
use expand::VariantSpec;

/// How far a stress run is: runs finished out of all runs (the benchmark and every variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs finished.
    pub done: usize,
    /// Runs in all.
    pub total: usize,
}

/// The threads a stress run uses when not told: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Run the benchmark `config` and every variant of `def`, on `threads` threads (`None`: as
/// many as the machine has; the report is the same for every number). `progress` is called
/// on the calling thread as runs finish (the benchmark first, the last call with every run
/// done); the calling thread runs nothing itself when there are worker threads.
///
/// Errors: [`SimError::InvalidConfig`] with paths `scenarios[j].…` for a definition that
/// breaks a rule (nothing is run); `threads` = 0 is [`SimError::InvalidArgument`]; an error
/// of a run (a counter limit) is returned as it is.
pub fn stress(
    config: &SimulationConfig,
    def: &StressDefinition,
    threads: Option<usize>,
    progress: Option<&dyn Fn(Progress)>,
) -> Result<StressReport, SimError> {
    if threads == Some(0) {
        return Err(SimError::InvalidArgument(
            Problem::new("threads", "threads must be at least 1 (got 0)").with_value(0),
        ));
    }
    config.validate()?;
    expand::check(def, config)?;
    let threads = threads.unwrap_or_else(default_threads);
    let ids: Vec<String> = config.agent_configs.iter().map(|a| a.id.clone()).collect();

    let (bench, path) = observe::benchmark(config.clone())?;
    let specs = Arc::new(variants(def, config, &ids, &bench, &path));
    let total = specs.len() + 1;
    let report = |done: usize| {
        if let Some(p) = progress {
            p(Progress { done, total });
        }
    };
    report(1);
    let (shared, path) = (Arc::new(config.clone()), Arc::new(path));
    let job: parallel::Job<_, SimError> = {
        let specs = specs.clone();
        Arc::new(move |k: usize| {
            let mut variant = (*shared).clone();
            variant.scenario_events.extend(specs[k].event.clone());
            observe::variant(variant, &path)
        })
    };
    let runs = parallel::run_jobs(specs.len(), threads, job, |n| report(n + 1))?;
    let specs = Arc::try_unwrap(specs).unwrap_or_else(|s| (*s).clone());

    let bench_system = bench.system();
    let variants: Vec<Variant> = specs
        .into_iter()
        .zip(runs)
        .map(|(spec, (figures, extremes))| {
            let participants = report::participant_changes(&ids, &figures, &bench, &extremes);
            let s = &def.scenarios[spec.scenario];
            Variant {
                scenario: spec.scenario,
                kind: s.kind.name(),
                participant: ids[spec.participant as usize].clone(),
                event: spec.event,
                damage: report::damage(&participants, spec.participant as usize),
                system: report::system_change(&figures.system(), &bench_system),
                participants,
            }
        })
        .collect();
    let kinds: Vec<StressType> = def.scenarios.iter().map(|s| s.kind).collect();
    Ok(StressReport {
        horizon: config.horizon(),
        ticks_per_day: config.ticks_per_day as u64,
        benchmark: bench.outcome(&ids),
        rankings: report::rankings(&variants, &kinds),
        variants,
    })
}

/// Every variant of `def`, scenario by scenario, participants in selection order.
fn variants(
    def: &StressDefinition,
    config: &SimulationConfig,
    ids: &[String],
    bench: &observe::Figures,
    path: &observe::BalancePath,
) -> Vec<VariantSpec> {
    let mut out = Vec::new();
    for (j, s) in def.scenarios.iter().enumerate() {
        for a in expand::select(s, ids, &bench.settled_value) {
            let i = a as usize;
            let id = &ids[i];
            let event = match s.kind {
                StressType::Outage => Some(expand::event(s, id, 0)),
                StressType::LiquidityWithdrawal => {
                    let tick = s.tick.unwrap_or(0);
                    // The balance at the start of `tick`: the variant is the benchmark until then.
                    let balance = if tick == 0 {
                        config.agent_configs[i].opening_balance
                    } else {
                        path.at(tick - 1)[i]
                    };
                    let amount = expand::withdrawal(balance, s.percent.unwrap_or(0.0));
                    (amount > 0).then(|| expand::event(s, id, amount))
                }
            };
            out.push(VariantSpec {
                scenario: j,
                participant: a,
                event,
            });
        }
    }
    out
}

impl StressReport {
    /// The report as JSON (keys in declaration order, floats round-trip).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the report serializes")
    }
}

/// [`stress`] from texts: the configuration (any shape, YAML or JSON, as
/// [`crate::parse_document`] reads it) and the stress definition (YAML or JSON).
pub fn stress_text(
    config: &str,
    definition: &str,
    threads: Option<usize>,
    progress: Option<&dyn Fn(Progress)>,
) -> Result<StressReport, SimError> {
    let (config, _) = crate::document::parse_document(config)?;
    let def = StressDefinition::from_text(definition)?;
    stress(&config, &def, threads, progress)
}
