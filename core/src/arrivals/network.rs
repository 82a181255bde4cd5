//! Every agent's arrival stream, from its own `arrival_config` or from the network
//! (`docs/model.md` § Traffic).
//!
//! The network's draws (sizes, links) come from their own named streams per agent, so they
//! never move an arrival stream; memory is O(agents + links): senders without a counterparty
//! rule share one size-proportional table.

use std::collections::HashMap;
use std::sync::Arc;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

use super::{AliasTable, ArrivalStream, Receivers, StreamSpec, ARRIVALS};
use crate::config::{
    AmountDistribution, NetworkConfig, ProfileBand, SimulationConfig, SizeDistribution,
};
use crate::error::{Problem, SimError};
use crate::rng;
use crate::transaction::AgentIdx;

/// Purpose tag of the participant-size draws.
pub(crate) const SIZES: &str = "network-size";
/// Purpose tag of the counterparty-link draws.
pub(crate) const LINKS: &str = "network-links";

/// Largest size kept: the sum of every agent's size stays finite.
const MAX_SIZE: f64 = 1e250;

/// The streams of every agent, in agent order (`None`: no arrivals).
pub(crate) fn build_streams(
    config: &SimulationConfig,
    index: &HashMap<String, AgentIdx>,
) -> Result<Vec<Option<ArrivalStream>>, SimError> {
    let tpd = config.ticks_per_day as u64;
    let n = config.agent_configs.len();
    let mut network = match &config.network {
        Some(net) if config.network_has_senders() => Some(Network::new(config, net, index)),
        _ => None,
    };
    let mut out = Vec::with_capacity(n);
    for (i, agent) in config.agent_configs.iter().enumerate() {
        let fail = |at: &str, e: String| {
            SimError::InvalidConfig(vec![Problem::new(at.to_string(), format!("{at}.{e}"))])
        };
        let stream = rng::stream(config.rng_seed, ARRIVALS, &agent.id);
        if let Some(ac) = &agent.arrival_config {
            // Receivers in their configuration order, whatever the JSON object order.
            let mut receivers: Vec<(AgentIdx, f64)> = (ac.counterparty_weights.iter())
                .map(|(id, &w)| (index[id.as_str()], w))
                .collect();
            receivers.sort_by_key(|r| r.0);
            let at = format!("agent_configs[{i}].arrival_config");
            let spec = StreamSpec {
                rate: ac.rate_per_tick,
                distribution: &ac.distribution,
                receivers: Receivers::weighted(&receivers).map_err(|e| fail(&at, e))?,
                deadline_offset: ac.deadline_offset,
                priority: ac.priority,
                profile: &ac.profile,
                time_critical: ac.time_critical.as_ref(),
                timed: ac.timed.as_ref(),
            };
            out.push(Some(
                ArrivalStream::new(spec, tpd, stream).map_err(|e| fail(&at, e))?,
            ));
            continue;
        }
        let (Some(net), Some(cfg)) = (network.as_mut(), config.network.as_ref()) else {
            out.push(None);
            continue;
        };
        let Some((rate, receivers)) = net.sender(i, &agent.id) else {
            out.push(None);
            continue;
        };
        let spec = StreamSpec {
            rate: rate / tpd as f64,
            distribution: &cfg.distribution,
            receivers,
            deadline_offset: cfg.deadline_offset,
            priority: cfg.priority,
            profile: &cfg.profile,
            time_critical: cfg.time_critical.as_ref(),
            timed: cfg.timed.as_ref(),
        };
        out.push(Some(
            ArrivalStream::new(spec, tpd, stream).map_err(|e| fail("network", e))?,
        ));
    }
    Ok(out)
}

