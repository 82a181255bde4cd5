//! An offsetting problem on its own, away from the engine: the available liquidity of each
//! agent and the queued payments in retry order. Every algorithm works on this, so the tests
//! and `make bench-lsm` run exactly the code the engine runs.
//!
//! A *set* of payments is a `Vec<bool>` over `payments` (selected or not); it is *fundable*
//! when every agent's net debit in it is at most its available liquidity.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use crate::config::MAX_PRIORITY;

/// A queued payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// Sender (an index into `available`).
    pub sender: u32,
    /// Receiver (an index into `available`), not the sender.
    pub receiver: u32,
    /// Amount in cents, ≥ 1.
    pub amount: i64,
    /// Priority 0–10 (higher first in retry order).
    pub priority: u8,
    /// Queue 2 entry number (unique; lower first among equal priorities).
    pub entry: u64,
}

impl Payment {
    /// Its place in retry order.
    pub fn order_key(&self) -> (u8, u64) {
        (
            (MAX_PRIORITY as u8).saturating_sub(self.priority),
            self.entry,
        )
    }
}

/// Which offsetting mechanisms are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mechanisms {
    /// Bilateral offsetting.
    pub bilateral: bool,
    /// Multilateral offsetting.
    pub multilateral: bool,
}

/// An offsetting problem: liquidity per agent and the payments of Queue 2 in retry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Balance plus credit line of each agent (≥ 0).
    pub available: Vec<i64>,
    /// Queued payments, in retry order.
    pub payments: Vec<Payment>,
    /// The strict `fifo` discipline (only each sender's earliest-entered payment may settle
    /// gross; it matters for the Queue 2 retries inside `greedy_removal`).
    pub fifo: bool,
}

impl Instance {
    /// An instance with the payments put in retry order.
    pub fn new(available: Vec<i64>, mut payments: Vec<Payment>, fifo: bool) -> Self {
        payments.sort_by_key(Payment::order_key);
        Instance {
            available,
            payments,
            fifo,
        }
    }

    /// Total value of a set.
    pub fn value(&self, set: &[bool]) -> i128 {
        self.payments
            .iter()
            .zip(set)
            .filter(|(_, &s)| s)
            .map(|(p, _)| p.amount as i128)
            .sum()
    }

    /// Each agent's surplus `available + net` under a set (negative: short).
    pub fn surpluses(&self, set: &[bool]) -> Vec<i128> {
        let mut surplus: Vec<i128> = self.available.iter().map(|&a| a as i128).collect();
        for (p, _) in self.payments.iter().zip(set).filter(|(_, &s)| s) {
            surplus[p.sender as usize] -= p.amount as i128;
            surplus[p.receiver as usize] += p.amount as i128;
        }
        surplus
    }

    /// Whether every agent can fund its net debit in the set.
    pub fn is_fundable(&self, set: &[bool]) -> bool {
        self.surpluses(set).iter().all(|&s| s >= 0)
    }

    /// The payments that can be in some fundable set, with their indices here: a payment
    /// larger than its sender's liquidity plus everything the sender could receive is in none
    /// (its sender's outflow would exceed what it can have); dropping it lowers what its
    /// receiver could receive, so the rule is applied until nothing more goes. The largest
    /// fundable set is unchanged, and the parts (`components`) get smaller.
    pub(crate) fn prune(&self) -> (Instance, Vec<usize>) {
        let n = self.available.len();
        let mut can_receive = vec![0i128; n];
        let mut by_sender: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in self.payments.iter().enumerate() {
            can_receive[p.receiver as usize] += p.amount as i128;
            by_sender[p.sender as usize].push(i);
        }
        let mut kept = vec![true; self.payments.len()];
        let mut visit: Vec<usize> = (0..n).collect();
        while let Some(a) = visit.pop() {
            let room = self.available[a] as i128 + can_receive[a];
            for &i in &by_sender[a] {
                let p = &self.payments[i];
                if kept[i] && p.amount as i128 > room {
                    kept[i] = false;
                    can_receive[p.receiver as usize] -= p.amount as i128;
                    visit.push(p.receiver as usize);
                }
            }
        }
        let indices: Vec<usize> = (0..self.payments.len()).filter(|&i| kept[i]).collect();
        let part = Instance {
            available: self.available.clone(),
            payments: indices.iter().map(|&i| self.payments[i]).collect(),
            fifo: self.fifo,
        };
        (part, indices)
    }

