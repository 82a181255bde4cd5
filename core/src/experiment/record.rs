//! The record of one run of an experiment: the point (its index and axis values), whether
//! it ran, and the figures every front end reports — one flat row for the system and one per
//! participant, columns in a fixed order (the JSON key order and the CSV column order are
//! both this file's lists, so the CLI's CSV and Python's DataFrame agree column for column).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::config::SimulationConfig;
use crate::engine::Simulation;
use crate::error::SimError;

/// One number of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer (cents, counts, ticks).
    Int(i128),
    /// A ratio or a mean.
    Float(f64),
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Num::Int(v) => match i64::try_from(v) {
                Ok(v) => s.serialize_i64(v),
                Err(_) => s.serialize_i128(v),
            },
            Num::Float(v) => s.serialize_f64(v),
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Num::Int(v) => write!(f, "{v}"),
            Num::Float(v) => write!(f, "{v}"),
        }
    }
}

/// Named numbers in a fixed order, serialized as a mapping in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<(&'static str, Num)>);

impl Row {
    /// The number called `name`.
    pub fn get(&self, name: &str) -> Option<Num> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The axis values of a point, in axis order, serialized as a mapping in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels(pub Vec<(String, Value)>);

impl Serialize for Labels {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One point of an experiment: its position in the order of points and its axis values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// 0-based, in the deterministic order of points.
    pub index: usize,
    /// Axis name → value (for an event set, its name).
    pub values: Labels,
}

/// One participant's figures in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantRow {
    /// Participant id.
    pub participant: String,
    /// Its figures ([`participant_row`]'s columns).
    #[serde(flatten)]
    pub figures: Row,
}

/// The record of one point's run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    /// 0-based, in the order of points.
    pub index: usize,
    /// Axis name → value.
    pub values: Labels,
    /// `ok`, or `failed` (then `error` says why and there are no figures).
    pub status: &'static str,
    /// Why the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// System figures ([`system_row`]'s columns); absent when the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<Row>,
    /// Per participant, in configuration order (empty when the run failed).
    pub participants: Vec<ParticipantRow>,
}

impl RunRecord {
    /// The record of a point whose run failed.
    pub fn failed(point: Point, error: &SimError) -> Self {
        RunRecord {
            index: point.index,
            values: point.values,
            status: "failed",
            error: Some(error.to_string()),
            system: None,
            participants: Vec::new(),
        }
    }
}

/// Run `config` to the end (no event log: the record does not need it), fed from `payments`
/// when given, and record it.
pub(crate) fn run(
    mut config: SimulationConfig,
    point: Point,
    payments: Option<&super::PaymentFile>,
) -> Result<RunRecord, SimError> {
    config.event_recording = crate::config::EventRecording::Off;
    let opening: Vec<(i64, i64)> = (config.agent_configs.iter())
        .map(|a| (a.opening_balance, a.credit_limit))
        .collect();
    let mut sim = Simulation::new(config)?;
    // The record reads whole-run indicators only: closed days need not be kept.
    sim.forget_closed_days();
    match payments {
        Some(f) => f.feed(&mut sim)?,
        None => {
            sim.run_to_end()?;
        }
    }
    let stats = sim.statistics();
    let ind = sim.indicators();
    let system = system_row(&stats, &ind, &opening);
    let participants = (stats.agents.iter().zip(&ind.agents).zip(&opening))
        .map(|((a, i), &(balance, credit))| ParticipantRow {
            participant: a.id.clone(),
            figures: participant_row(a, i, balance, credit),
        })
        .collect();
    Ok(RunRecord {
        index: point.index,
        values: point.values,
        status: "ok",
        error: None,
        system: Some(system),
        participants,
    })
}

use crate::indicators::report::{Indicators, PeriodIndicators};
use crate::stats::{AgentStatistics, Statistics};
use Num::{Float as F, Int as I};

