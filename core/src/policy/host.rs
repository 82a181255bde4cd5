//! Policies written by the host program (`PolicyConfig::Host`): once per tick, each agent
//! with a Host policy and a non-empty Queue 1 is shown its view — the agent features of the
//! tree language (`features`, not restated here) and its Queue 1 — and the host answers with
//! one decision per payment it wants to move: release, split into `parts`, or hold (a payment
//! it leaves out is held).
//!
//! **The tick is all or nothing.** Every host is asked after steps 0 and 1 (schedule,
//! arrivals) and before step 2 changes anything, for all its agents at once; their decisions
//! are checked (unknown id, a payment decided twice, a bad split) before any is used. A host
//! that fails or answers garbage fails the tick with [`SimError::HostPolicy`], and the
//! simulation is rolled back to where it was before the tick: a [`Checkpoint`] of the state
//! is taken at the start of every tick of a simulation with Host policies (the event log,
//! the time series, the closed days, the compiled trees, the configuration's agents and the
//! ids, which steps 0 and 1 only append to or never touch, are not copied; the events those
//! steps recorded are cut off instead).
//! A checkpoint costs O(live state) — never the history — and only simulations with Host
//! policies pay it.

use std::collections::HashMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::features::{AgentView, Feature, Kind};
use super::{Order, Release};
use crate::config::{AgentConfig, PolicyConfig, MAX_SPLIT_PARTS};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};
use crate::events::{Event, Tapped};
use crate::indicators::state::DayRecord;
use crate::schedule::ScenarioEvent;
use crate::transaction::AgentIdx;

/// Most parts a host may split one payment into (the bound of a tree's split leaf).
pub(crate) const MOST_PARTS: i64 = MAX_SPLIT_PARTS;

/// A policy written by the host program. `decide` is called once per tick for each agent
/// with a Host policy and a non-empty Queue 1 (agents in configuration order).
///
/// `Send`: the simulation may be ticked from any thread (one at a time).
pub trait HostPolicy: Send {
    /// The decisions for `view.agent` (see [`HostDecision`]), in release order; payments
    /// left out are held. An `Err` fails the tick with that problem.
    fn decide(&mut self, view: &HostView) -> Result<Vec<HostDecision>, Problem>;
}

/// What a host policy sees of one agent (as JSON: `docs/policies.md` § Policies written in
/// Python).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostView {
    /// The agent's id.
    pub agent: String,
    /// The `name` of its Host policy, if it has one.
    pub policy: Option<String>,
    /// The agent features of the tree language (`balance`, `tick`, `queue2_count`, …).
    pub features: Features,
    /// Its Queue 1, oldest first.
    pub queue1: Vec<HostOrder>,
}

/// One payment of a Queue 1 as a host policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostOrder {
    /// The payment id the decisions name.
    pub id: String,
    /// Amount in cents.
    pub amount: i64,
    /// The receiver's id.
    pub receiver: String,
    /// Priority (0–10).
    pub priority: u8,
    /// The tick by which it should settle.
    pub deadline_tick: u64,
    /// The tick it arrived.
    pub arrival_tick: u64,
    /// The per-payment features of the tree language not given above (`ticks_to_deadline`,
    /// `age`, `urgent`).
    pub features: Features,
}

