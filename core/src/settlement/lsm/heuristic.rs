//! `deficit_heuristic`: a fundable set of large value, fast on large queues.
//!
//! Two starts, each completed by re-insertion passes, the better one kept:
//!
//! - *deficit-guided removal*: from all payments, while some agent is short, it drops the one
//!   of its payments that best covers its deficit — the smallest one at least as large as the
//!   deficit whose receiver stays fundable without it, else the smallest one at least as large,
//!   else its largest — so that little value goes for each unit of deficit;
//! - the set `greedy_removal` settles (semantics 1), so the result is never worth less.
//!
//! *Re-insertion*: an agent whose surplus can pay one of its left-out payments takes back the
//! largest that fits; the receiver's surplus rises, so it is visited again, until no left-out
//! payment fits. The result is therefore maximal: no single payment can be added.

use std::collections::BTreeSet;

use super::instance::{greedy_removal, Instance, Mechanisms};

/// How many covering candidates the removal looks at to find one whose receiver can afford
/// the loss (a bound on the work per removal; beyond it, the smallest covering one goes).
const RECEIVER_CANDIDATES: usize = 8;

/// The better of the two completed starts (ties keep the `greedy_removal` start).
pub(crate) fn solve(inst: &Instance, mechanisms: Mechanisms) -> Vec<bool> {
    let mut from_greedy = greedy_removal(inst, mechanisms);
    reinsert(inst, &mut from_greedy);
    let mut from_deficits = deficit_removal(inst);
    reinsert(inst, &mut from_deficits);
    if inst.value(&from_deficits) > inst.value(&from_greedy) {
        from_deficits
    } else {
        from_greedy
    }
}

fn clamp(x: i128) -> i64 {
    x.clamp(0, i64::MAX as i128) as i64
}

/// Start from every payment; while an agent is short (lowest index first), drop the payment
/// of its that best covers its deficit.
pub(crate) fn deficit_removal(inst: &Instance) -> Vec<bool> {
    let n = inst.available.len();
    let mut selected = vec![true; inst.payments.len()];
    let mut surplus = inst.surpluses(&selected);
    let mut outgoing: Vec<BTreeSet<(i64, usize)>> = vec![BTreeSet::new(); n];
    for (i, p) in inst.payments.iter().enumerate() {
        outgoing[p.sender as usize].insert((p.amount, i));
    }
    let mut short: BTreeSet<usize> = (0..n).filter(|&a| surplus[a] < 0).collect();
    while let Some(a) = short.pop_first() {
        while surplus[a] < 0 {
            let deficit = clamp(-surplus[a]);
            let covering = outgoing[a].range((deficit, 0)..);
            let pick = covering
                .clone()
                .take(RECEIVER_CANDIDATES)
                .find(|&&(amount, i)| surplus[inst.payments[i].receiver as usize] >= amount as i128)
                .or_else(|| covering.clone().next())
                .or_else(|| outgoing[a].iter().next_back())
                .copied();
            // A short agent pays more than it receives plus its liquidity: it has a payment.
            let Some((amount, i)) = pick else { break };
            outgoing[a].remove(&(amount, i));
            selected[i] = false;
            let r = inst.payments[i].receiver as usize;
            surplus[a] += amount as i128;
            surplus[r] -= amount as i128;
            if surplus[r] < 0 {
                short.insert(r);
            }
        }
    }
    selected
}

/// Add left-out payments back while any fits its sender's surplus: each visited agent takes
/// the largest that fits, again and again; a receiver that gained is visited (again).
pub(crate) fn reinsert(inst: &Instance, selected: &mut [bool]) {
    let n = inst.available.len();
    let mut surplus = inst.surpluses(selected);
    let mut left_out: Vec<BTreeSet<(i64, usize)>> = vec![BTreeSet::new(); n];
    for (i, p) in inst.payments.iter().enumerate() {
        if !selected[i] {
            left_out[p.sender as usize].insert((p.amount, i));
        }
    }
    let mut visit: BTreeSet<usize> = (0..n).filter(|&a| !left_out[a].is_empty()).collect();
    while let Some(a) = visit.pop_first() {
        while surplus[a] > 0 {
            let fits = left_out[a]
                .range(..=(clamp(surplus[a]), usize::MAX))
                .next_back()
                .copied();
            let Some((amount, i)) = fits else { break };
            left_out[a].remove(&(amount, i));
            selected[i] = true;
            let r = inst.payments[i].receiver as usize;
            surplus[a] -= amount as i128;
            surplus[r] += amount as i128;
            if !left_out[r].is_empty() {
                visit.insert(r);
            }
        }
    }
}