/// The system's columns.
fn system_row(s: &Statistics, ind: &Indicators, opening: &[(i64, i64)]) -> Row {
    let sys = &ind.system;
    let m = &s.settlements_by_mechanism;
    let p = &ind.delay_percentiles;
    Row(vec![
        (
            "opening_liquidity",
            I(opening.iter().map(|o| o.0 as i128).sum()),
        ),
        ("credit", I(opening.iter().map(|o| o.1 as i128).sum())),
        ("liquidity_upper_bound", I(s.liquidity_upper_bound)),
        ("liquidity_lower_bound", I(s.liquidity_lower_bound)),
        ("arrivals", I(s.arrivals.into())),
        ("arrived_value", I(s.arrived_value.into())),
        ("settled_count", I(s.settlements.into())),
        ("settled_value", I(s.settled_value.into())),
        ("settlement_rate_count", F(s.settlement_rate_count)),
        ("settlement_rate_value", F(s.settlement_rate_value)),
        ("unsettled_count", I(sys.unsettled.count.into())),
        ("unsettled_value", I(sys.unsettled.value)),
        ("dropped_count", I(s.drops.into())),
        ("dropped_value", I(s.dropped_value.into())),
        ("delay_indicator", F(s.delay_indicator)),
        ("mean_delay", F(s.delay.mean_ticks)),
        (
            "value_weighted_mean_delay",
            F(sys.value_weighted_mean_delay),
        ),
        ("delay_p50", I(p.p50.into())),
        ("delay_p90", I(p.p90.into())),
        ("delay_p99", I(p.p99.into())),
        ("delay_max", I(s.delay.max_ticks.into())),
        ("settled_rtgs", I(m.rtgs.into())),
        ("settled_queue", I(m.queue.into())),
        ("settled_bilateral", I(m.bilateral.into())),
        ("settled_multilateral", I(m.multilateral.into())),
        ("lsm_share", F(s.lsm_share)),
        ("peak_queue1", I(s.peak_queue1.into())),
        ("peak_queue2", I(s.peak_queue2.into())),
        ("cost_liquidity", I(s.costs.liquidity.into())),
        ("cost_delay", I(s.costs.delay.into())),
        ("cost_split", I(s.costs.split.into())),
        ("cost_deadline_penalty", I(s.costs.deadline_penalty.into())),
        ("cost_eod_penalty", I(s.costs.eod_penalty.into())),
        ("cost_total", I(s.costs.total.into())),
    ])
}

/// A participant's columns.
fn participant_row(a: &AgentStatistics, i: &PeriodIndicators, balance: i64, credit: i64) -> Row {
    Row(vec![
        ("opening_balance", I(balance.into())),
        ("credit_limit", I(credit.into())),
        ("liquidity_upper_bound", I(a.liquidity_upper_bound)),
        ("liquidity_lower_bound", I(a.liquidity_lower_bound)),
        ("sent_count", I(a.sent_count.into())),
        ("sent_value", I(a.sent_value.into())),
        ("received_value", I(a.received_value.into())),
        ("unsettled_count", I(i.unsettled.count.into())),
        ("unsettled_value", I(i.unsettled.value)),
        ("dropped_count", I(i.dropped.count.into())),
        ("dropped_value", I(i.dropped.value)),
        ("delay_indicator", F(a.delay_indicator)),
        ("value_weighted_mean_delay", F(i.value_weighted_mean_delay)),
        ("liquidity_used", I(i.liquidity_used)),
        ("peak_overdraft", I(a.peak_overdraft.into())),
        ("cost_liquidity", I(a.costs.liquidity.into())),
        ("cost_delay", I(a.costs.delay.into())),
        ("cost_split", I(a.costs.split.into())),
        ("cost_deadline_penalty", I(a.costs.deadline_penalty.into())),
        ("cost_eod_penalty", I(a.costs.eod_penalty.into())),
        ("cost_total", I(a.costs.total.into())),
    ])
}
