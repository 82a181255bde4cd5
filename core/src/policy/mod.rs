//! Cash-management policies: which orders leave Queue 1 this tick, and in what order.

use crate::config::PolicyConfig;

/// What a policy sees of one order in Queue 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Order {
    pub amount: i64,
    pub deadline_tick: u64,
    /// Urgent or highly urgent (`crate::rules` classes; the default ones without rules).
    pub urgent: bool,
}

/// Decide the releases of one agent. `orders` is its Queue 1 in arrival order; `release`
/// receives the indices to release in release order (every other order is held). `reserved`
/// is what the agent keeps from normal payments (its reservations; 0 without rules).
pub(crate) fn decide(
    policy: &PolicyConfig,
    orders: &[Order],
    balance: i64,
    reserved: i64,
    tick: u64,
    release: &mut Vec<usize>,
) {
    release.clear();
    match policy {
        PolicyConfig::Fifo { .. } => release.extend(0..orders.len()),
        PolicyConfig::Deadline { .. } => {
            release.extend(0..orders.len());
            // Stable: ties keep arrival order.
            release.sort_by_key(|&i| orders[i].deadline_tick);
        }
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => {
            let mut projected = balance as i128;
            for (i, order) in orders.iter().enumerate() {
                let urgent = order.deadline_tick.saturating_sub(tick) <= *urgency_threshold as u64;
                let after = projected - order.amount as i128;
                if urgent || after >= *target_buffer as i128 {
                    projected = after;
                    release.push(i);
                }
            }
        }
        PolicyConfig::UrgentFirst { target_buffer, .. } => {
            let mut projected = balance as i128;
            for (i, order) in orders.iter().enumerate().filter(|(_, o)| o.urgent) {
                projected -= order.amount as i128;
                release.push(i);
            }
            let floor = reserved as i128 + *target_buffer as i128;
            for (i, order) in orders.iter().enumerate().filter(|(_, o)| !o.urgent) {
                let after = projected - order.amount as i128;
                if after >= floor {
                    projected = after;
                    release.push(i);
                }
            }
        }
    }
}

/// The parts a released order of `amount` becomes under `threshold`/`max_parts`:
/// `k = min(max_parts, ceil(amount / threshold))` equal parts, the remainder on the last.
/// Returns `None` when the order is not split.
pub(crate) fn split_amounts(amount: i64, threshold: i64, max_parts: i64) -> Option<Vec<i64>> {
    if amount <= threshold {
        return None;
    }
    // ceil without `amount + threshold - 1`, which could overflow near i64::MAX.
    let needed = amount / threshold + i64::from(amount % threshold != 0);
    let k = max_parts.min(needed).max(2);
    let base = amount / k;
    let mut parts = vec![base; k as usize];
    parts[k as usize - 1] = amount - base * (k - 1);
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(amount: i64, deadline_tick: u64) -> Order {
        Order {
            amount,
            deadline_tick,
            urgent: false,
        }
    }

    #[test]
    fn fifo_releases_all_in_order_and_deadline_sorts_stably() {
        let orders = [o(1, 9), o(2, 3), o(3, 9), o(4, 1)];
        let mut r = Vec::new();
        decide(
            &PolicyConfig::Fifo { split: None },
            &orders,
            0,
            0,
            0,
            &mut r,
        );
        assert_eq!(r, vec![0, 1, 2, 3]);
        decide(
            &PolicyConfig::Deadline { split: None },
            &orders,
            0,
            0,
            0,
            &mut r,
        );
        assert_eq!(r, vec![3, 1, 0, 2]);
    }

    #[test]
    fn liquidity_aware_keeps_buffer_unless_urgent() {
        let policy = PolicyConfig::LiquidityAware {
            target_buffer: 50,
            urgency_threshold: 2,
            split: None,
        };
        // balance 100: first (40) leaves 60 ≥ 50 → release; second (40) would leave 20 → hold;
        // third is urgent (deadline 12 at tick 10) → release, projection 20; fourth (5) → 15 < 50 hold.
        let orders = [o(40, 50), o(40, 50), o(40, 12), o(5, 50)];
        let mut r = Vec::new();
        decide(&policy, &orders, 100, 0, 10, &mut r);
        assert_eq!(r, vec![0, 2]);
    }

    #[test]
    fn urgent_first_releases_urgent_orders_first_and_keeps_the_buffer_above_reservations() {
        let policy = PolicyConfig::UrgentFirst {
            target_buffer: 20,
            split: None,
        };
        let urgent = |amount| Order {
            urgent: true,
            ..o(amount, 50)
        };
        // Balance 200, 30 reserved: urgent 90 and 50 go first (projected 60, whatever the
        // buffer); normal 10 leaves 50 ≥ 30 + 20 → released; normal 5 would leave 45 → held;
        // normal 0-cost check: a later one of 0 is not possible, amounts are ≥ 1.
        let orders = [o(10, 50), urgent(90), o(5, 50), urgent(50)];
        let mut r = Vec::new();
        decide(&policy, &orders, 200, 30, 10, &mut r);
        assert_eq!(r, vec![1, 3, 0]);
        // Without a reservation the 5 fits too (45 ≥ 20).
        decide(&policy, &orders, 200, 0, 10, &mut r);
        assert_eq!(r, vec![1, 3, 0, 2]);
    }

    #[test]
    fn split_parts_sum_to_amount() {
        assert_eq!(split_amounts(100, 100, 4), None);
        assert_eq!(split_amounts(250, 100, 4), Some(vec![83, 83, 84]));
        assert_eq!(split_amounts(1000, 100, 4), Some(vec![250, 250, 250, 250]));
        assert_eq!(split_amounts(101, 100, 5), Some(vec![50, 51]));
    }
}
