//! The one entry point for configuration documents.
//!
//! [`parse_document`] reads either shape — the scenario format people write (`simulation` /
//! `agents` / `costs` / `lsm`) or the machine format (`ticks_per_day` / `agent_configs` / …) —
//! as JSON or YAML text, maps it to a [`SimulationConfig`], and validates it. The CLI, the C
//! ABI (`psim_config_normalize`, `psim_sim_new`) and through it Python and the REST service
//! all come here, so defaults, bounds and messages exist once.
//!
//! The document is read in one pass straight into the typed structs, never through a
//! generic value tree: a dense 1,000-bank network has ~10^6 counterparty weights, and a tree
//! of them would cost several times the text in memory. JSON is read by serde_json, YAML by
//! serde-saphyr (`document/yaml.rs`: the schema, and the limits on nesting and aliases), both
//! streaming. The top level is read by hand (`TopLevel`) because its keys decide the shape;
//! everything below it is serde's derive.
//!
//! Order of judgement, as everywhere in the project: text that is neither JSON nor YAML is
//! [`SimError::InvalidJson`] (before any shape problem it might also have); a well-formed
//! document of the wrong shape is one problem with the path serde reports; a well-shaped one
//! is validated and every rule it breaks is listed.

use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::config::{
    AgentConfig, CostRates, DeadlineMode, EventRecording, LsmConfig, QueueDiscipline,
    SimulationConfig,
};
use crate::error::{join, path_text, Problem, SimError};
use crate::scenario::{scenario_problems, Scenario, ScenarioAgent, ScenarioSimulation};
use crate::schedule::ScenarioEvent;

/// Which shape a configuration document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// The user-facing scenario format (`simulation` / `agents` / `costs`).
    Scenario,
    /// The machine format (`ticks_per_day` / `agent_configs` / …).
    Machine,
}

/// The top-level fields of each shape, in declaration order (the order serde's derive
/// names them in "expected one of …"; a test keeps them equal to the structs').
const SCENARIO_FIELDS: &[&str] = &[
    "simulation",
    "agents",
    "costs",
    "lsm",
    "scenario_events",
    "rules",
    "network",
];
const MACHINE_FIELDS: &[&str] = &[
    "ticks_per_day",
    "num_days",
    "rng_seed",
    "agent_configs",
    "cost_rates",
    "lsm",
    "queue_discipline",
    "deadline_mode",
    "event_recording",
    "scenario_events",
    "rules",
    "network",
    "max_expected_arrivals",
];

/// Keys both shapes have (they say nothing about which one a document is).
const SHARED_FIELDS: &[&str] = &["lsm", "scenario_events", "rules", "network"];

/// What a document in neither shape is told (a YAML list, a scalar, `{}`, unknown keys only).
pub const NEITHER_FORMAT: &str = "the document must be a mapping with `simulation` and `agents` (or the machine format's `ticks_per_day` and `agent_configs`)";

impl DocumentKind {
    /// The shape a top-level key belongs to (`None` for `lsm`, which both have, and for
    /// unknown keys).
    fn of_key(key: &str) -> Option<DocumentKind> {
        let only = |fields: &[&str]| fields.contains(&key) && !SHARED_FIELDS.contains(&key);
        if only(SCENARIO_FIELDS) {
            Some(DocumentKind::Scenario)
        } else if only(MACHINE_FIELDS) {
            Some(DocumentKind::Machine)
        } else {
            None
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            DocumentKind::Scenario => SCENARIO_FIELDS,
            DocumentKind::Machine => MACHINE_FIELDS,
        }
    }
}

/// Parse a scenario or machine-format document, JSON or YAML, map it to the machine format
/// and validate it. Problems carry the paths of the document the user wrote.
///
/// Errors: [`SimError::InvalidJson`] for text that is neither JSON nor YAML (the message
/// names both); [`SimError::InvalidConfig`] for everything else, every problem with its path.
pub fn parse_document(text: &str) -> Result<(SimulationConfig, DocumentKind), SimError> {
    resolved(read(text)?)
}

