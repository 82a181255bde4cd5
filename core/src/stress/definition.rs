//! The stress definition as it is written: a list of stress scenarios, each a flat mapping
//! whose `type` says which fields it takes (as `scenario_events` are), and who it stresses.
//! `docs/model.md` § Stress testing gives the meaning; `expand` checks the rules.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;
use crate::error::SimError;

mapping_only! {
    struct StressDefinition;
    struct StressScenario;
    unit enum StressType;
}

/// A stress definition document: `{scenarios: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct StressDefinition {
    /// The stress scenarios; each one gives one variant per participant it selects.
    pub scenarios: Vec<StressScenario>,
}

/// What a stress scenario does to each participant it selects, one participant per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case")]
pub enum StressType {
    /// The participant is out of operation for `from_tick ≤ t < to_tick` (an `outage`
    /// action; `block_receiving` as there).
    Outage,
    /// `percent` of the participant's balance at the start of `tick` is withdrawn (a
    /// `liquidity` action with a negative amount).
    LiquidityWithdrawal,
}

impl StressType {
    /// The name in documents.
    pub fn name(self) -> &'static str {
        match self {
            StressType::Outage => "outage",
            StressType::LiquidityWithdrawal => "liquidity_withdrawal",
        }
    }
}

/// One stress scenario. Fields by type: `outage` takes `from_tick`, `to_tick` and optionally
/// `block_receiving`; `liquidity_withdrawal` takes `percent` and `tick`. Any other field
/// present is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct StressScenario {
    /// What it does.
    #[serde(rename = "type")]
    pub kind: StressType,
    /// Whom it stresses, one at a time.
    pub participants: Participants,
    /// `outage`: first tick of the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_tick: Option<u64>,
    /// `outage`: first tick after the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_tick: Option<u64>,
    /// `outage`: payments to the participant do not settle either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_receiving: Option<bool>,
    /// `liquidity_withdrawal`: share of the balance withdrawn, 0 < percent ≤ 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// `liquidity_withdrawal`: the tick at whose start it is withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick: Option<u64>,
}

/// Whom a stress scenario stresses: `all` (configuration order), `{largest: N}` (the N
/// participants that sent the most value in the benchmark run), or a list of ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Participants {
    /// Every participant.
    All,
    /// The N largest by value sent (settled) in the benchmark run, ties by id.
    Largest(u64),
    /// These participants, in this order.
    List(Vec<String>),
}

impl Serialize for Participants {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Participants::All => s.serialize_str("all"),
            Participants::Largest(n) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("largest", n)?;
                m.end()
            }
            Participants::List(ids) => ids.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Participants {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Participants;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all`, `{largest: N}` or a list of participant ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Participants, E> {
                if v == "all" {
                    Ok(Participants::All)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Participants, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<String>()? {
                    ids.push(id);
                }
                Ok(Participants::List(ids))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Participants, A::Error> {
                let mut largest = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "largest" {
                        return Err(de::Error::unknown_field(&key, &["largest"]));
                    }
                    if largest.is_some() {
                        return Err(de::Error::duplicate_field("largest"));
                    }
                    largest = Some(map.next_value::<u64>()?);
                }
                largest
                    .map(Participants::Largest)
                    .ok_or_else(|| de::Error::missing_field("largest"))
            }
        }
        d.deserialize_any(V)
    }
}

impl StressDefinition {
    /// Read a stress definition, YAML or JSON, with the document reader's rules (syntax
    /// first, then the shape with its path). The rules that need the configuration are
    /// checked when it is expanded (`crate::stress::run`).
    pub fn from_text(text: &str) -> Result<Self, SimError> {
        let looks_like_json = text.trim_start().starts_with('{');
        if looks_like_json {
            crate::error::parse_json_at(text, "stress definition", SimError::config)
        } else {
            crate::document::read_yaml(text)
        }
    }
}

impl StressScenario {
    /// An outage of each selected participant for `from_tick ≤ t < to_tick`, the window
    /// defaulting to the whole run (0 to `horizon`): the scenario of the CLI's shorthand flags.
    pub fn outage(
        participants: Participants,
        from_tick: Option<u64>,
        to_tick: Option<u64>,
        block_receiving: bool,
        horizon: u64,
    ) -> Self {
        StressScenario {
            kind: StressType::Outage,
            participants,
            from_tick: Some(from_tick.unwrap_or(0)),
            to_tick: Some(to_tick.unwrap_or(horizon)),
            block_receiving: block_receiving.then_some(true),
            percent: None,
            tick: None,
        }
    }

    /// A withdrawal of `percent` % of each selected participant's balance at the start of
    /// `tick` (default 0).
    pub fn liquidity_withdrawal(
        participants: Participants,
        percent: f64,
        tick: Option<u64>,
    ) -> Self {
        StressScenario {
            kind: StressType::LiquidityWithdrawal,
            participants,
            from_tick: None,
            to_tick: None,
            block_receiving: None,
            percent: Some(percent),
            tick: Some(tick.unwrap_or(0)),
        }
    }
}
