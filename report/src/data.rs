//! The documents a report lays out, read from the simulation through the core's own
//! document types (the same the C ABI serialises): statistics, indicators, the time series
//! (only the columns drawn) and the scheduled-action events.

use payment_sim_core::config::EventRecording;
use payment_sim_core::stats::Statistics;
use payment_sim_core::{EventRecord, Indicators, Simulation};

/// Samples read per time-series page (bounded memory for the agent-id column).
const PAGE_ROWS: u64 = 1 << 16;
/// Events read per page while looking for scheduled actions.
const EVENT_PAGE: usize = 1 << 16;

/// The payment-lifecycle event types; every other type is a scenario event (a scheduled
/// action: outage, liquidity, credit limit, …), which the report marks on the time axis.
const PAYMENT_EVENTS: [&str; 9] = [
    "arrival",
    "held",
    "released",
    "split",
    "queued",
    "settled",
    "dropped",
    "overdue",
    "end_of_day",
];

/// One agent's sampled paths.
pub struct AgentPath {
    /// The agent.
    pub id: String,
    /// `balance` per sample.
    pub balance: Vec<i64>,
    /// `liquidity_usage` per sample.
    pub liquidity_usage: Vec<i64>,
}

/// The sampled columns the report draws.
pub struct Paths {
    /// The sampling interval.
    pub every: u64,
    /// The ticks run at each sample.
    pub tick: Vec<u64>,
    /// The agents drawn, largest value sent first.
    pub agents: Vec<AgentPath>,
    /// System `queue1_count` per sample.
    pub queue1: Vec<u64>,
    /// System `queue2_count` per sample.
    pub queue2: Vec<u64>,
}

/// Everything on the page.
pub struct Documents {
    /// `statistics()`.
    pub stats: Statistics,
    /// `indicators()`.
    pub indicators: Indicators,
    /// The time series, when recorded.
    pub paths: Option<Paths>,
    /// Scheduled-action events, in order.
    pub events: Vec<EventRecord>,
    /// The run's event recording level.
    pub event_recording: EventRecording,
    /// Agents in the scenario.
    pub agents: usize,
    /// Ticks per day.
    pub ticks_per_day: i64,
    /// Days in the horizon.
    pub num_days: i64,
    /// The horizon in ticks.
    pub horizon: u64,
    /// Whether the whole horizon has run.
    pub finished: bool,
}

/// The indices of the `top` agents by value sent (the indicators' `sent.value`), largest
/// first; ties keep configuration order.
fn largest(indicators: &Indicators, top: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..indicators.agents.len()).collect();
    order.sort_by(|&a, &b| {
        indicators.agents[b]
            .sent
            .value
            .cmp(&indicators.agents[a].sent.value)
            .then(a.cmp(&b))
    });
    order.truncate(top);
    order
}

fn paths(sim: &Simulation, chosen: &[usize]) -> Option<Paths> {
    let recorder = sim.timeseries()?;
    let n = sim.agent_ids().len().max(1);
    let mut out = Paths {
        every: recorder.every,
        tick: Vec::new(),
        agents: chosen
            .iter()
            .map(|&a| AgentPath {
                id: sim.agent_ids()[a].clone(),
                balance: Vec::new(),
                liquidity_usage: Vec::new(),
            })
            .collect(),
        queue1: Vec::new(),
        queue2: Vec::new(),
    };
    let per_page = (PAGE_ROWS / n as u64).max(1);
    let mut from = 0u64;
    loop {
        let page = sim.timeseries_page(from, per_page);
        let samples = page.system.tick.len();
        out.tick.extend_from_slice(&page.system.tick);
        out.queue1.extend_from_slice(&page.system.queue1_count);
        out.queue2.extend_from_slice(&page.system.queue2_count);
        // Rows are sample-major, agents in configuration order (docs/json.md § Time series).
        for (path, &a) in out.agents.iter_mut().zip(chosen) {
            for s in 0..samples {
                let row = s * n + a;
                debug_assert_eq!(page.agents.agent[row], path.id);
                path.balance.push(page.agents.balance[row]);
                path.liquidity_usage.push(page.agents.liquidity_usage[row]);
            }
        }
        from += samples as u64;
        if samples == 0 || from >= page.total_samples {
            break;
        }
    }
    Some(out)
}

fn scenario_events(sim: &Simulation) -> Vec<EventRecord> {
    let mut out = Vec::new();
    let mut since = 0;
    loop {
        let page = sim.events_page(since, EVENT_PAGE);
        let Some(last) = page.last() else { break };
        since = last.seq;
        out.extend(
            page.into_iter()
                .filter(|e| !PAYMENT_EVENTS.contains(&e.kind.as_str())),
        );
    }
    out
}

/// Read the documents of `sim`, with the paths of its `top` largest senders.
pub fn collect(sim: &Simulation, top: usize) -> Documents {
    let indicators = sim.indicators();
    let chosen = largest(&indicators, top);
    let cfg = sim.config();
    Documents {
        stats: sim.statistics(),
        paths: paths(sim, &chosen),
        indicators,
        events: scenario_events(sim),
        event_recording: cfg.event_recording,
        agents: sim.agent_ids().len(),
        ticks_per_day: cfg.ticks_per_day,
        num_days: cfg.num_days,
        horizon: sim.horizon(),
        finished: sim.is_finished(),
    }
}
