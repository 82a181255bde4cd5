//! The rules of networks, intraday profiles and time-critical shares, and the cap on the
//! expected arrivals of a run (`docs/model.md` § Traffic). Checked with the rest of the
//! configuration, so every problem is reported, with its path, before any work starts.

use std::collections::{BTreeMap, BTreeSet};

use super::validate::{rule, validate_distribution};
use super::*;
use crate::error::Problem;

impl SimulationConfig {
    /// Expected new orders per tick of the whole system, averaged over a day (profiles move
    /// arrivals within the day, never their daily total): explicit rates plus the network's.
    pub fn expected_orders_per_tick(&self) -> f64 {
        let explicit: f64 = (self.agent_configs.iter())
            .filter_map(|a| a.arrival_config.as_ref())
            .map(|a| a.rate_per_tick)
            .sum();
        explicit + self.network_orders_per_tick()
    }

    /// Expected new orders per tick of the network's senders, averaged over a day.
    pub fn network_orders_per_tick(&self) -> f64 {
        match &self.network {
            Some(n) if self.network_has_senders() && self.ticks_per_day > 0 => {
                n.payments_per_day / self.ticks_per_day as f64
            }
            _ => 0.0,
        }
    }

    /// Whether the network sends anything: its flows name senders, or (sizes) some agent has
    /// no `arrival_config` of its own.
    pub(crate) fn network_has_senders(&self) -> bool {
        match &self.network {
            None => false,
            Some(n) if n.size.is_some() => self
                .agent_configs
                .iter()
                .any(|a| a.arrival_config.is_none()),
            Some(n) => !n.flows.is_empty(),
        }
    }

    pub(super) fn validate_traffic(&self, ids: &BTreeMap<&str, usize>, p: &mut Vec<Problem>) {
        let tpd = self.ticks_per_day;
        for (i, agent) in self.agent_configs.iter().enumerate() {
            if let Some(a) = &agent.arrival_config {
                let at = format!("agent_configs[{i}].arrival_config");
                let name = agent.id.as_str();
                validate_profile(&at, name, &a.profile, a.rate_per_tick, tpd, p);
                if let Some(tc) = &a.time_critical {
                    validate_time_critical(&format!("{at}.time_critical"), name, tc, p);
                }
            }
        }
        if let Some(n) = &self.network {
            self.validate_network(n, ids, p);
        }
        self.validate_expected_arrivals(p);
    }

    fn validate_network(
        &self,
        n: &NetworkConfig,
        ids: &BTreeMap<&str, usize>,
        p: &mut Vec<Problem>,
    ) {
        let name = "the network";
        if let Some(file) = &n.flows_file {
            p.push(
                rule(
                    "network.flows_file".into(),
                    format_args!(
                        " {file:?} must be read before the configuration reaches the core (the CLI reads it relative to the scenario; elsewhere give `flows` inline)"
                    ),
                )
                .with_value(file.as_str()),
            );
        }
        let ppd = n.payments_per_day;
        if !(ppd.is_finite() && ppd > 0.0) {
            p.push(
                rule(
                    "network.payments_per_day".into(),
                    format_args!(" must be positive and finite (got {ppd})"),
                )
                .with_float(ppd),
            );
        } else if self.ticks_per_day > 0 && ppd / self.ticks_per_day as f64 > MAX_RATE_PER_TICK {
            p.push(
                rule(
                    "network.payments_per_day".into(),
                    format_args!(
                        " ({ppd}) must be at most {MAX_RATE_PER_TICK} per tick ({} ticks a day)",
                        self.ticks_per_day
                    ),
                )
                .with_float(ppd),
            );
        }
        validate_distribution("network.distribution", name, &n.distribution, p);
        if self.agent_configs.len() < 2 {
            p.push(rule(
                "network".into(),
                " needs at least two agents (a payment has a sender and a receiver)",
            ));
        }
        match (&n.size, n.flows.is_empty() && n.flows_file.is_none()) {
            (Some(_), false) => p.push(rule(
                "network".into(),
                " must give either `size` or `flows`, not both",
            )),
            (None, true) => p.push(rule(
                "network".into(),
                " must give `size` (a size distribution) or `flows` (a flow matrix)",
            )),
            _ => {}
        }
        if let Some(size) = &n.size {
            validate_size(size, p);
        }
        if let Some(c) = &n.counterparties {
            if n.size.is_none() {
                p.push(rule(
                    "network.counterparties".into(),
                    " applies to sizes only (a flow matrix names its counterparties)",
                ));
            }
            if !(c.mean.is_finite() && c.mean > 0.0) {
                p.push(
                    rule(
                        "network.counterparties.mean".into(),
                        format_args!(" must be positive and finite (got {})", c.mean),
                    )
                    .with_float(c.mean),
                );
            }
            if c.min < 1 {
                p.push(
                    rule(
                        "network.counterparties.min".into(),
                        format_args!(" must be ≥ 1 (got {})", c.min),
                    )
                    .with_value(c.min),
                );
            }
        }
        self.validate_flows(&n.flows, ids, p);
        if n.deadline_offset < 1 {
            p.push(
                rule(
                    "network.deadline_offset".into(),
                    format_args!(" must be ≥ 1 tick (got {})", n.deadline_offset),
                )
                .with_value(n.deadline_offset),
            );
        }
        if !(0..=MAX_PRIORITY).contains(&n.priority) {
            p.push(
                rule(
                    "network.priority".into(),
                    format_args!(" must be between 0 and {MAX_PRIORITY} (got {})", n.priority),
                )
                .with_value(n.priority),
            );
        }
        let rate = if self.ticks_per_day > 0 {
            ppd / self.ticks_per_day as f64
        } else {
            0.0
        };
        validate_profile("network", name, &n.profile, rate, self.ticks_per_day, p);
        if let Some(tc) = &n.time_critical {
            validate_time_critical("network.time_critical", name, tc, p);
        }
    }

