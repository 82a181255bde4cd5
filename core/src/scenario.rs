//! The user-facing scenario format (the seed's YAML: `simulation` / `agents` / `costs`) and its
//! mapping to the machine format, problems included. Documents are read by
//! [`crate::document`] (re-exported here as `parse_document`), which every layer uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;
use crate::config::{null_as_default, null_as_one};
use crate::config::{
    AgentConfig, ArrivalConfig, CostRates, DeadlineMode, EventRecording, LsmConfig, PolicyConfig,
    QueueDiscipline, SimulationConfig,
};
use crate::error::{Problem, SimError};

// Read from mappings only, never from lists (see `mapping_only!`).
mapping_only! {
    struct Scenario;
    struct ScenarioSimulation;
    struct ScenarioAgent;
}

pub use crate::document::{parse_document, DocumentKind};

/// A scenario file as people write it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "Scenario")] // `remote = "Self"` would name the schema `Self`
pub struct Scenario {
    /// Clock, seed and engine settings.
    pub simulation: ScenarioSimulation,
    /// The participants, in order.
    #[schemars(length(min = 1))]
    pub agents: Vec<ScenarioAgent>,
    /// Cost rates (the seed's defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<CostRates>,
    /// LSM switches (both on when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsm: Option<LsmConfig>,
    /// Timed inputs (`docs/model.md` § Scheduled actions); the same in the machine format.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    #[schemars(with = "Option<Vec<crate::schedule::ScenarioEvent>>")]
    pub scenario_events: Vec<crate::schedule::ScenarioEvent>,
    /// The rules of real RTGS systems; the same in the machine format.
    #[serde(default, skip_serializing_if = "crate::rules::RulesConfig::is_empty")]
    // `rules: null` reads as absent (the document reader's rule for every section).
    #[schemars(with = "Option<crate::rules::RulesConfig>")]
    pub rules: crate::rules::RulesConfig,
    /// A compact network description (`docs/model.md` § Traffic); the same in the machine
    /// format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::config::NetworkConfig>,
}

/// The `simulation:` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "ScenarioSimulation")] // `remote = "Self"` would name the schema `Self`
pub struct ScenarioSimulation {
    /// Ticks in one business day (≥ 1).
    #[schemars(range(min = 1))]
    pub ticks_per_day: i64,
    /// Business days in the horizon (≥ 1, default 1).
    #[serde(default = "one", deserialize_with = "null_as_one")]
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub num_days: i64,
    /// Master RNG seed.
    pub seed: u64,
    /// Queue 2 discipline (default `bypass_fifo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_discipline: Option<QueueDiscipline>,
    /// Deadline treatment (default `drop`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_mode: Option<DeadlineMode>,
    /// Event recording level (default `full`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_recording: Option<EventRecording>,
    /// Most expected arrivals over the horizon (absent: no cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_expected_arrivals: Option<f64>,
}

fn one() -> i64 {
    1
}

/// One entry of `agents:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "ScenarioAgent")] // `remote = "Self"` would name the schema `Self`
pub struct ScenarioAgent {
    /// Unique, non-empty identifier (any UTF-8 text without NUL).
    #[schemars(length(min = 1))]
    #[serde(deserialize_with = "crate::config::serde_helpers::text")]
    pub id: String,
    /// Opening balance in cents, or a rule on the liquidity bounds
    /// (`{between_bounds: α}`, `{times_upper_bound: x}`, `{times_lower_bound: x}`), or on the
    /// expected daily outflow (`{times_daily_outflow: x}`).
    pub balance: crate::indicators::bounds::ScenarioBalance,
    /// Intraday credit line in cents (≥ 0, default 0).
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<i64>", range(min = 0))]
    pub credit_limit: i64,
    /// Cash-management policy.
    pub policy: PolicyConfig,
    /// Automatic arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_config: Option<ArrivalConfig>,
}

impl Scenario {
    /// The agents whose balance is a rule on the bounds, with their index.
    pub fn balance_rules(&self) -> Vec<(usize, crate::indicators::bounds::BalanceRule)> {
        use crate::indicators::bounds::ScenarioBalance;
        (self.agents.iter().enumerate())
            .filter_map(|(i, a)| match a.balance {
                ScenarioBalance::Rule(r) => Some((i, r)),
                ScenarioBalance::Amount(_) => None,
            })
            .collect()
    }

