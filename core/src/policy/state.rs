//! What `Tree` policies remember between decisions, kept incrementally so that reading any of
//! it is O(1) whatever the history:
//!
//! - **registers** r0–r3 per agent, set by the tree's `do` leaves; reset at the start of each
//!   day when the policy says `reset_registers: day`, never otherwise;
//! - **today's payments** (`paid_today`): value settled from the agent since the day began;
//! - **rolling windows** over the last `window` ticks (only for trees that read them): value
//!   received and paid in total and per counterparty with traffic. Each window is a ring of
//!   `window + 1` one-tick buckets: a settlement adds to the bucket of its tick, moving to a
//!   new tick empties the buckets that fell out, so the cost is O(1) amortised per payment
//!   and the memory is `agents × counterparties with traffic × (window + 1)` buckets.
//!
//! A decision at tick `t` runs before anything settles in `t`, so a window then covers the
//! settlements of ticks `t − window … t − 1`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::transaction::AgentIdx;

/// Registers per agent.
pub const REGISTERS: usize = 4;
/// The window's default length in ticks, and the longest allowed.
pub const DEFAULT_WINDOW: u64 = 10;
pub const MAX_WINDOW: u64 = 1_000;

/// A ring of one-tick buckets holding the last `len − 1` ticks and the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ring {
    newest: u64,
    sum: i128,
    buckets: Box<[i64]>,
}

impl Ring {
    fn new(window: u64) -> Self {
        Ring {
            newest: 0,
            sum: 0,
            buckets: vec![0; window as usize + 1].into_boxed_slice(),
        }
    }

    fn len(&self) -> u64 {
        self.buckets.len() as u64
    }

    /// Move to tick `t`: the buckets of ticks older than `t − window` are emptied.
    fn advance(&mut self, t: u64) {
        if t <= self.newest {
            return;
        }
        if t - self.newest >= self.len() {
            self.buckets.iter_mut().for_each(|b| *b = 0);
            self.sum = 0;
        } else {
            for k in self.newest + 1..=t {
                let b = &mut self.buckets[(k % self.len()) as usize];
                self.sum -= *b as i128;
                *b = 0;
            }
        }
        self.newest = t;
    }

    fn add(&mut self, t: u64, amount: i64) {
        self.advance(t);
        let b = &mut self.buckets[(t % self.len()) as usize];
        *b = b.saturating_add(amount);
        self.sum += amount as i128;
    }

    /// The total over ticks `t − window … t` (after moving to `t`).
    fn total(&mut self, t: u64) -> i128 {
        self.advance(t);
        self.sum
    }

    /// Its non-empty buckets still inside the window of a decision at tick `t` or later, as
    /// `[tick, value]`, oldest first.
    fn entries(&self, t: u64) -> Vec<[i64; 2]> {
        let oldest = t.saturating_sub(self.len() - 1);
        let first = self.newest.saturating_sub(self.len() - 1).max(oldest);
        (first..=self.newest)
            .filter_map(|k| {
                let v = self.buckets[(k % self.len()) as usize];
                (v != 0).then_some([k as i64, v])
            })
            .collect()
    }
}

/// One direction of an agent's flows in the window: in total and per counterparty.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flows {
    all: Ring,
    by: HashMap<AgentIdx, Ring>,
}

impl Flows {
    fn new(window: u64) -> Self {
        Flows {
            all: Ring::new(window),
            by: HashMap::new(),
        }
    }

    fn add(&mut self, t: u64, counterparty: AgentIdx, amount: i64) {
        let window = self.all.len() - 1;
        self.all.add(t, amount);
        (self.by.entry(counterparty))
            .or_insert_with(|| Ring::new(window))
            .add(t, amount);
    }

    fn from(&mut self, t: u64, counterparty: AgentIdx) -> i64 {
        self.by
            .get_mut(&counterparty)
            .map_or(0, |r| r.total(t).clamp(0, i64::MAX as i128) as i64)
    }
}

/// The memory of one agent with a `Tree` policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Memory {
    registers: [i64; REGISTERS],
    /// The day the registers were last written (for `reset_registers: day`).
    registers_day: u64,
    reset_daily: bool,
    paid_today: i128,
    today: u64,
    /// Received (`0`) and paid (`1`), when the tree reads a window.
    windows: Option<Box<[Flows; 2]>>,
}

/// Every agent's memory (`None`: a built-in policy, nothing to remember).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PolicyState {
    agents: Vec<Option<Memory>>,
}

/// What a compiled tree needs kept for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Needs {
    /// `Some(ticks)` when it reads a rolling window.
    pub window: Option<u64>,
    pub reset_daily: bool,
}