    /// The independent parts of the problem: agents linked by payments. An agent's constraint
    /// involves only its own payments, so each part is solved alone. Each part keeps the
    /// agents in index order and the payments in retry order; with it goes the index of each
    /// of its payments here.
    pub(crate) fn components(&self) -> Vec<(Instance, Vec<usize>)> {
        let n = self.available.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn root(parent: &mut [u32], mut a: u32) -> u32 {
            while parent[a as usize] != a {
                let up = parent[parent[a as usize] as usize];
                parent[a as usize] = up;
                a = up;
            }
            a
        }
        for p in &self.payments {
            let (a, b) = (root(&mut parent, p.sender), root(&mut parent, p.receiver));
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
        // Parts in the order of their first payment (retry order).
        let mut part_of_root = vec![u32::MAX; n];
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for (i, p) in self.payments.iter().enumerate() {
            let r = root(&mut parent, p.sender) as usize;
            if part_of_root[r] == u32::MAX {
                part_of_root[r] = parts.len() as u32;
                parts.push(Vec::new());
            }
            parts[part_of_root[r] as usize].push(i);
        }
        let mut local = vec![u32::MAX; n];
        parts
            .into_iter()
            .map(|indices| {
                let mut agents: Vec<u32> = Vec::new();
                for &i in &indices {
                    for a in [self.payments[i].sender, self.payments[i].receiver] {
                        if local[a as usize] == u32::MAX {
                            local[a as usize] = 0;
                            agents.push(a);
                        }
                    }
                }
                // Agents keep their order (it decides the order of pairs).
                agents.sort_unstable();
                for (l, &a) in agents.iter().enumerate() {
                    local[a as usize] = l as u32;
                }
                let part = Instance {
                    available: agents.iter().map(|&a| self.available[a as usize]).collect(),
                    payments: indices
                        .iter()
                        .map(|&i| {
                            let p = self.payments[i];
                            Payment {
                                sender: local[p.sender as usize],
                                receiver: local[p.receiver as usize],
                                ..p
                            }
                        })
                        .collect(),
                    fifo: self.fifo,
                };
                for &a in &agents {
                    local[a as usize] = u32::MAX;
                }
                (part, indices)
            })
            .collect()
    }
}

/// The running state of a sequence of settlements on an instance: who is still queued and
/// what each agent has available.
pub(crate) struct Book<'a> {
    pub inst: &'a Instance,
    pub open: Vec<bool>,
    pub avail: Vec<i128>,
}

impl<'a> Book<'a> {
    pub fn new(inst: &'a Instance) -> Self {
        Book {
            inst,
            open: vec![true; inst.payments.len()],
            avail: inst.available.iter().map(|&a| a as i128).collect(),
        }
    }

    /// Settle the given open payments at once (the caller checked they are fundable).
    pub fn settle(&mut self, items: &[usize]) -> usize {
        for &i in items {
            let p = &self.inst.payments[i];
            self.open[i] = false;
            self.avail[p.sender as usize] -= p.amount as i128;
            self.avail[p.receiver as usize] += p.amount as i128;
        }
        items.len()
    }

    /// What has settled so far.
    pub fn settled(&self) -> Vec<bool> {
        self.open.iter().map(|&o| !o).collect()
    }
}

/// The largest fundable family of per-sender prefixes (in retry order) of the open payments:
/// each short agent sheds its latest payments until it can fund its net debit. The result
/// does not depend on the order of the removals (`docs/model.md`).
pub(crate) fn prefix_family(book: &Book) -> Vec<usize> {
    let inst = book.inst;
    let n = inst.available.len();
    let mut by_sender: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut net = vec![0i128; n];
    for (i, p) in inst.payments.iter().enumerate() {
        if book.open[i] {
            by_sender[p.sender as usize].push(i);
            net[p.sender as usize] -= p.amount as i128;
            net[p.receiver as usize] += p.amount as i128;
        }
    }
    let short = |net: &[i128], a: usize| -net[a] > book.avail[a];
    let mut failing: BTreeSet<usize> = (0..n).filter(|&a| short(&net, a)).collect();
    let mut kept: Vec<usize> = by_sender.iter().map(Vec::len).collect();
    while let Some(a) = failing.pop_first() {
        while short(&net, a) && kept[a] > 0 {
            kept[a] -= 1;
            let p = &inst.payments[by_sender[a][kept[a]]];
            net[a] += p.amount as i128;
            net[p.receiver as usize] -= p.amount as i128;
            if short(&net, p.receiver as usize) {
                failing.insert(p.receiver as usize);
            }
        }
    }
    let mut items: Vec<usize> = by_sender
        .iter()
        .zip(&kept)
        .flat_map(|(list, &k)| list[..k].iter().copied())
        .collect();
    items.sort_unstable();
    items
}

/// Offsetting semantics 1 applied to an instance: rounds of bilateral offsetting (pairs in
/// order, each removing the short side's latest payment), multilateral offsetting (the
/// largest fundable prefix family) and Queue 2 retries, while a round settles anything. The
/// set settled, which the engine's `greedy_removal` settles on the same queue.
pub fn greedy_removal(inst: &Instance, mechanisms: Mechanisms) -> Vec<bool> {
    let mut book = Book::new(inst);
    loop {
        let b = if mechanisms.bilateral {
            bilateral_pass(&mut book)
        } else {
            0
        };
        let m = if mechanisms.multilateral {
            let items = prefix_family(&book);
            book.settle(&items)
        } else {
            0
        };
        if b + m == 0 {
            break;
        }
        retry(&mut book);
    }
    book.settled()
}