    /// The machine configuration this scenario describes (not yet validated).
    pub fn to_config(&self) -> SimulationConfig {
        self.clone().into_config()
    }

    /// The machine configuration this scenario describes (not yet validated), moving the
    /// agents rather than copying them (a dense network has ~10^6 weights).
    pub fn into_config(self) -> SimulationConfig {
        let s = self.simulation;
        SimulationConfig {
            ticks_per_day: s.ticks_per_day,
            num_days: s.num_days,
            rng_seed: s.seed,
            agent_configs: self
                .agents
                .into_iter()
                .map(|a| AgentConfig {
                    id: a.id,
                    opening_balance: a.balance.amount(),
                    credit_limit: a.credit_limit,
                    policy: a.policy,
                    arrival_config: a.arrival_config,
                })
                .collect(),
            cost_rates: self.costs.unwrap_or_default(),
            lsm: self.lsm.unwrap_or_default(),
            queue_discipline: s.queue_discipline.unwrap_or_default(),
            deadline_mode: s.deadline_mode.unwrap_or_default(),
            event_recording: s.event_recording.unwrap_or_default(),
            scenario_events: self.scenario_events,
            rules: self.rules,
            network: self.network,
            max_expected_arrivals: s.max_expected_arrivals,
        }
    }
}

/// The scenario's problems in the scenario's names (see [`scenario_path`]).
pub(crate) fn scenario_problems(e: SimError) -> SimError {
    match e {
        SimError::InvalidConfig(problems) => {
            SimError::InvalidConfig(problems.into_iter().map(to_scenario).collect())
        }
        other => other,
    }
}

/// A machine-format problem in the scenario's names: its path, and its message (which
/// starts with the path and may cite another agent entry: "first used by agent_configs[0]").
fn to_scenario(problem: Problem) -> Problem {
    Problem {
        path: scenario_path(&problem.path),
        message: scenario_message(&problem.message),
        value: problem.value,
    }
}

