//! An independent, deliberately plain implementation of the tick of `model.md`, used as an
//! oracle: it takes each tick's arrivals from the engine's event stream (so the random
//! draws need not be re-implemented) and computes everything else itself with plain vectors
//! and full rescans. Its settlements, drops, queue sizes, costs and balances must equal the
//! engine's.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Fifo,
    Deadline,
    LiquidityAware { buffer: i64, urgency: u64 },
}

#[derive(Debug, Clone)]
struct Agent {
    balance: i64,
    credit: i64,
    policy: Policy,
    split: Option<(i64, i64)>,
}

/// A payment order or split part.
#[derive(Debug, Clone)]
pub struct Order {
    /// (sequence, part); part 0 for an unsplit order.
    pub id: (u64, u32),
    pub sender: usize,
    pub receiver: usize,
    pub amount: i64,
    pub deadline: u64,
    pub priority: i64,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
struct Queued {
    order: Order,
    entry: u64,
}

/// What one tick produced, comparable with the engine's output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickOutcome {
    /// (tx id, amount, mechanism) in event order.
    pub settled: Vec<(String, i64, String)>,
    /// (tx id, "dropped" | "overdue") in event order.
    pub deadline_events: Vec<(String, String)>,
    pub num_splits: u64,
    pub queue1_size: u64,
    pub queue2_size: u64,
    pub liquidity_cost: i64,
    pub delay_cost: i64,
    pub split_cost: i64,
    pub deadline_penalty: i64,
    pub eod_penalty: i64,
    pub balances: Vec<i64>,
}

pub struct Oracle {
    agents: Vec<Agent>,
    index: std::collections::HashMap<String, usize>,
    queue1: Vec<Vec<Order>>,
    queue2: Vec<Queued>,
    next_entry: u64,
    fifo: bool,
    overdue_mode: bool,
    bilateral: bool,
    multilateral: bool,
    ticks_per_day: u64,
    liquidity_rate: i64,
    delay_rate: i64,
    split_rate: i64,
    deadline_rate: i64,
    eod_rate: i64,
    out: TickOutcome,
}

pub fn id_text(id: (u64, u32)) -> String {
    if id.1 == 0 {
        format!("T{}", id.0)
    } else {
        format!("T{}.{}", id.0, id.1)
    }
}

fn parse_id(text: &str) -> (u64, u32) {
    let body = text.strip_prefix('T').expect("ids start with T");
    match body.split_once('.') {
        None => (body.parse().unwrap(), 0),
        Some((s, p)) => (s.parse().unwrap(), p.parse().unwrap()),
    }
}