/// [`parse_document`] for a front end that can read files: a `network.flows_file` is read
/// through `read_file` (given the name as written) and its flows are put inline before
/// validation ([`crate::config::resolve_flow_files`]); so is each agent's `policy: {file}`
/// ([`crate::policy::refs::resolve_policy_files`]).
pub fn parse_document_resolving(
    text: &str,
    read_file: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(SimulationConfig, DocumentKind), SimError> {
    let mut parsed = read(text)?;
    let network = match &mut parsed {
        Parsed::Scenario(s) => &mut s.network,
        Parsed::Machine(c) => &mut c.network,
    };
    crate::config::resolve_flow_files(network, read_file)?;
    let at = |key: &'static str| move |(i, p)| (format!("{key}[{i}].policy"), p);
    match &mut parsed {
        Parsed::Scenario(s) => crate::policy::refs::resolve_policy_files(
            s.agents
                .iter_mut()
                .map(|a| &mut a.policy)
                .enumerate()
                .map(at("agents")),
            read_file,
        )?,
        Parsed::Machine(c) => crate::policy::refs::resolve_policy_files(
            (c.agent_configs
                .iter_mut()
                .map(|a| &mut a.policy)
                .enumerate())
            .map(at("agent_configs")),
            read_file,
        )?,
    }
    resolved(parsed)
}

/// A read document validated, its balance rules resolved by the bounds' first pass.
fn resolved(parsed: Parsed) -> Result<(SimulationConfig, DocumentKind), SimError> {
    let (mut config, kind, rules) = checked_parsed(parsed)?;
    if !rules.is_empty() {
        crate::indicators::bounds::apply(&mut config, &rules)?;
        config.validate().map_err(scenario_problems)?;
    }
    Ok((config, kind))
}

/// A validated configuration, its shape, and its balance rules not yet resolved.
pub(crate) type Checked = (
    SimulationConfig,
    DocumentKind,
    Vec<(usize, crate::indicators::bounds::BalanceRule)>,
);

/// A document read and validated, its balance rules (if any) not yet resolved: every rule
/// [`parse_document`] checks except those of the bounds' first pass, without running it (an
/// experiment checks each of its points this way before running any).
pub(crate) fn checked(text: &str) -> Result<Checked, SimError> {
    checked_parsed(read(text)?)
}

/// Map a read document to the machine format and validate it (balance rules unresolved).
fn checked_parsed(parsed: Parsed) -> Result<Checked, SimError> {
    match parsed {
        Parsed::Machine(config) => {
            config.validate()?;
            Ok((config, DocumentKind::Machine, Vec::new()))
        }
        Parsed::Scenario(scenario) => {
            let rules = scenario.balance_rules();
            let config = scenario.into_config();
            // Reservations are judged against the balances once the rules resolve them.
            let unresolved: Vec<&str> = (rules.iter())
                .map(|&(i, _)| config.agent_configs[i].id.as_str())
                .collect();
            // A rule's balance is 0 until the bounds are known; the rules' own problems join
            // the others, in agent order after them.
            let mut problems = match config.validate().map_err(scenario_problems) {
                Ok(()) => Vec::new(),
                Err(SimError::InvalidConfig(p)) => p,
                Err(e) => return Err(e),
            };
            problems.retain(|q| !crate::rules::config::awaits_balance(q, &unresolved));
            problems.extend(crate::indicators::bounds::check(&rules));
            if !problems.is_empty() {
                return Err(SimError::InvalidConfig(problems));
            }
            Ok((config, DocumentKind::Scenario, rules))
        }
    }
}

/// The validated machine-format JSON of a document (either shape, JSON or YAML), every
/// default filled in: exactly `serde_json::to_string(&SimulationConfig)`. This is what
/// `psim_config_normalize` returns; `psim_sim_new` of it builds the same simulation.
pub fn normalize_document(text: &str) -> Result<String, SimError> {
    let (config, _) = parse_document(text)?;
    // Validation leaves only finite floats and string keys, so this cannot fail.
    serde_json::to_string(&config).map_err(|e| {
        SimError::config(Problem::whole(format!(
            "the configuration cannot be written as JSON: {e}"
        )))
    })
}

/// A document read but not yet validated.
enum Parsed {
    Scenario(Scenario),
    Machine(SimulationConfig),
}

/// Where a failed read went wrong, recorded by the reader as the error travels out (the
/// error itself is the format's, with its line and column).
#[derive(Default)]
struct Trace {
    /// The path of a shape error ("" = the document itself).
    path: Option<String>,
    /// A problem complete in itself (the document is in neither shape).
    problem: Option<Problem>,
}

fn read(text: &str) -> Result<Parsed, SimError> {
    // JSON first: it is what programs send, and its parser is the fast one.
    let mut trace = Trace::default();
    let mut json = serde_json::Deserializer::from_str(text);
    let attempt = TopLevel { trace: &mut trace }
        .deserialize(&mut json)
        .and_then(|parsed| json.end().map(|()| parsed));
    let json_syntax = match attempt {
        Ok(parsed) => return Ok(parsed),
        // A shape error may hide a later syntax error: judge the syntax on its own (only on
        // failure, so a good document is read once).
        Err(e) => match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => return Err(shape_problem(trace, e.to_string())),
            Err(syntax) => syntax,
        },
    };
    let looks_like_json = text.trim_start().starts_with(['{', '[']);
    let malformed_json = || {
        SimError::InvalidJson(format!(
            "malformed JSON in the configuration: {json_syntax} (a configuration is JSON or YAML)"
        ))
    };
    let mut trace = Trace::default();
    match yaml::deserialize_seed(text, TopLevel { trace: &mut trace }) {
        Ok(parsed) => Ok(parsed),
        Err(e) => match yaml::syntax_error(text) {
            None => Err(shape_problem(trace, e.to_string())),
            // Text that looks like JSON gets the JSON parser's complaint; the rest the YAML
            // parser's. Both messages name both formats.
            Some(_) if looks_like_json => Err(malformed_json()),
            Some(yaml_syntax) => Err(SimError::InvalidJson(format!(
                "malformed YAML/JSON: {yaml_syntax}"
            ))),
        },
    }
}

