//! Opening balances set from the liquidity bounds: `balance: {between_bounds: α}`,
//! `{times_upper_bound: x}` or `{times_lower_bound: x}` in a scenario.
//!
//! The bounds come from a first pass over the same arrivals with unconstrained liquidity:
//! the same configuration with every opening balance raised so high that every payment
//! settles at RTGS entry in the tick it arrives (the arrival streams do not depend on
//! balances, so the payments are the same). That pass is deterministic, so a document always
//! normalises to the same machine configuration, whose balances are plain integers: the
//! machine format has no rule form, it is the resolved form.

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::config::{EventRecording, SimulationConfig};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};

/// How an opening balance follows from the agent's whole-run bounds `UB` and `LB`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum BalanceRule {
    /// `LB + ⌈α·(UB − LB)⌉`, `0 ≤ α ≤ 1`.
    BetweenBounds(f64),
    /// `⌈x·UB⌉`, `x ≥ 0`.
    TimesUpperBound(f64),
    /// `⌈x·LB⌉`, `x ≥ 0`.
    TimesLowerBound(f64),
    /// `⌈x·D⌉`, `x ≥ 0`, where `D` is the agent's expected daily outflow (expected payments
    /// a day × mean amount; `docs/model.md` § Traffic). Needs no first pass.
    TimesDailyOutflow(f64),
}

/// A scenario agent's `balance`: cents, or a rule on the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ScenarioBalance {
    /// Cents.
    Amount(i64),
    /// Set from the liquidity bounds of a first pass.
    Rule(BalanceRule),
}

const EXPECTED: &str =
    "i64 or one of {between_bounds: α}, {times_upper_bound: x}, {times_lower_bound: x}, {times_daily_outflow: x}";