/// Feature values by name, in the tree language's documentation order.
#[derive(Debug, Clone, PartialEq)]
pub struct Features(pub Vec<(&'static str, FeatureValue)>);

/// The value of a feature, typed as the tree language types it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FeatureValue {
    /// An amount, a number of ticks, a count or a priority.
    Number(i128),
    /// A flag.
    Flag(bool),
}

impl Serialize for Features {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Features {
    /// The value of the feature called `name`, if the view has it.
    pub fn get(&self, name: &str) -> Option<&FeatureValue> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// The features of the agent (the same for every payment of the decision).
const AGENT_FEATURES: &[Feature] = &[
    Feature::Balance,
    Feature::CreditLimit,
    Feature::Available,
    Feature::Reserved,
    Feature::Queue1Value,
    Feature::Tick,
    Feature::TickOfDay,
    Feature::Queue1Count,
    Feature::Queue2Count,
    Feature::CreditHeadroom,
    Feature::ExpectedOutflows,
    Feature::ExpectedInflows,
];
/// The features of one payment beyond its own fields.
const ORDER_FEATURES: &[Feature] = &[Feature::TicksToDeadline, Feature::Age, Feature::Urgent];
#[cfg(test)] // only the check that every feature has one place reads it
/// Features that are the payment's own fields in the view (`amount`, `priority`, `receiver`).
const ORDER_FIELDS: &[Feature] = &[Feature::Amount, Feature::Priority, Feature::Counterparty];
#[cfg(test)] // as ORDER_FIELDS
/// Running totals of a decision in progress: a host keeps its own.
const DECISION_FEATURES: &[Feature] = &[Feature::ReleasedValue, Feature::BalanceAfter];
#[cfg(test)] // as ORDER_FIELDS
/// What the core remembers only for trees that read it (`policy::state`: today's payments,
/// rolling windows, registers): a host keeps its own memory.
const MEMORY_FEATURES: &[Feature] = &[
    Feature::PaidToday,
    Feature::DayOutflows,
    Feature::ReceivedRecent,
    Feature::PaidRecent,
    Feature::ReceivedFromCounterparty,
    Feature::PaidToCounterparty,
    Feature::R0,
    Feature::R1,
    Feature::R2,
    Feature::R3,
];

fn features(list: &[Feature], view: &AgentView, order: &Order) -> Features {
    Features(
        list.iter()
            .map(|&f| {
                let v = f.value(view, order, 0);
                let value = match f.kind() {
                    Kind::Flag => FeatureValue::Flag(v != 0),
                    _ => FeatureValue::Number(v),
                };
                (f.name(), value)
            })
            .collect(),
    )
}

impl HostView {
    /// The view as JSON (what a host program over the C ABI receives).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One decision of a host policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDecision {
    /// The payment's id (`HostOrder::id`).
    pub id: String,
    /// What to do with it.
    pub action: HostAction,
}

/// What to do with a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostAction {
    /// Release it whole.
    Release,
    /// Release it as `parts` equal parts, the remainder on the last (as a tree's split leaf).
    Split(i64),
    /// Keep it in Queue 1 (the same as leaving it out).
    Hold,
}

/// A decision as JSON: `{"id": "T17", "action": "release" | "hold" | "split", "parts": k}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    id: String,
    action: String,
    #[serde(default)]
    parts: Option<i64>,
}

impl HostDecision {
    /// Read a host's answer: a JSON list of decisions. Problems have paths into the list
    /// (`[2].parts`).
    pub fn list_from_json(text: &str) -> Result<Vec<HostDecision>, Problem> {
        let raw: Vec<RawDecision> =
            crate::error::parse_json_at(text, "decisions", SimError::InvalidArgument).map_err(
                |e| match e {
                    SimError::InvalidArgument(p) => p,
                    other => Problem::whole(other.to_string()),
                },
            )?;
        raw.into_iter()
            .enumerate()
            .map(|(i, d)| {
                let action = match (d.action.as_str(), d.parts) {
                    ("release", None) => HostAction::Release,
                    ("hold", None) => HostAction::Hold,
                    ("split", Some(k)) => HostAction::Split(k),
                    ("split", None) => {
                        return Err(Problem::new(
                            format!("[{i}].parts"),
                            format!("[{i}]: a split needs \"parts\""),
                        ))
                    }
                    ("release" | "hold", Some(k)) => {
                        return Err(Problem::new(
                            format!("[{i}].parts"),
                            format!("[{i}].parts: only a split has parts"),
                        )
                        .with_value(k))
                    }
                    (other, _) => {
                        return Err(Problem::new(
                            format!("[{i}].action"),
                            format!(
                                "[{i}].action: unknown action {other:?} (release, hold or split)"
                            ),
                        )
                        .with_value(other))
                    }
                };
                Ok(HostDecision { id: d.id, action })
            })
            .collect()
    }
}

/// Check a host's decisions against the Queue 1 it was shown (`ids`, in queue order) and turn
/// them into releases in decision order.
fn releases(decisions: &[HostDecision], ids: &[String]) -> Result<Vec<Release>, Problem> {
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut seen: Vec<Option<usize>> = vec![None; ids.len()];
    let mut out = Vec::with_capacity(decisions.len());
    for (i, d) in decisions.iter().enumerate() {
        let Some(&q) = index.get(d.id.as_str()) else {
            return Err(Problem::new(
                format!("[{i}].id"),
                format!("[{i}].id: payment {:?} is not in the agent's Queue 1", d.id),
            )
            .with_value(d.id.as_str()));
        };
        if let Some(first) = seen[q] {
            return Err(Problem::new(
                format!("[{i}].id"),
                format!(
                    "[{i}].id: payment {:?} is decided twice (first at [{first}])",
                    d.id
                ),
            )
            .with_value(d.id.as_str()));
        }
        seen[q] = Some(i);
        match d.action {
            HostAction::Hold => {}
            HostAction::Release => out.push(Release { index: q, parts: 0 }),
            HostAction::Split(k) => {
                if !(2..=MOST_PARTS).contains(&k) {
                    return Err(Problem::new(
                        format!("[{i}].parts"),
                        format!(
                            "[{i}].parts: a split makes between 2 and {MOST_PARTS} parts (got {k})"
                        ),
                    )
                    .with_value(k));
                }
                out.push(Release {
                    index: q,
                    parts: k as u32,
                });
            }
        }
    }
    Ok(out)
}

/// The host side of a simulation: the registered policy, the agents that need it, and the
/// decisions gathered for the tick in progress.
#[derive(Default)]
pub(crate) struct HostState {
    policy: Option<Box<dyn HostPolicy>>,
    /// Agents with a Host policy, in configuration order.
    agents: Vec<AgentIdx>,
    /// Per agent: the releases its host decided for this tick, until step 2 takes them.
    decided: Vec<Option<Vec<Release>>>,
}

impl std::fmt::Debug for HostState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostState")
            .field("registered", &self.policy.is_some())
            .field("agents", &self.agents)
            .finish_non_exhaustive()
    }
}