/// Read a YAML document into `T` (no shape decided by keys: `SimulationConfig::from_yaml`),
/// with the document reader's rules: syntax first ([`SimError::InvalidJson`]), then the
/// shape, a problem with its path.
pub(crate) fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, SimError> {
    let mut path = None;
    let seed = Tracked {
        key: "",
        path: &mut path,
        marker: PhantomData,
    };
    yaml::deserialize_seed(text, seed).map_err(|e| match yaml::syntax_error(text) {
        None => SimError::config(Problem::shape_at(path.unwrap_or_default(), e)),
        Some(syntax) => SimError::InvalidJson(format!("malformed YAML: {syntax}")),
    })
}

fn shape_problem(trace: Trace, message: String) -> SimError {
    SimError::config(
        trace
            .problem
            .unwrap_or_else(|| Problem::shape_at(trace.path.unwrap_or_default(), message)),
    )
}

/// Reads the top-level mapping of either shape. Its key order decides nothing but which
/// shape the first shape-specific key belongs to; serde's derive reads every value.
struct TopLevel<'t> {
    trace: &'t mut Trace,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parsed, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl TopLevel<'_> {
    fn neither<E: de::Error>(self) -> E {
        self.trace.problem = Some(Problem::whole(NEITHER_FORMAT));
        E::custom(NEITHER_FORMAT)
    }

    /// Read the value of `key` with its path recorded on failure.
    fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        &mut self,
        map: &mut A,
        key: &str,
    ) -> Result<T, A::Error> {
        map.next_value_seed(Tracked {
            key,
            path: &mut self.trace.path,
            marker: PhantomData,
        })
    }

    /// Fail at `path` ("" = the document) with a serde error (which gains the position).
    fn fail<E: de::Error>(&mut self, path: &str, e: E) -> E {
        self.trace.path = Some(path.to_string());
        e
    }
}

/// Every value of the top-level mapping, as serde's derive would hold them (`Some(None)` is
/// a field present as `null`, which means "the default" everywhere).
#[derive(Default)]
struct Fields {
    simulation: Option<ScenarioSimulation>,
    agents: Option<Vec<ScenarioAgent>>,
    costs: Option<Option<CostRates>>,
    lsm: Option<Option<LsmConfig>>,
    ticks_per_day: Option<i64>,
    num_days: Option<i64>,
    rng_seed: Option<u64>,
    agent_configs: Option<Vec<AgentConfig>>,
    cost_rates: Option<Option<CostRates>>,
    queue_discipline: Option<Option<QueueDiscipline>>,
    deadline_mode: Option<Option<DeadlineMode>>,
    event_recording: Option<Option<EventRecording>>,
    scenario_events: Option<Option<Vec<ScenarioEvent>>>,
    rules: Option<Option<crate::rules::RulesConfig>>,
    network: Option<Option<crate::config::NetworkConfig>>,
    max_expected_arrivals: Option<Option<f64>>,
}

/// Read `$key`'s value into `$slot`, failing as serde's derive does on a repeated field.
macro_rules! field {
    ($top:ident, $map:ident, $slot:expr, $key:expr) => {{
        if $slot.is_some() {
            return Err($top.fail("", de::Error::duplicate_field($key)));
        }
        $slot = Some($top.value(&mut $map, $key)?);
    }};
}