/// The scenario path of a machine-format field path.
pub(crate) fn scenario_path(path: &str) -> String {
    const SIMULATION: [(&str, &str); 7] = [
        ("ticks_per_day", "simulation.ticks_per_day"),
        ("num_days", "simulation.num_days"),
        ("rng_seed", "simulation.seed"),
        ("queue_discipline", "simulation.queue_discipline"),
        ("deadline_mode", "simulation.deadline_mode"),
        ("event_recording", "simulation.event_recording"),
        ("max_expected_arrivals", "simulation.max_expected_arrivals"),
    ];
    let (head, rest) = match path.find(['.', '[']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    if let Some((_, user)) = SIMULATION.iter().find(|(machine, _)| *machine == head) {
        return format!("{user}{rest}");
    }
    match head {
        "cost_rates" => format!("costs{rest}"),
        "agent_configs" => {
            // `[i].opening_balance…` → `[i].balance…`; everything else keeps its name.
            let renamed = rest.find("].").and_then(|close| {
                let (index, field) = rest.split_at(close + 1);
                let tail = field.strip_prefix(".opening_balance")?;
                (tail.is_empty() || tail.starts_with(['.', '[']))
                    .then(|| format!("{index}.balance{tail}"))
            });
            format!("agents{}", renamed.as_deref().unwrap_or(rest))
        }
        _ => path.to_string(),
    }
}

/// The scenario wording of a machine-format problem message (unchanged since the first
/// release: the CLI prints these).
fn scenario_message(problem: &str) -> String {
    const TOP: [(&str, &str); 5] = [
        ("ticks_per_day", "simulation.ticks_per_day"),
        ("max_expected_arrivals", "simulation.max_expected_arrivals"),
        ("num_days", "simulation.num_days"),
        ("rng_seed", "simulation.seed"),
        ("cost_rates.", "costs."),
    ];
    for (machine, user) in TOP {
        if let Some(rest) = problem.strip_prefix(machine) {
            return format!("{user}{rest}");
        }
    }
    if let Some(rest) = problem.strip_prefix("agent_configs") {
        let rest = rest
            .replacen(".opening_balance", ".balance", 1)
            .replace("agent_configs[", "agents[");
        return format!("agents{rest}");
    }
    problem.replace("agent_configs", "agents")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_YAML: &str = "
simulation:
  ticks_per_day: 100
  num_days: 1
  seed: 12345

agents:
  - id: BANK_A
    balance: 1000000
    credit_limit: 500000
    policy:
      type: LiquidityAware
      target_buffer: 200000
      urgency_threshold: 5
";

    #[test]
    fn seed_yaml_maps_to_machine_format() {
        let (config, kind) = parse_document(SEED_YAML).unwrap();
        assert_eq!(kind, DocumentKind::Scenario);
        assert_eq!(config.rng_seed, 12345);
        assert_eq!(config.agent_configs[0].opening_balance, 1_000_000);
        assert_eq!(config.cost_rates, CostRates::default());
    }

    #[test]
    fn problems_use_the_scenario_names() {
        let text = SEED_YAML
            .replace("ticks_per_day: 100", "ticks_per_day: 0")
            .replace("balance: 1000000", "balance: -600000");
        let err = parse_document(&text).unwrap_err().problems();
        assert_eq!(
            err[0].message,
            "simulation.ticks_per_day must be positive (got 0)"
        );
        assert_eq!(err[0].path, "simulation.ticks_per_day");
        assert!(
            err[1]
                .message
                .starts_with("agents[0].balance of \"BANK_A\""),
            "{err:?}"
        );
        assert_eq!(err[1].path, "agents[0].balance");
    }

    #[test]
    fn machine_json_is_accepted_too() {
        let text = r#"{"ticks_per_day": 3, "num_days": 2, "rng_seed": 7,
            "agent_configs": [{"id": "A", "opening_balance": 1, "policy": {"type": "Fifo"}}]}"#;
        let (config, kind) = parse_document(text).unwrap();
        assert_eq!(kind, DocumentKind::Machine);
        assert_eq!(config.horizon(), 6);
    }

    #[test]
    fn shape_errors_name_the_path() {
        let text = SEED_YAML.replace(
            "credit_limit: 500000",
            "credit_limit: 500000\n    colour: red",
        );
        let err = parse_document(&text).unwrap_err().problems();
        assert!(
            err[0]
                .message
                .starts_with("agents[0].colour: unknown field `colour`"),
            "{err:?}"
        );
        assert!(matches!(
            parse_document("a: [1"),
            Err(SimError::InvalidJson(_))
        ));
    }

    #[test]
    fn machine_paths_become_the_scenario_paths() {
        for (machine, user) in [
            ("ticks_per_day", "simulation.ticks_per_day"),
            ("rng_seed", "simulation.seed"),
            ("cost_rates.eod_penalty", "costs.eod_penalty"),
            ("agent_configs", "agents"),
            ("agent_configs[3].opening_balance", "agents[3].balance"),
            (
                "agent_configs[3].opening_balanced",
                "agents[3].opening_balanced",
            ),
            (
                "agent_configs[0].arrival_config.counterparty_weights.opening_balance",
                "agents[0].arrival_config.counterparty_weights.opening_balance",
            ),
            ("lsm.bilateral", "lsm.bilateral"),
            ("", ""),
        ] {
            assert_eq!(scenario_path(machine), user);
        }
    }

    #[test]
    fn scenario_problems_carry_the_user_paths() {
        let text = "
simulation: {ticks_per_day: 10, num_days: 0, seed: 1}
agents:
  - id: BANK_A
    balance: 0
    policy: {type: Fifo}
    arrival_config:
      rate_per_tick: 1
      distribution: {type: Uniform, min: 1, max: 2}
      counterparty_weights: {BANK_Z: 1}
costs: {eod_penalty: -1}
";
        let problems = parse_document(text).unwrap_err().problems();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "simulation.num_days",
                "agents[0].arrival_config.counterparty_weights.BANK_Z",
                "costs.eod_penalty"
            ],
            "{problems:?}"
        );
        assert_eq!(problems[1].value, Some("BANK_Z".into()));
    }
}