/// A checkpoint carries no host: the policy stays with the running simulation.
impl Clone for HostState {
    fn clone(&self) -> Self {
        HostState {
            policy: None,
            agents: self.agents.clone(),
            decided: vec![None; self.decided.len()],
        }
    }
}

impl HostState {
    pub fn new(policies: impl Iterator<Item = PolicyConfig>) -> Self {
        let hosts: Vec<bool> = policies
            .map(|p| matches!(p, PolicyConfig::Host { .. }))
            .collect();
        HostState {
            policy: None,
            agents: (0..hosts.len())
                .filter(|&a| hosts[a])
                .map(|a| a as AgentIdx)
                .collect(),
            decided: vec![None; hosts.len()],
        }
    }

    /// Step 2's releases for agent `a` when its host decided them (true), else false.
    pub fn take_decided(&mut self, a: usize, release: &mut Vec<Release>) -> bool {
        match self.decided.get_mut(a).and_then(Option::take) {
            Some(decided) => {
                release.clear();
                release.extend(decided);
                true
            }
            None => false,
        }
    }
}

/// The state of a simulation before a tick with host policies (see the module's doc).
pub(crate) struct Checkpoint {
    sim: Box<Simulation>,
    events: usize,
    tap: Option<usize>,
}

/// What a checkpoint does not copy, moved aside around its clone and moved back: what steps 0
/// and 1 only append to (the events, cut back on rollback) or never touch (the configuration's
/// agents and events, the ids — O(agents²) with counterparty weights). One list, so the
/// checkpoint and the rollback cannot disagree on it.
struct Untouched {
    events: Vec<Event>,
    tap: Option<Vec<Tapped>>,
    timeseries: Option<crate::timeseries::Recorder>,
    days: Vec<DayRecord>,
    trees: Vec<Option<super::CompiledTree>>,
    agents: Vec<AgentConfig>,
    scenario_events: Vec<ScenarioEvent>,
    ids: Vec<String>,
    index: HashMap<String, AgentIdx>,
}

impl Untouched {
    fn take(sim: &mut Simulation) -> Self {
        Untouched {
            events: std::mem::take(&mut sim.events.events),
            tap: sim.events.tap.take(),
            timeseries: sim.timeseries.take(),
            days: std::mem::take(&mut sim.indicators.days),
            trees: std::mem::take(&mut sim.trees),
            agents: std::mem::take(&mut sim.config.agent_configs),
            scenario_events: std::mem::take(&mut sim.config.scenario_events),
            ids: std::mem::take(&mut sim.ids),
            index: std::mem::take(&mut sim.index),
        }
    }

    fn put(self, sim: &mut Simulation) {
        sim.events.events = self.events;
        sim.events.tap = self.tap;
        sim.timeseries = self.timeseries;
        sim.indicators.days = self.days;
        sim.trees = self.trees;
        sim.config.agent_configs = self.agents;
        sim.config.scenario_events = self.scenario_events;
        sim.ids = self.ids;
        sim.index = self.index;
    }
}

impl Simulation {
    /// Register the host program's policy for every agent with a Host policy (`None`:
    /// forget it). The simulation keeps it until replaced; snapshots never carry it.
    pub fn set_host_policy(&mut self, policy: Option<Box<dyn HostPolicy>>) {
        self.host.policy = policy;
    }

    /// Ids of the agents whose policy is `Host`, in configuration order.
    pub fn host_policy_agents(&self) -> Vec<String> {
        self.host
            .agents
            .iter()
            .map(|&a| self.ids[a as usize].clone())
            .collect()
    }

    /// An error naming every agent with a Host policy when no host policy is registered:
    /// such a simulation cannot tick (the REST service and the CLI's `run` never can).
    pub fn require_host_policy(&self) -> Result<(), SimError> {
        if self.host.agents.is_empty() || self.host.policy.is_some() {
            return Ok(());
        }
        Err(SimError::InvalidConfig(
            self.host
                .agents
                .iter()
                .map(|&a| {
                    let at = format!("agent_configs[{a}].policy");
                    Problem::new(
                        at.clone(),
                        format!(
                            "{at}: agent {:?} has a Host policy, decided by a host program: supply it (Python: Orchestrator.new(config, policies={{...}}); C: psim_sim_set_host_policy) — a Host policy cannot run without one (REST service, CLI run)",
                            self.ids[a as usize]
                        ),
                    )
                    .with_value("Host")
                })
                .collect(),
        ))
    }