/// A non-mapping document.
macro_rules! not_a_mapping {
    ($($method:ident($($ty:ty)?);)*) => {$(
        fn $method<E: de::Error>(self, $(_: $ty)?) -> Result<Parsed, E> {
            Err(self.neither())
        }
    )*};
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a scenario or a machine-format configuration")
    }

    not_a_mapping! {
        visit_bool(bool); visit_i64(i64); visit_u64(u64); visit_i128(i128); visit_u128(u128);
        visit_f64(f64); visit_str(&str); visit_bytes(&[u8]); visit_unit(); visit_none();
    }

    fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<Parsed, D::Error> {
        Err(self.neither())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Parsed, A::Error> {
        Err(self.neither())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Parsed, A::Error> {
        Err(self.neither())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Parsed, A::Error> {
        let mut kind: Option<DocumentKind> = None;
        // An unknown key met before the shape is known: reported (with the right list of
        // expected fields) as soon as the shape is known, as the derive would have.
        let mut unknown: Option<String> = None;
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            if let Some(shape) = DocumentKind::of_key(&key) {
                match kind {
                    None => kind = Some(shape),
                    // A key of the other shape is an unknown field of this one.
                    Some(k) if k != shape => {
                        let e = de::Error::unknown_field(&key, k.fields());
                        return Err(self.fail(&key, e));
                    }
                    Some(_) => {}
                }
            }
            if let Some(k) = kind {
                if let Some(first) = unknown.take() {
                    return Err(self.fail(&first, de::Error::unknown_field(&first, k.fields())));
                }
            }
            match key.as_str() {
                _ if unknown.is_some() => {
                    map.next_value::<IgnoredAny>()?;
                }
                "simulation" => field!(self, map, f.simulation, "simulation"),
                "agents" => field!(self, map, f.agents, "agents"),
                "costs" => field!(self, map, f.costs, "costs"),
                "lsm" => field!(self, map, f.lsm, "lsm"),
                "ticks_per_day" => field!(self, map, f.ticks_per_day, "ticks_per_day"),
                "num_days" => field!(self, map, f.num_days, "num_days"),
                "rng_seed" => field!(self, map, f.rng_seed, "rng_seed"),
                "agent_configs" => field!(self, map, f.agent_configs, "agent_configs"),
                "cost_rates" => field!(self, map, f.cost_rates, "cost_rates"),
                "queue_discipline" => field!(self, map, f.queue_discipline, "queue_discipline"),
                "deadline_mode" => field!(self, map, f.deadline_mode, "deadline_mode"),
                "event_recording" => field!(self, map, f.event_recording, "event_recording"),
                "scenario_events" => field!(self, map, f.scenario_events, "scenario_events"),
                "rules" => field!(self, map, f.rules, "rules"),
                "network" => field!(self, map, f.network, "network"),
                "max_expected_arrivals" => {
                    field!(self, map, f.max_expected_arrivals, "max_expected_arrivals")
                }
                _ => match kind {
                    Some(k) => {
                        return Err(self.fail(&key, de::Error::unknown_field(&key, k.fields())))
                    }
                    None => {
                        unknown = Some(key);
                        map.next_value::<IgnoredAny>()?;
                    }
                },
            }
        }
        match kind {
            None => Err(self.neither()),
            Some(DocumentKind::Scenario) => {
                let simulation = self.require(f.simulation, "simulation")?;
                let agents = self.require(f.agents, "agents")?;
                Ok(Parsed::Scenario(Scenario {
                    simulation,
                    agents,
                    costs: f.costs.flatten(),
                    lsm: f.lsm.flatten(),
                    scenario_events: f.scenario_events.flatten().unwrap_or_default(),
                    rules: f.rules.flatten().unwrap_or_default(),
                    network: f.network.flatten(),
                }))
            }
            Some(DocumentKind::Machine) => Ok(Parsed::Machine(SimulationConfig {
                ticks_per_day: self.require(f.ticks_per_day, "ticks_per_day")?,
                num_days: self.require(f.num_days, "num_days")?,
                rng_seed: self.require(f.rng_seed, "rng_seed")?,
                agent_configs: self.require(f.agent_configs, "agent_configs")?,
                cost_rates: f.cost_rates.flatten().unwrap_or_default(),
                lsm: f.lsm.flatten().unwrap_or_default(),
                queue_discipline: f.queue_discipline.flatten().unwrap_or_default(),
                deadline_mode: f.deadline_mode.flatten().unwrap_or_default(),
                event_recording: f.event_recording.flatten().unwrap_or_default(),
                scenario_events: f.scenario_events.flatten().unwrap_or_default(),
                rules: f.rules.flatten().unwrap_or_default(),
                network: f.network.flatten(),
                max_expected_arrivals: f.max_expected_arrivals.flatten(),
            })),
        }
    }
}

impl TopLevel<'_> {
    /// A required field, or serde's "missing field" error for the document (path "").
    fn require<T, E: de::Error>(&mut self, value: Option<T>, key: &'static str) -> Result<T, E> {
        value.ok_or_else(|| self.fail("", E::missing_field(key)))
    }
}

/// A top-level value read through serde_path_to_error, its path (below `key`) recorded in
/// the trace when it fails.
struct Tracked<'a, T> {
    key: &'a str,
    path: &'a mut Option<String>,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Tracked<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        crate::policy::lang::take_node_path();
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            // A decision tree's node knows its own path below the policy (`policy::lang`).
            let inside = crate::policy::lang::take_node_path();
            *self.path = Some(join(self.key, &path_text(e.path())) + &inside);
            e.into_inner()
        })
    }
}

mod schema;
mod yaml;

pub use schema::config_schema;
#[cfg(test)]
mod tests;
