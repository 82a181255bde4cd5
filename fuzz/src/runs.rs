//! Small random configurations and runs built from fuzzer bytes.

use arbitrary::{Result, Unstructured};
use payment_sim_core::config::{
    AgentConfig, AmountDistribution, ArrivalConfig, CostRates, DeadlineMode, EventRecording,
    LsmAlgorithm, LsmConfig, PolicyConfig, QueueDiscipline, SplitConfig,
};
use payment_sim_core::{ActionType, ScenarioEvent, Simulation, SimulationConfig, Submission};

/// Agent ids of generated configurations.
pub const AGENT_IDS: [&str; 5] = ["A", "B", "C", "D", "E"];

// When the fuzzer's bytes run out, `arbitrary` answers the low end of every range, `true` to
// every `ratio` and the first choice: these helpers make that default a busy run (many agents,
// long horizon, arrivals, queues) rather than an empty one, so short inputs already reach
// queued transactions.

/// An integer in `lo..=hi`, `hi` when the bytes run out.
pub(crate) fn high<T: arbitrary::unstructured::Int>(
    u: &mut Unstructured,
    lo: T,
    hi: T,
) -> Result<T> {
    Ok(hi - u.int_in_range(T::ZERO..=hi - lo)?)
}

/// True once in `k`, false when the bytes run out.
pub(crate) fn one_in(u: &mut Unstructured, k: u8) -> Result<bool> {
    Ok(u.int_in_range(1..=k)? == k)
}

/// A small valid configuration (2–5 agents, at most 24 ticks, bounded work per tick), every
/// policy, distribution, LSM switch, discipline and deadline mode reachable. With `wide`,
/// balances and limits may be extreme (for overflow paths).
pub fn small_config(u: &mut Unstructured, wide: bool) -> Result<SimulationConfig> {
    let n = if one_in(u, 8)? {
        5
    } else {
        high(u, 2usize, 4)?
    };
    let mut agents = Vec::with_capacity(n);
    for i in 0..n {
        let credit_limit = if wide && one_in(u, 4)? {
            *u.choose(&[0, 1, 1 << 40, i64::MAX / 8, i64::MAX])?
        } else {
            u.int_in_range(0..=500)?
        };
        let opening_balance = if wide && one_in(u, 4)? {
            *u.choose(&[0, 1, 1 << 40, i64::MAX / 8, i64::MAX / 2, i64::MAX])?
        } else {
            u.int_in_range(0..=3_000)?
        };
        let split = if one_in(u, 3)? {
            Some(SplitConfig {
                threshold: u.int_in_range(1..=1_000)?,
                max_parts: u.int_in_range(2..=5)?,
            })
        } else {
            None
        };
        let policy = match u.int_in_range(0..=2)? {
            0 => PolicyConfig::Fifo { split },
            1 => PolicyConfig::Deadline { split },
            _ => PolicyConfig::LiquidityAware {
                target_buffer: u.int_in_range(0..=2_000)?,
                urgency_threshold: u.int_in_range(0..=10)?,
                split,
            },
        };
        let arrival_config = if one_in(u, 4)? {
            None
        } else {
            let mut weights = std::collections::BTreeMap::new();
            for (j, id) in AGENT_IDS.iter().enumerate().take(n) {
                if j != i && !one_in(u, 3)? {
                    weights.insert(id.to_string(), *u.choose(&[1.0, 0.5, 3.0, 0.0])?);
                }
            }
            if weights.values().all(|&w| w == 0.0) {
                weights.insert(AGENT_IDS[(i + 1) % n].to_string(), 1.0);
            }
            let distribution = match u.int_in_range(0..=2)? {
                0 => {
                    let min = u.int_in_range(0..=500)?;
                    AmountDistribution::Uniform {
                        min,
                        max: min + high(u, 1, 2_000)?,
                    }
                }
                1 => AmountDistribution::Normal {
                    mean: f64::from(high(u, 1u32, 2_000)?),
                    std_dev: f64::from(high(u, 1u32, 1_000)?) / 2.0,
                },
                _ => AmountDistribution::LogNormal {
                    mean_log: f64::from(high(u, 0u32, 80)?) / 10.0,
                    std_dev_log: f64::from(high(u, 1u32, 15)?) / 10.0,
                },
            };
            Some(ArrivalConfig {
                rate_per_tick: *u.choose(&[1.0, 0.5, 0.2, 2.0, 0.1])?,
                distribution,
                counterparty_weights: weights,
                deadline_offset: high(u, 1, 15)?,
                priority: u.int_in_range(0..=10)?,
            })
        };
        agents.push(AgentConfig {
            id: AGENT_IDS[i].to_string(),
            opening_balance: opening_balance.max(-credit_limit),
            credit_limit,
            policy,
            arrival_config,
        });
    }
    let ticks_per_day = high(u, 2, 12)?;
    let num_days = high(u, 1, 2)?;
    let scenario_events = scheduled(u, &agents, (ticks_per_day * num_days) as u64)?;
    Ok(SimulationConfig {
        ticks_per_day,
        num_days,
        rng_seed: u.arbitrary::<u16>()?.into(),
        agent_configs: agents,
        cost_rates: if one_in(u, 2)? {
            CostRates {
                liquidity_cost_per_unit_per_tick: u.int_in_range(0..=1_000_000)?,
                delay_cost_per_tick: u.int_in_range(0..=100)?,
                split_friction_cost: u.int_in_range(0..=100)?,
                deadline_penalty: u.int_in_range(0..=1_000)?,
                eod_penalty: u.int_in_range(0..=1_000)?,
            }
        } else {
            CostRates::default()
        },
        lsm: LsmConfig {
            bilateral: !one_in(u, 4)?,
            multilateral: !one_in(u, 4)?,
            algorithm: *u.choose(&[
                None,
                Some(LsmAlgorithm::GreedyRemoval),
                Some(LsmAlgorithm::PrefixOptimum),
                Some(LsmAlgorithm::DeficitHeuristic),
                Some(LsmAlgorithm::Exact),
            ])?,
        },
        queue_discipline: *u.choose(&[QueueDiscipline::BypassFifo, QueueDiscipline::Fifo])?,
        deadline_mode: *u.choose(&[DeadlineMode::Drop, DeadlineMode::Overdue])?,
        // Settled events are what the double-settlement check counts: never `off` here
        // (`settlements`, the smaller log, first: snapshot round trips dominate the time).
        event_recording: *u.choose(&[EventRecording::Settlements, EventRecording::Full])?,
        scenario_events,
        rules: Default::default(),
    })
}