    /// At the start of a tick: a checkpoint when some agent has a Host policy (an error, and
    /// nothing done, when no host policy is registered).
    pub(crate) fn host_checkpoint(&mut self) -> Result<Option<Checkpoint>, SimError> {
        if self.host.agents.is_empty() {
            return Ok(None);
        }
        self.require_host_policy()?;
        let untouched = Untouched::take(self);
        let checkpoint = Checkpoint {
            sim: Box::new(self.clone()),
            events: untouched.events.len(),
            tap: untouched.tap.as_ref().map(Vec::len),
        };
        untouched.put(self);
        Ok(Some(checkpoint))
    }

    /// After steps 0 and 1: ask the host for the decisions of every agent with a Host policy
    /// that has orders and is not in an outage. On failure the simulation goes back to the
    /// checkpoint and the tick fails with the host's problem.
    pub(crate) fn ask_hosts(&mut self, t: u64, checkpoint: Checkpoint) -> Result<(), SimError> {
        match self.gather_host_decisions(t) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.roll_back(checkpoint);
                Err(e)
            }
        }
    }

    fn gather_host_decisions(&mut self, t: u64) -> Result<(), SimError> {
        let mut policy = self.host.policy.take();
        let result = (|| {
            let Some(host) = policy.as_mut() else {
                return self.require_host_policy();
            };
            let mut orders = Vec::new();
            for i in 0..self.host.agents.len() {
                let a = self.host.agents[i];
                if self.queue1[a as usize].is_empty() || self.schedule.active.is_out(a) {
                    continue;
                }
                let agent_view = self.policy_input(a, t, &mut orders);
                let view = self.host_view(a, &agent_view, &orders);
                let fail = |p: Problem| {
                    let name = match &view.policy {
                        Some(n) => format!(" ({n:?})"),
                        None => String::new(),
                    };
                    SimError::HostPolicy(Problem {
                        message: format!(
                            "host policy of agent {:?}{name} at tick {t}: {}",
                            view.agent, p.message
                        ),
                        ..p
                    })
                };
                let decisions = host.decide(&view).map_err(fail)?;
                let ids: Vec<String> = view.queue1.into_iter().map(|o| o.id).collect();
                let released = releases(&decisions, &ids).map_err(fail)?;
                self.host.decided[a as usize] = Some(released);
            }
            Ok(())
        })();
        self.host.policy = policy;
        result
    }

    fn host_view(&self, a: AgentIdx, view: &AgentView, orders: &[Order]) -> HostView {
        let policy = match &self.config.agent_configs[a as usize].policy {
            PolicyConfig::Host { name } => name.clone(),
            _ => None,
        };
        let slots = &self.queue1[a as usize];
        HostView {
            agent: self.ids[a as usize].clone(),
            policy,
            features: features(AGENT_FEATURES, view, &orders[0]),
            queue1: (slots.iter().filter_map(|&s| self.txs.get(s)))
                .zip(orders)
                .map(|(tx, order)| HostOrder {
                    id: tx.id.to_string(),
                    amount: order.amount,
                    receiver: self.ids[order.receiver as usize].clone(),
                    priority: order.priority,
                    deadline_tick: order.deadline_tick,
                    arrival_tick: order.arrival_tick,
                    features: features(ORDER_FEATURES, view, order),
                })
                .collect(),
        }
    }

    /// Put the simulation back as it was at `checkpoint` (see the module's doc).
    fn roll_back(&mut self, checkpoint: Checkpoint) {
        let mut saved = *checkpoint.sim;
        let mut untouched = Untouched::take(self);
        untouched.events.truncate(checkpoint.events);
        if let Some(tap) = untouched.tap.as_mut() {
            tap.truncate(checkpoint.tap.unwrap_or(0));
        }
        untouched.put(&mut saved);
        saved.host.policy = self.host.policy.take();
        *self = saved;
    }
}

#[cfg(test)]
#[path = "tests_host.rs"]
mod tests;

/// Every feature of the tree language is in exactly one of the lists above, so a new one
/// gets a place in the view (or a reason not to) when it is added.
#[cfg(test)]
pub(crate) fn feature_lists() -> [&'static [Feature]; 5] {
    [
        AGENT_FEATURES,
        ORDER_FEATURES,
        ORDER_FIELDS,
        DECISION_FEATURES,
        MEMORY_FEATURES,
    ]
}