    fn validate_flows(&self, flows: &[Flow], ids: &BTreeMap<&str, usize>, p: &mut Vec<Problem>) {
        let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
        let mut total = 0.0;
        for (k, f) in flows.iter().enumerate() {
            let at = format!("network.flows[{k}]");
            for (field, id) in [("from", &f.from), ("to", &f.to)] {
                if !ids.contains_key(id.as_str()) {
                    p.push(
                        rule(
                            format!("{at}.{field}"),
                            format_args!(": agent {id:?} does not exist"),
                        )
                        .with_value(id.as_str()),
                    );
                }
            }
            if let Some(&i) = ids.get(f.from.as_str()) {
                if self.agent_configs[i].arrival_config.is_some() {
                    p.push(
                        rule(
                            format!("{at}.from"),
                            format_args!(
                                ": agent {:?} has its own arrival_config (agent_configs[{i}])",
                                f.from
                            ),
                        )
                        .with_value(f.from.as_str()),
                    );
                }
            }
            if f.from == f.to {
                p.push(
                    rule(
                        format!("{at}.to"),
                        format_args!(": an agent cannot pay itself ({:?})", f.to),
                    )
                    .with_value(f.to.as_str()),
                );
            }
            if !seen.insert((f.from.as_str(), f.to.as_str())) {
                p.push(rule(
                    at.clone(),
                    format_args!(": a second flow from {:?} to {:?}", f.from, f.to),
                ));
            }
            if !(f.weight.is_finite() && f.weight >= 0.0) {
                p.push(
                    rule(
                        format!("{at}.weight"),
                        format_args!(" must be finite and ≥ 0 (got {})", f.weight),
                    )
                    .with_float(f.weight),
                );
            } else {
                total += f.weight;
            }
        }
        let usable = total > 0.0 && total.is_finite();
        if !flows.is_empty() && !usable {
            p.push(
                rule(
                    "network.flows".into(),
                    format_args!(" must sum to a positive finite weight (got {total})"),
                )
                .with_float(total),
            );
        }
    }

    fn validate_expected_arrivals(&self, p: &mut Vec<Problem>) {
        // Opt-in: interactive sessions and benchmarks use effectively endless horizons.
        let Some(cap) = self.max_expected_arrivals else {
            return;
        };
        if !(cap.is_finite() && cap > 0.0) {
            p.push(
                rule(
                    "max_expected_arrivals".into(),
                    format_args!(" must be positive and finite (got {cap})"),
                )
                .with_float(cap),
            );
            return;
        }
        if self.ticks_per_day <= 0 || self.num_days <= 0 {
            return;
        }
        let expected = self.expected_orders_per_tick() * self.horizon() as f64;
        if expected > cap {
            p.push(
                rule(
                    "max_expected_arrivals".into(),
                    format_args!(
                        ": the configuration expects {expected:.4e} arrivals over {} ticks, more than the cap of {cap:.4e} (raise `max_expected_arrivals` to run it)",
                        self.horizon()
                    ),
                )
                .with_float(expected),
            );
        }
    }
}

fn validate_size(size: &SizeDistribution, p: &mut Vec<Problem>) {
    match *size {
        SizeDistribution::Pareto { shape, scale } => {
            for (field, x) in [("shape", shape), ("scale", scale)] {
                if !(x.is_finite() && x > 0.0) {
                    p.push(
                        rule(
                            format!("network.size.{field}"),
                            format_args!(" must be positive and finite (got {x})"),
                        )
                        .with_float(x),
                    );
                }
            }
        }
        // The same rules as a log-normal amount distribution.
        SizeDistribution::LogNormal {
            mean_log,
            std_dev_log,
        } => validate_distribution(
            "network.size",
            "the network",
            &AmountDistribution::LogNormal {
                mean_log,
                std_dev_log,
            },
            p,
        ),
    }
}