impl<'de> Deserialize<'de> for ScenarioBalance {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScenarioBalance;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ScenarioBalance, E> {
                Ok(ScenarioBalance::Amount(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScenarioBalance, E> {
                i64::try_from(v)
                    .map(ScenarioBalance::Amount)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ScenarioBalance, A::Error> {
                BalanceRule::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ScenarioBalance::Rule)
            }
        }
        d.deserialize_any(V)
    }
}

impl BalanceRule {
    /// Whether the rule is on the liquidity bounds (and so needs their first pass).
    pub(crate) fn needs_bounds(&self) -> bool {
        !matches!(self, BalanceRule::TimesDailyOutflow(_))
    }
}

impl ScenarioBalance {
    /// The cents of a plain amount; 0 for a rule (resolved by [`apply`]).
    pub(crate) fn amount(self) -> i64 {
        match self {
            ScenarioBalance::Amount(v) => v,
            ScenarioBalance::Rule(_) => 0,
        }
    }
}

/// The problems of the rules themselves (α and x), with their scenario paths.
pub(crate) fn check(rules: &[(usize, BalanceRule)]) -> Vec<Problem> {
    rules
        .iter()
        .filter_map(|&(i, rule)| check_rule(rule, &format!("agents[{i}].balance")))
        .collect()
}

/// The problem of one rule (α or x out of range), at `at.KEY`.
pub(crate) fn check_rule(rule: BalanceRule, at: &str) -> Option<Problem> {
    let (key, v, ok, bound) = match rule {
        BalanceRule::BetweenBounds(a) => (
            "between_bounds",
            a,
            (0.0..=1.0).contains(&a),
            "between 0 and 1",
        ),
        BalanceRule::TimesUpperBound(x) => (
            "times_upper_bound",
            x,
            x.is_finite() && x >= 0.0,
            "finite and ≥ 0",
        ),
        BalanceRule::TimesLowerBound(x) => (
            "times_lower_bound",
            x,
            x.is_finite() && x >= 0.0,
            "finite and ≥ 0",
        ),
        BalanceRule::TimesDailyOutflow(x) => (
            "times_daily_outflow",
            x,
            x.is_finite() && x >= 0.0,
            "finite and ≥ 0",
        ),
    };
    (!ok).then(|| {
        let path = format!("{at}.{key}");
        Problem::new(path.clone(), format!("{path} must be {bound} (got {v})")).with_value(v)
    })
}

/// The most work the first pass may take, in agent-ticks plus expected transactions
/// (`horizon × (agents + expected_transactions_per_tick)`): about a second or two of engine
/// time. Reading a document must stay cheap (a service normalises untrusted ones before any
/// budget of its own applies), so a bigger scenario sets its balances in cents.
pub const MAX_FIRST_PASS_WORK: f64 = 5e7;

/// Each agent's whole-run `(upper, lower)` bound from a first pass with unconstrained
/// liquidity over `config`'s arrivals.
pub fn first_pass_bounds(config: &SimulationConfig) -> Result<Vec<(i128, i128)>, SimError> {
    let pass = unconstrained(config);
    let n = pass.agent_configs.len();
    let mut sim = Simulation::new(pass)?;
    let work = sim.horizon() as f64 * (n as f64 + sim.workload().expected_transactions_per_tick);
    if work > MAX_FIRST_PASS_WORK {
        return Err(SimError::config(Problem::new(
            "agents",
            format!(
                "agents: balances from the bounds need a first pass of about {work:.3e} agent-ticks and transactions, more than the {MAX_FIRST_PASS_WORK:.0e} a document may ask for: set the balances in cents (bounds from Simulation::indicators of a run)"
            ),
        )));
    }
    sim.run_to_end()?;
    bounds_of_first_pass(&sim)
}

/// `config` for a first pass: every opening balance as high as the overflow rule allows
/// (Σ (opening + credit) ≤ 2^63 − 1), event recording off, the rules without their holds
/// (`crate::rules::first_pass`).
pub(crate) fn unconstrained(config: &SimulationConfig) -> SimulationConfig {
    let mut pass = config.clone();
    // Without the rules' holds (limits, reservations): the bounds are the flow's needs.
    crate::rules::first_pass::without_holds(&mut pass);
    let n = pass.agent_configs.len() as i128;
    // The credit lines collateral gives count as credit limits do.
    let credit: i128 = (crate::rules::config::credit_lines(&pass).iter())
        .map(|&c| c as i128)
        .sum();
    // As much as the overflow rule allows each agent: Σ (opening + credit) ≤ 2^63 − 1.
    let huge = ((i64::MAX as i128 - credit) / n) as i64;
    for a in &mut pass.agent_configs {
        a.opening_balance = huge;
    }
    pass.event_recording = EventRecording::Off;
    pass
}

/// Each agent's whole-run `(upper, lower)` bound after a first pass run to its end: refused
/// unless every payment released settled at RTGS entry (one still waiting for a from-time
/// after the horizon was never released).
pub(crate) fn bounds_of_first_pass(sim: &Simulation) -> Result<Vec<(i128, i128)>, SimError> {
    let s = sim.statistics();
    let waiting = crate::rules::first_pass::waiting_for_from_time(sim);
    if s.settlements_by_mechanism.rtgs != s.settlements
        || s.queue1_size - waiting + s.queue2_size + s.drops > 0
    {
        return Err(SimError::config(Problem::new(
            "agents",
            "agents: the bounds' first pass could not settle every payment at entry (a policy holds payments whatever the balance, or the payments exceed what a balance can hold): set the balances in cents",
        )));
    }
    Ok((0..s.agents.len())
        .map(|a| {
            let (up, low, _) = sim.indicators.agent_figures(a);
            (up, low)
        })
        .collect())
}

/// Resolve the rules into `config`'s opening balances (which hold 0 for them).
pub(crate) fn apply(
    config: &mut SimulationConfig,
    rules: &[(usize, BalanceRule)],
) -> Result<(), SimError> {
    if rules.is_empty() {
        return Ok(());
    }
    // Only the rules on the bounds need the first pass.
    let bounds = match rules.iter().any(|r| r.1.needs_bounds()) {
        true => first_pass_bounds(config)?,
        false => Vec::new(),
    };
    set_balances(config, rules, &bounds, "agents")
}

/// Agent `i`'s opening balance from its rule and `bounds[i]`; a value beyond 2^63 − 1 is a
/// problem at `at[i].balance`.
pub(crate) fn set_balances(
    config: &mut SimulationConfig,
    rules: &[(usize, BalanceRule)],
    bounds: &[(i128, i128)],
    at: &str,
) -> Result<(), SimError> {
    let outflow = match rules.iter().any(|r| !r.1.needs_bounds()) {
        true => crate::arrivals::expected_daily_outflow(config),
        false => Vec::new(),
    };
    let mut problems = Vec::new();
    for &(i, rule) in rules {
        let bound = |k: usize| bounds.get(i).map_or(0.0, |b| [b.0, b.1][k] as f64);
        let (up, low) = (bound(0), bound(1));
        let value = match rule {
            BalanceRule::BetweenBounds(a) => low + (a * (up - low)).ceil(),
            BalanceRule::TimesUpperBound(x) => (x * up).ceil(),
            BalanceRule::TimesLowerBound(x) => (x * low).ceil(),
            BalanceRule::TimesDailyOutflow(x) => (x * outflow[i]).ceil(),
        };
        if value >= i64::MAX as f64 {
            let path = format!("{at}[{i}].balance");
            problems.push(Problem::new(
                path.clone(),
                format!("{path}: the rule gives {value}, beyond 2^63 − 1"),
            ));
            continue;
        }
        config.agent_configs[i].opening_balance = value as i64;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SimError::InvalidConfig(problems))
    }
}