/// Each agent's expected daily outflow in cents: expected payments a day × mean amount
/// (under a profile, the bands' means weighted by their share of the day's payments).
pub(crate) fn expected_daily_outflow(config: &SimulationConfig) -> Vec<f64> {
    let tpd = config.ticks_per_day as f64;
    let index: HashMap<String, AgentIdx> = (config.agent_configs.iter().enumerate())
        .map(|(i, a)| (a.id.clone(), i as AgentIdx))
        .collect();
    let network = match &config.network {
        Some(net) if config.network_has_senders() => Some(Network::new(config, net, &index)),
        _ => None,
    };
    (config.agent_configs.iter().enumerate())
        .map(
            |(i, a)| match (&a.arrival_config, &network, &config.network) {
                (Some(ac), _, _) => {
                    ac.rate_per_tick * tpd * mean_amount(&ac.distribution, &ac.profile)
                }
                (None, Some(net), Some(cfg)) => {
                    net.daily(i) * mean_amount(&cfg.distribution, &cfg.profile)
                }
                _ => 0.0,
            },
        )
        .collect()
}

fn mean_amount(d: &AmountDistribution, profile: &[ProfileBand]) -> f64 {
    let mean = |d: &AmountDistribution| match *d {
        AmountDistribution::Normal { mean, .. } => mean,
        AmountDistribution::LogNormal {
            mean_log,
            std_dev_log,
        } => (mean_log + std_dev_log * std_dev_log / 2.0).exp(),
        AmountDistribution::Uniform { min, max } => (min as f64 + max as f64) / 2.0,
    };
    if profile.is_empty() {
        return mean(d);
    }
    let mass = |b: &ProfileBand| b.weight * (b.to_tick - b.from_tick) as f64;
    let total: f64 = profile.iter().map(mass).sum();
    (profile.iter())
        .map(|b| mass(b) / total * mean(b.distribution.as_ref().unwrap_or(d)))
        .sum()
}

/// The sizes of every agent under `dist`: one draw from each agent's own stream.
pub(crate) fn sizes(config: &SimulationConfig, dist: &SizeDistribution) -> Vec<f64> {
    (config.agent_configs.iter())
        .map(|a| {
            let mut r = rng::stream(config.rng_seed, SIZES, &a.id);
            let x = match *dist {
                SizeDistribution::Pareto { shape, scale } => {
                    let u: f64 = r.random();
                    scale * (1.0 - u).powf(-1.0 / shape)
                }
                SizeDistribution::LogNormal {
                    mean_log,
                    std_dev_log,
                } => LogNormal::new(mean_log, std_dev_log).map_or(1.0, |d| d.sample(&mut r)),
            };
            if x.is_nan() {
                f64::MIN_POSITIVE
            } else {
                x.clamp(f64::MIN_POSITIVE, MAX_SIZE)
            }
        })
        .collect()
}

/// A sender's row of a flow matrix: its daily expected payments and its receivers with their
/// weights, in configuration order.
type Row = (f64, Vec<(AgentIdx, f64)>);

/// What the network gives each sender: its daily expected payments and its receivers.
enum Network {
    Sizes {
        sizes: Vec<f64>,
        /// Daily payments per unit of sender size.
        per_size: f64,
        shared: Arc<AliasTable>,
        total: f64,
        /// `Some((mean, min, mean size))` under a counterparty rule.
        links: Option<(f64, i64, f64)>,
        seed: u64,
        /// Scratch: link counts per receiver.
        counts: Vec<u32>,
        /// Agents with an `arrival_config` of their own (they do not send in the network).
        own_arrivals: Vec<bool>,
    },
    Flows {
        /// Per sender: daily payments and its row (receivers in configuration order).
        rows: Vec<Option<Row>>,
    },
}

