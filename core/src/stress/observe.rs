//! Driving one run (the benchmark or a variant) tick by tick and reading what the report
//! compares: balances at the end of every tick, and per sender at the end of each day and of
//! the run its unsettled payments, settled delays and costs.

use super::probe::Probe;
use crate::config::{EventRecording, SimulationConfig};
use crate::engine::Simulation;
use crate::error::SimError;

/// Per-participant figures at the end of a run, and the system's unsettled payments at the
/// end of each day.
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    /// Unsettled at the end of the run: still queued (Queue 1, Queue 2, overdue included)
    /// plus dropped at a deadline, by sender (split parts count one each).
    pub unsettled_value: Vec<i64>,
    pub unsettled_count: Vec<u64>,
    pub settled_count: Vec<u64>,
    pub settled_value: Vec<i64>,
    pub delay_sum: Vec<u64>,
    pub value_delay_sum: Vec<i128>,
    /// Costs of every kind charged to the participant.
    pub cost: Vec<i64>,
    /// Net external flow of scheduled `liquidity` actions (negative: withdrawn).
    pub external_net: Vec<i64>,
    /// The system's unsettled value and count at the end of each day.
    pub day_unsettled_value: Vec<i64>,
    pub day_unsettled_count: Vec<u64>,
}

/// Unsettled value and count by sender now: live transactions plus drops so far.
fn unsettled(sim: &Simulation, probe: &Probe) -> (Vec<i64>, Vec<u64>) {
    let mut value = probe.dropped_value.clone();
    let mut count = probe.dropped_count.clone();
    for tx in sim.txs.iter() {
        let s = tx.sender as usize;
        value[s] = value[s].saturating_add(tx.amount);
        count[s] += 1;
    }
    (value, count)
}

/// Run `config` to its horizon, calling `each_tick(t, balances)` at the end of every tick.
/// Events are not recorded (they change no result, and would cost memory per run).
pub(crate) fn drive(
    mut config: SimulationConfig,
    mut each_tick: impl FnMut(u64, &[i64]),
) -> Result<Figures, SimError> {
    config.event_recording = EventRecording::Off;
    let mut sim = Simulation::new(config)?;
    let n = sim.ids.len();
    sim.probe = Some(Box::new(Probe::new(n)));
    let mut figures = Figures::default();
    while !sim.is_finished() {
        let t = sim.current_tick();
        let result = sim.tick()?;
        each_tick(t, sim.ledger.balances());
        if result.end_of_day {
            let probe = sim.probe.as_deref().expect("attached above");
            let (value, count) = unsettled(&sim, probe);
            figures
                .day_unsettled_value
                .push(value.iter().fold(0i64, |a, &v| a.saturating_add(v)));
            figures.day_unsettled_count.push(count.iter().sum());
        }
    }
    let probe = sim.probe.take().expect("attached above");
    let (value, count) = unsettled(&sim, &probe);
    figures.unsettled_value = value;
    figures.unsettled_count = count;
    let agents = &sim.totals.agents;
    figures.settled_count = agents.iter().map(|a| a.sent_count).collect();
    figures.settled_value = agents.iter().map(|a| a.sent_value).collect();
    figures.cost = agents.iter().map(|a| a.costs.total).collect();
    figures.delay_sum = probe.delay_sum;
    figures.value_delay_sum = probe.value_delay_sum;
    figures.external_net = probe.external_net;
    Ok(figures)
}

/// The benchmark's balance path: n balances per tick, tick-major. The only per-tick record
/// kept; variants compare against it as they run.
pub(crate) struct BalancePath {
    pub agents: usize,
    pub balances: Vec<i64>,
}

impl BalancePath {
    /// Balances at the end of tick `t`.
    pub fn at(&self, t: u64) -> &[i64] {
        let start = t as usize * self.agents;
        &self.balances[start..start + self.agents]
    }
}

/// The benchmark run: its figures and its balance path.
pub(crate) fn benchmark(config: SimulationConfig) -> Result<(Figures, BalancePath), SimError> {
    let agents = config.agent_configs.len();
    let mut balances = Vec::with_capacity(agents.saturating_mul(config.horizon() as usize));
    let figures = drive(config, |_, b| balances.extend_from_slice(b))?;
    Ok((figures, BalancePath { agents, balances }))
}

/// Smallest and largest difference (variant − benchmark) of one participant's balance over
/// the ends of ticks, each with the first tick it was reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Extremes {
    pub min: i64,
    pub min_tick: u64,
    pub max: i64,
    pub max_tick: u64,
}

/// A variant run compared on the fly with the benchmark's path.
pub(crate) fn variant(
    config: SimulationConfig,
    path: &BalancePath,
) -> Result<(Figures, Vec<Extremes>), SimError> {
    let mut extremes = vec![Extremes::default(); path.agents];
    let figures = drive(config, |t, b| {
        for ((e, &v), &base) in extremes.iter_mut().zip(b).zip(path.at(t)) {
            let d = v.saturating_sub(base);
            if t == 0 || d < e.min {
                e.min = d;
                e.min_tick = t;
            }
            if t == 0 || d > e.max {
                e.max = d;
                e.max_tick = t;
            }
        }
    })?;
    Ok((figures, extremes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EventRecording;

    /// Runs record no events: the figures are those of the run with its own recording level.
    #[test]
    fn figures_do_not_depend_on_event_recording() {
        let text = include_str!("../../../examples/scenarios/four_bank_ring.yaml");
        let (mut config, _) = crate::parse_document(text).unwrap();
        config.event_recording = EventRecording::Full;
        let mut sim = Simulation::new(config.clone()).unwrap();
        sim.run_to_end().unwrap();
        let stats = sim.statistics();
        let (figures, path) = benchmark(config).unwrap();
        let sent: Vec<i64> = stats.agents.iter().map(|a| a.sent_value).collect();
        let costs: Vec<i64> = stats.agents.iter().map(|a| a.costs.total).collect();
        assert_eq!(figures.settled_value, sent);
        assert_eq!(figures.cost, costs);
        let last: Vec<i64> = stats.agents.iter().map(|a| a.balance).collect();
        assert_eq!(path.at(sim.horizon() - 1), &last[..]);
        let delays: u64 = figures.delay_sum.iter().sum();
        let settled: u64 = figures.settled_count.iter().sum();
        assert_eq!(delays as f64 / settled as f64, stats.delay.mean_ticks);
        let unsettled: u64 = figures.unsettled_count.iter().sum();
        assert_eq!(
            unsettled,
            stats.drops + stats.queue1_size + stats.queue2_size
        );
    }

    /// The benchmark run as a variant of itself (random arrivals, queues, LSM): nothing moves.
    #[test]
    fn the_benchmark_compared_with_itself_deteriorates_nothing() {
        let text = include_str!("../../../examples/scenarios/four_bank_ring.yaml");
        let (config, _) = crate::parse_document(text).unwrap();
        let (bench, path) = benchmark(config.clone()).unwrap();
        let (again, extremes) = variant(config, &path).unwrap();
        assert!(extremes.iter().all(|e| *e == Extremes::default()));
        assert_eq!(again.unsettled_value, bench.unsettled_value);
        assert_eq!(again.value_delay_sum, bench.value_delay_sum);
        assert_eq!(again.day_unsettled_count, bench.day_unsettled_count);
        assert!(bench.settled_count.iter().sum::<u64>() > 0);
    }
}