impl PolicyState {
    /// Memory for each agent whose policy needs it.
    pub fn new(needs: impl Iterator<Item = Option<Needs>>) -> Self {
        let agents = needs
            .map(|n| {
                n.map(|n| Memory {
                    registers: [0; REGISTERS],
                    registers_day: 0,
                    reset_daily: n.reset_daily,
                    paid_today: 0,
                    today: 0,
                    windows: n.window.map(|w| Box::new([Flows::new(w), Flows::new(w)])),
                })
            })
            .collect::<Vec<_>>();
        if agents.iter().all(Option::is_none) {
            return PolicyState::default();
        }
        PolicyState { agents }
    }

    /// A payment settled in tick `t` (day `day`).
    #[inline]
    pub fn settled(&mut self, t: u64, day: u64, sender: AgentIdx, receiver: AgentIdx, amount: i64) {
        if self.agents.is_empty() {
            return;
        }
        if let Some(m) = &mut self.agents[sender as usize] {
            if m.today != day {
                m.today = day;
                m.paid_today = 0;
            }
            m.paid_today += amount as i128;
            if let Some(w) = &mut m.windows {
                w[1].add(t, receiver, amount);
            }
        }
        if let Some(m) = &mut self.agents[receiver as usize] {
            if let Some(w) = &mut m.windows {
                w[0].add(t, sender, amount);
            }
        }
    }

    /// Fill the agent's remembered features into its view and orders (decision at tick `t`).
    pub fn read(
        &mut self,
        agent: AgentIdx,
        t: u64,
        day: u64,
        view: &mut super::AgentView,
        orders: &mut [super::Order],
    ) {
        let Some(m) = self.agents.get_mut(agent as usize).and_then(Option::as_mut) else {
            return;
        };
        view.paid_today = if m.today == day { m.paid_today } else { 0 };
        view.registers = m.registers_at(day);
        if let Some(w) = &mut m.windows {
            view.received_recent = w[0].all.total(t);
            view.paid_recent = w[1].all.total(t);
            for o in orders.iter_mut() {
                o.received_from = w[0].from(t, o.receiver);
                o.paid_to = w[1].from(t, o.receiver);
            }
        }
    }

    /// Store the registers a decision on day `day` left.
    pub fn write_registers(&mut self, agent: AgentIdx, day: u64, registers: [i64; REGISTERS]) {
        if let Some(Some(m)) = self.agents.get_mut(agent as usize) {
            m.registers = registers;
            m.registers_day = day;
        }
    }

    /// The document of this state at tick `t` (the next to run): `None` when there is
    /// nothing to remember.
    pub fn to_doc(&self, ids: &[String], t: u64, ticks_per_day: u64) -> Option<PolicyMemoryDoc> {
        let day = t / ticks_per_day.max(1);
        let mut agents = BTreeMap::new();
        for (a, m) in self.agents.iter().enumerate() {
            let Some(m) = m else { continue };
            let mut doc = AgentMemoryDoc {
                registers: m.registers_at(day),
                paid_today: if m.today == day { m.paid_today } else { 0 },
                ..AgentMemoryDoc::default()
            };
            if let Some(w) = &m.windows {
                for (dir, flows) in [(&mut doc.received, &w[0]), (&mut doc.paid, &w[1])] {
                    let mut by: Vec<(&AgentIdx, &Ring)> = flows.by.iter().collect();
                    by.sort_by_key(|(cp, _)| **cp);
                    for (cp, ring) in by {
                        let entries = ring.entries(t);
                        if !entries.is_empty() {
                            dir.insert(ids[*cp as usize].clone(), entries);
                        }
                    }
                }
            }
            if !doc.is_empty() {
                agents.insert(ids[a].clone(), doc);
            }
        }
        (!agents.is_empty()).then_some(PolicyMemoryDoc { agents })
    }

    /// Install a document's state (restore) into a fresh state built from the configuration.
    pub fn install(
        &mut self,
        doc: PolicyMemoryDoc,
        index: &HashMap<String, AgentIdx>,
        t: u64,
        ticks_per_day: u64,
    ) -> Result<(), String> {
        let day = t / ticks_per_day.max(1);
        for (id, a) in doc.agents {
            let at = |what: &str| format!("policy_memory.agents.{id}{what}");
            let Some(&i) = index.get(&id) else {
                return Err(format!("{}: unknown agent", at("")));
            };
            let Some(Some(m)) = self.agents.get_mut(i as usize) else {
                return Err(format!("{}: the agent's policy keeps no memory", at("")));
            };
            m.registers = a.registers;
            m.registers_day = day;
            m.paid_today = a.paid_today;
            m.today = day;
            let has = !(a.received.is_empty() && a.paid.is_empty());
            let Some(w) = &mut m.windows else {
                if has {
                    return Err(format!("{}: the agent's policy reads no window", at("")));
                }
                continue;
            };
            for (k, rows) in [(0, a.received), (1, a.paid)] {
                for (cp, entries) in rows {
                    let Some(&c) = index.get(&cp) else {
                        return Err(format!("{}: unknown counterparty {cp:?}", at("")));
                    };
                    let window = w[k].all.len() - 1;
                    for [tick, value] in entries {
                        let out = tick < 0 || tick as u64 >= t || t - tick as u64 > window;
                        if out || value <= 0 {
                            return Err(format!("{}: bad bucket [{tick}, {value}]", at("")));
                        }
                        w[k].add(tick as u64, c, value);
                    }
                }
            }
        }
        Ok(())
    }
}