impl Network {
    fn new(
        config: &SimulationConfig,
        net: &NetworkConfig,
        index: &HashMap<String, AgentIdx>,
    ) -> Self {
        let n = config.agent_configs.len();
        let ppd = net.payments_per_day;
        if let Some(dist) = &net.size {
            let sizes = sizes(config, dist);
            let total: f64 = sizes.iter().sum();
            let senders: f64 = (sizes.iter().zip(&config.agent_configs))
                .filter(|(_, a)| a.arrival_config.is_none())
                .map(|(s, _)| s)
                .sum();
            let shared = Arc::new(AliasTable::new(&sizes).expect("sizes are positive and finite"));
            let links = net
                .counterparties
                .as_ref()
                .map(|c| (c.mean, c.min, total / n as f64));
            return Network::Sizes {
                per_size: ppd / senders,
                shared,
                total,
                links,
                seed: config.rng_seed,
                counts: vec![0; n],
                own_arrivals: (config.agent_configs.iter())
                    .map(|a| a.arrival_config.is_some())
                    .collect(),
                sizes,
            };
        }
        let mut rows: Vec<Option<Row>> = vec![None; n];
        for f in &net.flows {
            if f.weight > 0.0 {
                let row = rows[index[f.from.as_str()] as usize].get_or_insert((0.0, Vec::new()));
                row.0 += f.weight;
                row.1.push((index[f.to.as_str()], f.weight));
            }
        }
        let total: f64 = rows.iter().flatten().map(|r| r.0).sum();
        for row in rows.iter_mut().flatten() {
            row.0 = ppd * row.0 / total;
            row.1.sort_by_key(|r| r.0);
        }
        Network::Flows { rows }
    }

    /// Sender `i`'s daily expected payments (0 for an agent with its own arrivals).
    fn daily(&self, i: usize) -> f64 {
        match self {
            Network::Flows { rows } => rows[i].as_ref().map_or(0.0, |r| r.0),
            Network::Sizes {
                sizes,
                per_size,
                own_arrivals,
                ..
            } => {
                if own_arrivals[i] {
                    0.0
                } else {
                    per_size * sizes[i]
                }
            }
        }
    }

    /// Sender `i`'s daily expected payments and receivers (`None`: it sends nothing).
    fn sender(&mut self, i: usize, id: &str) -> Option<(f64, Receivers)> {
        match self {
            Network::Flows { rows } => {
                let (daily, row) = rows[i].take()?;
                let weights: Vec<f64> = row.iter().map(|r| r.1).collect();
                let ids: Vec<AgentIdx> = row.into_iter().map(|r| r.0).collect();
                let table = AliasTable::new(&weights)?.relabel(&ids);
                Some((daily, Receivers::Table { table }))
            }
            Network::Sizes {
                sizes,
                per_size,
                shared,
                total,
                links,
                seed,
                counts,
                ..
            } => {
                let me = i as AgentIdx;
                let daily = *per_size * sizes[i];
                let others = *total - sizes[i];
                if others <= 0.0 {
                    return None;
                }
                // A sender holding most of the size draws from a table without itself, so
                // the shared table's redraws stay below two on average.
                let dominant = sizes[i] > 0.5 * *total;
                let draw_from = if dominant {
                    let ids: Vec<AgentIdx> =
                        (0..sizes.len() as AgentIdx).filter(|&j| j != me).collect();
                    let w: Vec<f64> = ids.iter().map(|&j| sizes[j as usize]).collect();
                    let table = AliasTable::new(&w)?.relabel(&ids);
                    Receivers::Table { table }
                } else {
                    Receivers::Shared {
                        table: Arc::clone(shared),
                        me,
                    }
                };
                let Some((mean, min, mean_size)) = *links else {
                    return Some((daily, draw_from));
                };
                let n = sizes.len();
                let k = (mean * sizes[i] / mean_size)
                    .round()
                    .clamp(min as f64, (n - 1) as f64) as usize;
                let mut r: ChaCha8Rng = rng::stream(*seed, LINKS, id);
                let mut touched: Vec<AgentIdx> = Vec::with_capacity(k);
                for _ in 0..k {
                    let j = draw_from.draw(&mut r);
                    if counts[j as usize] == 0 {
                        touched.push(j);
                    }
                    counts[j as usize] += 1;
                }
                touched.sort_unstable();
                let weights: Vec<f64> = touched
                    .iter()
                    .map(|&j| std::mem::take(&mut counts[j as usize]) as f64)
                    .collect();
                let table = AliasTable::new(&weights)?.relabel(&touched);
                Some((daily, Receivers::Table { table }))
            }
        }
    }
}