/// One bilateral pass of semantics 1 over the pairs with open payments both ways.
fn bilateral_pass(book: &mut Book) -> usize {
    let inst = book.inst;
    // Open payments by unordered pair (pairs in order), each pair's in retry order.
    let mut by_pair: Vec<((u32, u32), usize)> = (0..inst.payments.len())
        .filter(|&i| book.open[i])
        .map(|i| {
            let p = &inst.payments[i];
            ((p.sender.min(p.receiver), p.sender.max(p.receiver)), i)
        })
        .collect();
    by_pair.sort_unstable();
    let amount = |k: usize| inst.payments[k].amount as i128;
    let mut settled = 0;
    let (mut from_i, mut from_j) = (Vec::new(), Vec::new());
    for group in by_pair.chunk_by(|a, b| a.0 == b.0) {
        let (i, j) = group[0].0;
        from_i.clear();
        from_j.clear();
        for &(_, k) in group {
            if inst.payments[k].sender == i {
                from_i.push(k);
            } else {
                from_j.push(k);
            }
        }
        if from_i.is_empty() || from_j.is_empty() {
            continue;
        }
        let mut sum_i: i128 = from_i.iter().map(|&k| amount(k)).sum();
        let mut sum_j: i128 = from_j.iter().map(|&k| amount(k)).sum();
        let (avail_i, avail_j) = (book.avail[i as usize], book.avail[j as usize]);
        while !from_i.is_empty() && !from_j.is_empty() {
            let out_i = sum_i - sum_j;
            if out_i > avail_i {
                sum_i -= from_i.pop().map_or(0, amount);
            } else if -out_i > avail_j {
                sum_j -= from_j.pop().map_or(0, amount);
            } else {
                break;
            }
        }
        if !from_i.is_empty() && !from_j.is_empty() {
            settled += book.settle(&from_i) + book.settle(&from_j);
        }
    }
    settled
}

/// Queue 2 retry: full passes in retry order, settling each fundable (and, under `fifo`,
/// eligible) payment gross, until a pass settles nothing.
///
/// As in the engine, a pass visits only the senders whose liquidity rose (or whose payment
/// left the queue) since their last visit: any other sender's payments would fail again. A
/// receiver that gains during a pass has its later payments visited in the same pass and its
/// earlier ones in the next, exactly as a full pass would.
pub(crate) fn retry(book: &mut Book) -> usize {
    let inst = book.inst;
    let n = inst.available.len();
    let mut by_sender: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in inst.payments.iter().enumerate() {
        if book.open[i] {
            by_sender[p.sender as usize].push(i);
        }
    }
    // Under `fifo`, each sender's open entry numbers (the smallest is its head).
    let mut heads: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); n];
    if inst.fifo {
        for (s, list) in by_sender.iter().enumerate() {
            heads[s].extend(list.iter().map(|&i| inst.payments[i].entry));
        }
    }
    let mut dirty: Vec<usize> = (0..n).filter(|&s| !by_sender[s].is_empty()).collect();
    let mut is_dirty = vec![false; n];
    dirty.iter().for_each(|&s| is_dirty[s] = true);
    let mut in_pass = vec![false; n];
    let mut total = 0;
    loop {
        let mut heap: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
        let mut included: Vec<usize> = Vec::new();
        for s in dirty.drain(..) {
            is_dirty[s] = false;
            in_pass[s] = true;
            included.push(s);
            heap.extend(
                by_sender[s]
                    .iter()
                    .filter(|&&i| book.open[i])
                    .map(|&i| Reverse(i)),
            );
        }
        let mut settled = 0;
        while let Some(Reverse(i)) = heap.pop() {
            let p = inst.payments[i];
            let (s, r) = (p.sender as usize, p.receiver as usize);
            let eligible = !inst.fifo || heads[s].first() == Some(&p.entry);
            if !(book.open[i] && eligible && p.amount as i128 <= book.avail[s]) {
                continue;
            }
            book.settle(&[i]);
            heads[s].remove(&p.entry);
            settled += 1;
            for a in [s, r] {
                if !is_dirty[a] {
                    is_dirty[a] = true;
                    dirty.push(a);
                }
            }
            if !in_pass[r] {
                in_pass[r] = true;
                included.push(r);
                let later = by_sender[r].partition_point(|&k| k <= i);
                heap.extend(
                    by_sender[r][later..]
                        .iter()
                        .filter(|&&k| book.open[k])
                        .map(|&k| Reverse(k)),
                );
            }
        }
        included.drain(..).for_each(|a| in_pass[a] = false);
        total += settled;
        if settled == 0 {
            return total;
        }
    }
}