impl Memory {
    fn registers_at(&self, day: u64) -> [i64; REGISTERS] {
        if self.reset_daily && self.registers_day != day {
            [0; REGISTERS]
        } else {
            self.registers
        }
    }
}

/// The policies' memory in a snapshot (version 6): per agent id, only what is not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMemoryDoc {
    /// By agent id.
    pub agents: BTreeMap<String, AgentMemoryDoc>,
}

/// One agent's policy memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentMemoryDoc {
    /// r0–r3 as a decision today would read them.
    #[serde(default, skip_serializing_if = "is_zero_registers")]
    pub registers: [i64; REGISTERS],
    /// Value settled from it today.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paid_today: i128,
    /// Per counterparty id: `[tick, value]` received in the window, oldest first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub received: BTreeMap<String, Vec<[i64; 2]>>,
    /// Per counterparty id: `[tick, value]` paid in the window, oldest first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paid: BTreeMap<String, Vec<[i64; 2]>>,
}

impl AgentMemoryDoc {
    fn is_empty(&self) -> bool {
        *self == AgentMemoryDoc::default()
    }
}

fn is_zero_registers(r: &[i64; REGISTERS]) -> bool {
    r.iter().all(|&x| x == 0)
}

fn is_zero(x: &i128) -> bool {
    *x == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_keeps_exactly_the_last_window_ticks() {
        let mut r = Ring::new(3);
        r.add(1, 10);
        r.add(2, 20);
        r.add(4, 40);
        // A decision at tick 5 sees ticks 2..=4 (5 is empty yet).
        assert_eq!(r.total(5), 60);
        assert_eq!(r.entries(5), vec![[2, 20], [4, 40]]);
        // At 7: only tick 4.
        assert_eq!(r.total(7), 40);
        // Far later: nothing.
        assert_eq!(r.total(100), 0);
        assert!(r.entries(100).is_empty());
    }

    #[test]
    fn flows_split_by_counterparty_and_state_round_trips() {
        let needs = [
            Some(Needs {
                window: Some(2),
                reset_daily: true,
            }),
            None,
            Some(Needs {
                window: None,
                reset_daily: false,
            }),
        ];
        let mut s = PolicyState::new(needs.into_iter());
        s.settled(3, 0, 1, 0, 5); // 1 pays 0
        s.settled(4, 0, 2, 0, 7); // 2 pays 0
        s.settled(4, 0, 0, 1, 11); // 0 pays 1
        s.write_registers(0, 0, [1, 2, 3, 4]);
        let mut view = super::super::AgentView::default();
        let mut orders = [
            super::super::Order {
                receiver: 1,
                ..Default::default()
            },
            super::super::Order {
                receiver: 2,
                ..Default::default()
            },
        ];
        s.read(0, 5, 0, &mut view, &mut orders);
        assert_eq!((view.received_recent, view.paid_recent), (12, 11));
        assert_eq!((orders[0].received_from, orders[0].paid_to), (5, 11));
        assert_eq!((orders[1].received_from, orders[1].paid_to), (7, 0));
        assert_eq!((view.paid_today, view.registers), (11, [1, 2, 3, 4]));
        // Agent 2 (no window) paid 7 today.
        let ids: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let doc = s.to_doc(&ids, 5, 100).unwrap();
        let index = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as AgentIdx))
            .collect();
        let mut back = PolicyState::new(needs.into_iter());
        back.install(doc.clone(), &index, 5, 100).unwrap();
        assert_eq!(back.to_doc(&ids, 5, 100), Some(doc));
        let mut v2 = super::super::AgentView::default();
        back.read(0, 5, 0, &mut v2, &mut orders);
        assert_eq!(v2, view);
        // Next day: registers reset for agent 0 (reset_daily), paid_today is a new day's.
        s.read(0, 100, 1, &mut view, &mut orders);
        assert_eq!((view.paid_today, view.registers), (0, [0; 4]));
    }
}