/// A few valid scheduled actions (none, usually): an outage of one agent, external flows that
/// may ask for more than an agent holds, a credit change.
fn scheduled(
    u: &mut Unstructured,
    agents: &[AgentConfig],
    horizon: u64,
) -> arbitrary::Result<Vec<ScenarioEvent>> {
    let mut events = Vec::new();
    if !one_in(u, 3)? {
        return Ok(events);
    }
    let pick = |u: &mut Unstructured| -> arbitrary::Result<String> {
        Ok(u.choose(agents)?.id.clone())
    };
    let from = u.int_in_range(0..=horizon - 1)?;
    let to = u.int_in_range(from + 1..=horizon)?;
    let mut outage = ScenarioEvent::outage(&pick(u)?, from, to);
    outage.block_receiving = Some(u.arbitrary()?);
    events.push(outage);
    for _ in 0..u.int_in_range(0..=2)? {
        let amount = u.int_in_range(-2_000_000i64..=2_000_000)?;
        let tick = u.int_in_range(0..=horizon - 1)?;
        let amount = if amount == 0 { 1 } else { amount };
        events.push(ScenarioEvent::liquidity(&pick(u)?, tick, amount));
    }
    if one_in(u, 2)? {
        events.push(ScenarioEvent {
            agent: Some(pick(u)?),
            tick: Some(u.int_in_range(0..=horizon - 1)?),
            credit_limit: Some(u.int_in_range(0..=100_000)?),
            ..ScenarioEvent::new(ActionType::CreditLimit)
        });
    }
    Ok(events)
}

/// A manual order between two of the generated agents.
#[derive(Debug, Clone)]
pub struct Order {
    /// Sender index.
    pub sender: usize,
    /// Receiver index.
    pub receiver: usize,
    /// Amount in cents (may be ≤ 0 or extreme: refused ones are fine).
    pub amount: i64,
    /// Deadline offset.
    pub deadline_offset: i64,
    /// Priority.
    pub priority: i64,
}

impl Order {
    pub(crate) fn arbitrary(u: &mut Unstructured, n: usize) -> Result<Self> {
        Ok(Order {
            sender: u.int_in_range(0..=n - 1)?,
            receiver: u.int_in_range(0..=n - 1)?,
            amount: if one_in(u, 8)? {
                *u.choose(&[0, -1, i64::MIN, i64::MAX, 1 << 53])?
            } else {
                high(u, 1, 3_000)?
            },
            deadline_offset: if one_in(u, 8)? {
                *u.choose(&[0, -1, i64::MAX, 1 << 40])?
            } else {
                high(u, 1, 20)?
            },
            priority: if one_in(u, 8)? {
                *u.choose(&[-1, 11, i64::MAX])?
            } else {
                u.int_in_range(0..=10)?
            },
        })
    }

    /// As a core submission.
    pub fn submission(&self) -> Submission {
        Submission {
            sender: AGENT_IDS[self.sender].to_string(),
            receiver: AGENT_IDS[self.receiver].to_string(),
            amount: self.amount,
            deadline_offset: self.deadline_offset,
            priority: self.priority,
            from_offset: None,
        }
    }
}

/// What happens before the snapshot is taken: ticks and manual orders.
#[derive(Debug, Clone)]
pub enum Step {
    /// Execute one tick.
    Tick,
    /// Submit an order (refusals are fine).
    Submit(Order),
}

/// `ticks` ticks with up to `max_orders` manual orders placed among them.
pub(crate) fn steps(
    u: &mut Unstructured,
    n: usize,
    ticks: usize,
    max_orders: usize,
) -> Result<Vec<Step>> {
    let mut out = vec![Step::Tick; ticks];
    for _ in 0..u.int_in_range(0..=max_orders)? {
        let at = u.int_in_range(0..=out.len())?;
        out.insert(at, Step::Submit(Order::arbitrary(u, n)?));
    }
    Ok(out)
}

/// Play steps on a simulation; ticks past the horizon and refused orders are skipped.
pub fn play(sim: &mut Simulation, steps: &[Step]) {
    for step in steps {
        match step {
            Step::Tick => {
                if !sim.is_finished() {
                    sim.tick().expect("a tick of a valid simulation failed");
                }
            }
            Step::Submit(order) => {
                let _ = sim.submit(&order.submission());
            }
        }
    }
}