impl Oracle {
    pub fn new(config: &Value) -> Self {
        let agents: Vec<Agent> = config["agent_configs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let p = &a["policy"];
                let policy = match p["type"].as_str().unwrap() {
                    "Fifo" => Policy::Fifo,
                    "Deadline" => Policy::Deadline,
                    _ => Policy::LiquidityAware {
                        buffer: p["target_buffer"].as_i64().unwrap(),
                        urgency: p["urgency_threshold"].as_u64().unwrap(),
                    },
                };
                let split = p.get("split").filter(|s| !s.is_null()).map(|s| {
                    (
                        s["threshold"].as_i64().unwrap(),
                        s["max_parts"].as_i64().unwrap(),
                    )
                });
                Agent {
                    balance: a["opening_balance"].as_i64().unwrap(),
                    credit: a["credit_limit"].as_i64().unwrap_or(0),
                    policy,
                    split,
                }
            })
            .collect();
        let index = config["agent_configs"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, a)| (a["id"].as_str().unwrap().to_string(), i))
            .collect();
        let n = agents.len();
        let rate = |k: &str, default: i64| config["cost_rates"][k].as_i64().unwrap_or(default);
        let lsm = |k: &str| config["lsm"][k].as_bool().unwrap_or(true);
        Oracle {
            agents,
            index,
            queue1: vec![Vec::new(); n],
            queue2: Vec::new(),
            next_entry: 0,
            fifo: config["queue_discipline"] == "fifo",
            overdue_mode: config["deadline_mode"] == "overdue",
            bilateral: lsm("bilateral"),
            multilateral: lsm("multilateral"),
            ticks_per_day: config["ticks_per_day"].as_u64().unwrap(),
            liquidity_rate: rate("liquidity_cost_per_unit_per_tick", 0),
            delay_rate: rate("delay_cost_per_tick", 10),
            split_rate: rate("split_friction_cost", 50),
            deadline_rate: rate("deadline_penalty", 100_000),
            eod_rate: rate("eod_penalty", 500_000),
            out: TickOutcome::default(),
        }
    }

    /// Run tick `t` given its arrivals (the engine's `arrival` events of that tick, in order).
    pub fn tick(&mut self, t: u64, arrivals: &[payment_sim_core::EventRecord]) -> TickOutcome {
        self.out = TickOutcome::default();
        // 1. Arrivals.
        for e in arrivals {
            let sender = self.index[e.sender.as_ref().unwrap()];
            self.queue1[sender].push(Order {
                id: parse_id(e.tx.as_ref().unwrap()),
                sender,
                receiver: self.index[e.receiver.as_ref().unwrap()],
                amount: e.amount.unwrap(),
                deadline: e.deadline_tick.unwrap(),
                priority: e.priority.unwrap() as i64,
                overdue: false,
            });
        }
        // 2. Policies (every agent decides before anything enters settlement).
        let mut released: Vec<Order> = Vec::new();
        for a in 0..self.agents.len() {
            let queue = std::mem::take(&mut self.queue1[a]);
            let mut go = vec![false; queue.len()];
            let mut order: Vec<usize> = Vec::new();
            match self.agents[a].policy {
                Policy::Fifo => order.extend(0..queue.len()),
                Policy::Deadline => {
                    order.extend(0..queue.len());
                    order.sort_by_key(|&i| (queue[i].deadline, i));
                }
                Policy::LiquidityAware { buffer, urgency } => {
                    let mut projected = self.agents[a].balance;
                    for (i, o) in queue.iter().enumerate() {
                        let urgent = o.deadline <= t || o.deadline - t <= urgency;
                        if urgent || projected - o.amount >= buffer {
                            projected -= o.amount;
                            order.push(i);
                        }
                    }
                }
            }
            for &i in &order {
                go[i] = true;
                released.push(queue[i].clone());
            }
            self.queue1[a] = queue
                .into_iter()
                .zip(go)
                .filter(|(_, g)| !g)
                .map(|(o, _)| o)
                .collect();
        }
        // Splitting and 3. RTGS entry.
        for o in released {
            match self.agents[o.sender].split {
                Some((threshold, max_parts)) if o.amount > threshold => {
                    let k = max_parts.min((o.amount + threshold - 1) / threshold);
                    let base = o.amount / k;
                    self.out.num_splits += 1;
                    self.out.split_cost += self.split_rate * (k - 1);
                    for p in 1..=k {
                        let amount = if p == k {
                            o.amount - base * (k - 1)
                        } else {
                            base
                        };
                        let part = Order {
                            id: (o.id.0, p as u32),
                            amount,
                            ..o.clone()
                        };
                        self.enter(part);
                    }
                }
                _ => self.enter(o),
            }
        }
        // 4. Queue 2 retry, then 5. the LSM rounds, until a round settles nothing.
        loop {
            let mut settled = self.retry();
            if self.bilateral {
                settled += self.bilateral_offsetting();
            }
            if self.multilateral {
                settled += self.multilateral_offsetting();
            }
            if settled == 0 {
                break;
            }
        }
        // 6. Costs.
        for (a, agent) in self.agents.iter().enumerate() {
            if agent.balance < 0 {
                self.out.liquidity_cost +=
                    (-(agent.balance as i128) * self.liquidity_rate as i128 / 1_000_000) as i64;
            }
            let waiting =
                self.queue1[a].len() + self.queue2.iter().filter(|q| q.order.sender == a).count();
            self.out.delay_cost += self.delay_rate * waiting as i64;
        }
        // 7. Deadlines.
        let mut due: Vec<(u64, (u64, u32))> = self
            .queue1
            .iter()
            .flatten()
            .chain(self.queue2.iter().map(|q| &q.order))
            .filter(|o| o.deadline <= t && !o.overdue)
            .map(|o| (o.deadline, o.id))
            .collect();
        due.sort();
        for (_, id) in due {
            self.out.deadline_penalty += self.deadline_rate;
            if self.overdue_mode {
                for o in self.queue1.iter_mut().flatten() {
                    if o.id == id {
                        o.overdue = true;
                    }
                }
                for q in self.queue2.iter_mut() {
                    if q.order.id == id {
                        q.order.overdue = true;
                    }
                }
                self.out
                    .deadline_events
                    .push((id_text(id), "overdue".into()));
            } else {
                for q in self.queue1.iter_mut() {
                    q.retain(|o| o.id != id);
                }
                self.queue2.retain(|q| q.order.id != id);
                self.out
                    .deadline_events
                    .push((id_text(id), "dropped".into()));
            }
        }
        // 9. End of day.
        if (t + 1).is_multiple_of(self.ticks_per_day) {
            let unsettled = self.queue1.iter().map(Vec::len).sum::<usize>() + self.queue2.len();
            self.out.eod_penalty += self.eod_rate * unsettled as i64;
        }
        self.out.queue1_size = self.queue1.iter().map(Vec::len).sum::<usize>() as u64;
        self.out.queue2_size = self.queue2.len() as u64;
        self.out.balances = self.agents.iter().map(|a| a.balance).collect();
        std::mem::take(&mut self.out)
    }

    fn available(&self, a: usize) -> i64 {
        self.agents[a].balance + self.agents[a].credit
    }

    fn enter(&mut self, o: Order) {
        let blocked = self.fifo && self.queue2.iter().any(|q| q.order.sender == o.sender);
        if !blocked && o.amount <= self.available(o.sender) {
            self.settle(&o, "rtgs");
        } else {
            self.queue2.push(Queued {
                order: o,
                entry: self.next_entry,
            });
            self.next_entry += 1;
        }
    }

    fn settle(&mut self, o: &Order, mechanism: &str) {
        self.agents[o.sender].balance -= o.amount;
        self.agents[o.receiver].balance += o.amount;
        self.out
            .settled
            .push((id_text(o.id), o.amount, mechanism.to_string()));
    }

    /// Retry order: priority high → low, then entry order.
    fn sorted_queue2(&self) -> Vec<(i64, u64)> {
        let mut keys: Vec<(i64, u64)> = self
            .queue2
            .iter()
            .map(|q| (-q.order.priority, q.entry))
            .collect();
        keys.sort();
        keys
    }

    fn position(&self, entry: u64) -> Option<usize> {
        self.queue2.iter().position(|q| q.entry == entry)
    }

    fn retry(&mut self) -> u64 {
        let mut total = 0;
        loop {
            let mut settled = 0;
            for (_, entry) in self.sorted_queue2() {
                let Some(i) = self.position(entry) else {
                    continue;
                };
                let o = self.queue2[i].order.clone();
                let head = self
                    .queue2
                    .iter()
                    .filter(|q| q.order.sender == o.sender)
                    .map(|q| q.entry)
                    .min();
                let eligible = !self.fifo || head == Some(entry);
                if eligible && o.amount <= self.available(o.sender) {
                    self.queue2.remove(i);
                    self.settle(&o, "queue");
                    settled += 1;
                }
            }
            total += settled;
            if settled == 0 {
                return total;
            }
        }
    }

    /// Settle the given entries simultaneously, events in retry order.
    fn settle_set(&mut self, mut entries: Vec<u64>, mechanism: &str) -> u64 {
        entries.sort_by_key(|&e| {
            let q = &self.queue2[self.position(e).unwrap()];
            (-q.order.priority, q.entry)
        });
        let mut net = vec![0i64; self.agents.len()];
        let mut orders = Vec::new();
        for &e in &entries {
            let i = self.position(e).unwrap();
            let q = self.queue2.remove(i);
            net[q.order.sender] -= q.order.amount;
            net[q.order.receiver] += q.order.amount;
            orders.push(q.order);
        }
        for (a, d) in net.iter().enumerate() {
            self.agents[a].balance += d;
            assert!(
                self.agents[a].balance >= -self.agents[a].credit,
                "oracle: simultaneous settlement breached a credit limit"
            );
        }
        for o in &orders {
            self.out
                .settled
                .push((id_text(o.id), o.amount, mechanism.to_string()));
        }
        orders.len() as u64
    }

    /// Of `candidates` (entries), the sender's lowest-priority, latest-entered one.
    fn last_of(&self, candidates: &[u64], sender: usize) -> Option<u64> {
        candidates
            .iter()
            .copied()
            .filter(|&e| self.queue2[self.position(e).unwrap()].order.sender == sender)
            .max_by_key(|&e| {
                let q = &self.queue2[self.position(e).unwrap()];
                (-q.order.priority, q.entry)
            })
    }

    fn bilateral_offsetting(&mut self) -> u64 {
        let n = self.agents.len();
        let mut total = 0;
        for i in 0..n {
            for j in i + 1..n {
                let mut set: Vec<u64> = self
                    .queue2
                    .iter()
                    .filter(|q| {
                        (q.order.sender, q.order.receiver) == (i, j)
                            || (q.order.sender, q.order.receiver) == (j, i)
                    })
                    .map(|q| q.entry)
                    .collect();
                let both = |o: &Oracle, set: &[u64]| {
                    let from = |s: usize| {
                        set.iter()
                            .any(|&e| o.queue2[o.position(e).unwrap()].order.sender == s)
                    };
                    from(i) && from(j)
                };
                if !both(self, &set) {
                    continue;
                }
                loop {
                    let out_i: i64 = set
                        .iter()
                        .map(|&e| {
                            let o = &self.queue2[self.position(e).unwrap()].order;
                            if o.sender == i {
                                o.amount
                            } else {
                                -o.amount
                            }
                        })
                        .sum();
                    let short = if out_i > self.available(i) {
                        Some(i)
                    } else if -out_i > self.available(j) {
                        Some(j)
                    } else {
                        None
                    };
                    let Some(s) = short else { break };
                    let Some(e) = self.last_of(&set, s) else {
                        break;
                    };
                    set.retain(|&x| x != e);
                    if !both(self, &set) {
                        break;
                    }
                }
                if both(self, &set) {
                    total += self.settle_set(set, "bilateral");
                }
            }
        }
        total
    }

    fn multilateral_offsetting(&mut self) -> u64 {
        let n = self.agents.len();
        let mut set: Vec<u64> = self.queue2.iter().map(|q| q.entry).collect();
        loop {
            let mut net = vec![0i64; n];
            for &e in &set {
                let o = &self.queue2[self.position(e).unwrap()].order;
                net[o.sender] -= o.amount;
                net[o.receiver] += o.amount;
            }
            let Some(a) = (0..n).find(|&a| -net[a] > self.available(a)) else {
                break;
            };
            let e = self.last_of(&set, a).expect("a short agent has a payment");
            set.retain(|&x| x != e);
        }
        if set.is_empty() {
            return 0;
        }
        self.settle_set(set, "multilateral")
    }
}

/// The engine's view of one tick, in the oracle's terms.
pub fn engine_outcome(
    sim: &payment_sim_core::Simulation,
    r: &payment_sim_core::TickResult,
    events: &[payment_sim_core::EventRecord],
) -> TickOutcome {
    TickOutcome {
        settled: events
            .iter()
            .filter(|e| e.kind == "settled")
            .map(|e| {
                let m = serde_json::to_value(e.mechanism.unwrap()).unwrap();
                (
                    e.tx.clone().unwrap(),
                    e.amount.unwrap(),
                    m.as_str().unwrap().to_string(),
                )
            })
            .collect(),
        deadline_events: events
            .iter()
            .filter(|e| e.kind == "dropped" || e.kind == "overdue")
            .map(|e| (e.tx.clone().unwrap(), e.kind.clone()))
            .collect(),
        num_splits: r.num_splits,
        queue1_size: r.queue1_size,
        queue2_size: r.queue2_size,
        liquidity_cost: r.total_liquidity_cost,
        delay_cost: r.total_delay_cost,
        split_cost: r.total_split_cost,
        deadline_penalty: r.total_deadline_penalty,
        eod_penalty: r.total_eod_penalty,
        balances: sim.state().agents.iter().map(|a| a.balance).collect(),
    }
}