/// A profile's bands, sorted by their start, must tile `[0, ticks_per_day)`; its busiest band
/// must stay within `MAX_RATE_PER_TICK`.
fn validate_profile(
    at: &str,
    name: &str,
    bands: &[ProfileBand],
    rate: f64,
    ticks_per_day: i64,
    p: &mut Vec<Problem>,
) {
    if bands.is_empty() {
        return;
    }
    let path = |k: usize, field: &str| format!("{at}.profile[{k}]{field}");
    let mut order: Vec<usize> = (0..bands.len()).collect();
    order.sort_by_key(|&k| (bands[k].from_tick, bands[k].to_tick));
    let mut covered = 0i64;
    let mut last: Option<usize> = None;
    let mut mass = 0.0;
    let mut ok = true;
    // A band outside the day says nothing about coverage: no gap is reported after one.
    let mut outside = false;
    for &k in &order {
        let b = &bands[k];
        if b.from_tick < 0 || b.to_tick <= b.from_tick || b.to_tick > ticks_per_day.max(0) {
            p.push(
                rule(
                    path(k, ""),
                    format_args!(
                        " of {name:?}: ticks [{}, {}) must satisfy 0 ≤ from_tick < to_tick ≤ ticks_per_day ({ticks_per_day})",
                        b.from_tick, b.to_tick
                    ),
                )
                .with_value(b.from_tick),
            );
            ok = false;
            outside = true;
            continue;
        }
        if b.from_tick < covered {
            let j = last.unwrap_or(k);
            p.push(
                rule(
                    path(k, ".from_tick"),
                    format_args!(
                        " of {name:?}: band [{}, {}) overlaps {at}.profile[{j}]",
                        b.from_tick, b.to_tick
                    ),
                )
                .with_value(b.from_tick),
            );
            ok = false;
        } else if b.from_tick > covered {
            p.push(
                rule(
                    format!("{at}.profile"),
                    format_args!(
                        " of {name:?} does not cover ticks [{covered}, {}) of the day",
                        b.from_tick
                    ),
                )
                .with_value(covered),
            );
            ok = false;
        }
        covered = covered.max(b.to_tick);
        last = Some(k);
        if !(b.weight.is_finite() && b.weight >= 0.0) {
            p.push(
                rule(
                    path(k, ".weight"),
                    format_args!(" of {name:?} must be finite and ≥ 0 (got {})", b.weight),
                )
                .with_float(b.weight),
            );
            ok = false;
        } else {
            mass += b.weight * (b.to_tick - b.from_tick) as f64;
        }
        if let Some(d) = &b.distribution {
            validate_distribution(&path(k, ".distribution"), name, d, p);
        }
    }
    if ticks_per_day > 0 && covered < ticks_per_day && !outside {
        p.push(
            rule(
                format!("{at}.profile"),
                format_args!(
                    " of {name:?} does not cover ticks [{covered}, {ticks_per_day}) of the day"
                ),
            )
            .with_value(covered),
        );
        ok = false;
    }
    if ok && !(mass > 0.0 && mass.is_finite()) {
        p.push(rule(
            format!("{at}.profile"),
            format_args!(" of {name:?}: the weights must not all be 0"),
        ));
        ok = false;
    }
    if ok && rate.is_finite() {
        let peak = bands.iter().map(|b| b.weight).fold(0.0, f64::max);
        let busiest = rate * peak * ticks_per_day as f64 / mass;
        if busiest > MAX_RATE_PER_TICK {
            p.push(
                rule(
                    format!("{at}.profile"),
                    format_args!(
                        " of {name:?}: the busiest band's rate ({busiest}) exceeds {MAX_RATE_PER_TICK} per tick"
                    ),
                )
                .with_float(busiest),
            );
        }
    }
}

fn validate_time_critical(at: &str, name: &str, tc: &TimeCritical, p: &mut Vec<Problem>) {
    if !(tc.share.is_finite() && (0.0..=1.0).contains(&tc.share)) {
        p.push(
            rule(
                format!("{at}.share"),
                format_args!(" of {name:?} must be between 0 and 1 (got {})", tc.share),
            )
            .with_float(tc.share),
        );
    }
    if tc.deadline_offset < 1 {
        p.push(
            rule(
                format!("{at}.deadline_offset"),
                format_args!(" of {name:?} must be ≥ 1 tick (got {})", tc.deadline_offset),
            )
            .with_value(tc.deadline_offset),
        );
    }
    if !(0..=MAX_PRIORITY).contains(&tc.priority) {
        p.push(
            rule(
                format!("{at}.priority"),
                format_args!(
                    " of {name:?} must be between 0 and {MAX_PRIORITY} (got {})",
                    tc.priority
                ),
            )
            .with_value(tc.priority),
        );
    }
}
