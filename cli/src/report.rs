//! Tables for people: statistics, state, tick summaries and events. The JSON output of each
//! command is the core's own document (stable keys); these are only the human views.

use payment_sim_core::stats::Statistics;
use payment_sim_core::{EventRecord, Mechanism, RunSummary, State};

use crate::format::{count, percent, Align, Style, Table};

/// The full statistics report (used by `run` and `stats`).
pub fn statistics(stats: &Statistics, style: Style) -> String {
    let mut out = String::new();

    let mut payments = Table::new(["Payments", "count", "value"]);
    payments.row([
        "  arrived".to_string(),
        count(stats.arrivals),
        style.money(stats.arrived_value),
    ]);
    payments.row([
        "  settled".to_string(),
        count(stats.settlements),
        style.money(stats.settled_value),
    ]);
    payments.row([
        "  dropped".to_string(),
        count(stats.drops),
        style.money(stats.dropped_value),
    ]);
    payments.row([
        "  settlement rate".to_string(),
        percent(stats.settlement_rate_count),
        percent(stats.settlement_rate_value),
    ]);
    out.push_str(&payments.render());
    out.push('\n');
    // Scheduled `liquidity` actions: money that entered or left the system (not payments).
    if stats.external_inflow != 0 || stats.external_outflow != 0 {
        let mut external = Table::new(["External flows", "value"]);
        external.row(["  injected".to_string(), style.money(stats.external_inflow)]);
        external.row([
            "  withdrawn".to_string(),
            style.money(stats.external_outflow),
        ]);
        out.push_str(&external.render());
        out.push('\n');
    }
    // The rules of real RTGS systems, when the scenario has any (`stats.rules`).
    if let Some(rules) = &stats.rules {
        let mut held = Table::new(["Held by the rules at RTGS entry", "count"]);
        held.row([
            "  by reservations".to_string(),
            count(rules.held_by_reservation),
        ]);
        held.row(["  by limits".to_string(), count(rules.held_by_limit)]);
        out.push_str(&held.render());
        out.push('\n');
        if !rules.collateral.is_empty() {
            let mut c = Table::new(["Collateral", "posted", "credit line", "peak credit used"]);
            for a in &rules.collateral {
                c.row([
                    a.id.clone(),
                    style.money(a.posted),
                    style.money(a.credit_limit),
                    style.money(a.peak_credit_used),
                ]);
            }
            out.push_str(&c.render());
            out.push('\n');
        }
    }

    let m = &stats.settlements_by_mechanism;
    let share = |n: u64| {
        if stats.settlements == 0 {
            percent(0.0)
        } else {
            percent(n as f64 / stats.settlements as f64)
        }
    };
    let mut mechanisms = Table::new(["Settled by", "count", "share"]);
    for (label, n) in [
        ("  RTGS entry", m.rtgs),
        ("  Queue 2 retry", m.queue),
        ("  bilateral offset (LSM)", m.bilateral),
        ("  multilateral offset (LSM)", m.multilateral),
    ] {
        mechanisms.row([label.to_string(), count(n), share(n)]);
    }
    mechanisms.rule();
    mechanisms.row([
        "  LSM share".to_string(),
        count(m.bilateral + m.multilateral),
        percent(stats.lsm_share),
    ]);
    out.push_str(&mechanisms.render());
    // Which offsetting algorithm ran (the core's name), what its search maximised when it has
    // one, and how often the search ran out of budget when it did.
    let name = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let algorithm = name(serde_json::to_value(stats.lsm.algorithm));
    out.push_str(&format!("  LSM algorithm: {algorithm}"));
    if let Some(objective) = stats.lsm.search_objective {
        let objective = name(serde_json::to_value(objective));
        out.push_str(&format!(" (search objective: {objective})"));
    }
    if stats.lsm.exact_budget_exhausted > 0 {
        out.push_str(&format!(
            " (search budget ran out {} times)",
            count(stats.lsm.exact_budget_exhausted)
        ));
    }
    out.push('\n');
    out.push('\n');

    let mut other = Table::new(["Delays and queues", ""]);
    other.row([
        "  mean settlement delay".to_string(),
        format!("{:.2} ticks", stats.delay.mean_ticks),
    ]);
    other.row([
        "  max settlement delay".to_string(),
        format!("{} ticks", count(stats.delay.max_ticks)),
    ]);
    other.row(["  peak Queue 1".to_string(), count(stats.peak_queue1)]);
    other.row(["  peak Queue 2".to_string(), count(stats.peak_queue2)]);
    other.row(["  Queue 1 now".to_string(), count(stats.queue1_size)]);
    other.row(["  Queue 2 now".to_string(), count(stats.queue2_size)]);
    other.row(["  splits".to_string(), count(stats.splits)]);
    other.row(["  overdue".to_string(), count(stats.overdue)]);
    out.push_str(&other.render());
    out.push('\n');

    let mut agents = Table::new([
        "Agent",
        "balance",
        "sent",
        "sent value",
        "received value",
        "peak overdraft",
    ]);
    for a in &stats.agents {
        agents.row([
            a.id.clone(),
            style.money(a.balance),
            count(a.sent_count),
            style.money(a.sent_value),
            style.money(a.received_value),
            style.money(a.peak_overdraft),
        ]);
    }
    out.push_str(&agents.render());
    out.push('\n');

    out.push_str(&indicators(stats, style));
    out.push('\n');

    let mut costs = Table::new([
        "Costs",
        "liquidity",
        "delay",
        "split",
        "deadline",
        "end of day",
        "total",
    ]);
    for a in &stats.agents {
        let c = &a.costs;
        costs.row([
            a.id.clone(),
            style.money(c.liquidity),
            style.money(c.delay),
            style.money(c.split),
            style.money(c.deadline_penalty),
            style.money(c.eod_penalty),
            style.money(c.total),
        ]);
    }
    costs.rule();
    let c = &stats.costs;
    costs.row([
        "total".to_string(),
        style.money(c.liquidity),
        style.money(c.delay),
        style.money(c.split),
        style.money(c.deadline_penalty),
        style.money(c.eod_penalty),
        style.money(c.total),
    ]);
    out.push_str(&costs.render());
    out
}

/// The state of every agent.
pub fn state(state: &State, horizon: u64, style: Style) -> String {
    let mut out = format!(
        "Tick {} of {} (day {}){} · Queue 2: {} payments\n\n",
        count(state.tick),
        count(horizon),
        count(state.day),
        if state.tick >= horizon {
            ", finished"
        } else {
            ""
        },
        count(state.queue2_size)
    );
    let mut table = Table::new([
        "Agent",
        "balance",
        "credit limit",
        "available",
        "Queue 1",
        "Queue 2",
    ]);
    for a in &state.agents {
        table.row([
            a.id.clone(),
            style.money(a.balance),
            style.money(a.credit_limit),
            style.money(a.balance.saturating_add(a.credit_limit)),
            count(a.queue1_size),
            count(a.queue2_size),
        ]);
    }
    out.push_str(&table.render());
    if !state.outages.is_empty() || state.pending_actions > 0 {
        out.push('\n');
    }
    for o in &state.outages {
        out.push_str(&format!(
            "Outage: {} until tick {}{}\n",
            o.agent,
            count(o.to_tick),
            if o.block_receiving {
                " (receiving blocked)"
            } else {
                ""
            }
        ));
    }
    if state.pending_actions > 0 {
        out.push_str(&format!(
            "Scheduled actions pending: {}\n",
            count(state.pending_actions)
        ));
    }
    out
}

/// What a batch of ticks did (`tick`).
pub fn run_summary(summary: &RunSummary, now: u64, horizon: u64, style: Style) -> String {
    let range = if summary.ticks_run == 1 {
        format!("tick {}", summary.first_tick)
    } else {
        format!("ticks {}–{}", summary.first_tick, summary.last_tick)
    };
    let mut out = format!(
        "Ran {range} ({} tick{}); now at tick {} of {}{}\n\n",
        count(summary.ticks_run),
        if summary.ticks_run == 1 { "" } else { "s" },
        count(now),
        count(horizon),
        if now >= horizon { " (finished)" } else { "" },
    );
    let mut table = Table::new(["", "count", "value"]);
    table.row([
        "arrivals".to_string(),
        count(summary.num_arrivals),
        String::new(),
    ]);
    table.row([
        "settlements".to_string(),
        count(summary.num_settlements),
        style.money(summary.settled_value),
    ]);
    table.row([
        "  by bilateral offset".to_string(),
        count(summary.lsm_bilateral_releases),
        String::new(),
    ]);
    table.row([
        "  by multilateral offset".to_string(),
        count(summary.lsm_cycle_releases),
        String::new(),
    ]);
    table.row(["drops".to_string(), count(summary.num_drops), String::new()]);
    table.row([
        "splits".to_string(),
        count(summary.num_splits),
        String::new(),
    ]);
    table.row([
        "Queue 1 now".to_string(),
        count(summary.last.queue1_size),
        String::new(),
    ]);
    table.row([
        "Queue 2 now".to_string(),
        count(summary.last.queue2_size),
        String::new(),
    ]);
    table.rule();
    for (label, value) in [
        ("liquidity cost", summary.total_liquidity_cost),
        ("delay cost", summary.total_delay_cost),
        ("split cost", summary.total_split_cost),
        ("deadline penalties", summary.total_deadline_penalty),
        ("end-of-day penalties", summary.total_eod_penalty),
        ("total cost", summary.total_cost),
    ] {
        table.row([label.to_string(), String::new(), style.money(value)]);
    }
    out.push_str(&table.render());
    out
}

/// A list of events, one per line.
pub fn events(events: &[EventRecord], style: Style) -> String {
    let mut table = Table::new([
        "seq", "tick", "event", "tx", "sender", "receiver", "amount", "details",
    ])
    .align(0, Align::Right)
    .align(2, Align::Left)
    .align(3, Align::Left)
    .align(4, Align::Left)
    .align(5, Align::Left)
    .align(7, Align::Left);
    for e in events {
        table.row([
            e.seq.to_string(),
            e.tick.to_string(),
            e.kind.clone(),
            e.tx.clone().unwrap_or_default(),
            // A scheduled action names its agent in the sender column.
            e.sender
                .clone()
                .or_else(|| e.agent.clone())
                .unwrap_or_default(),
            e.receiver.clone().unwrap_or_default(),
            e.amount.map(|a| style.money(a)).unwrap_or_default(),
            event_details(e, style),
        ]);
    }
    table.render()
}

fn event_details(e: &EventRecord, style: Style) -> String {
    match e.kind.as_str() {
        "arrival" => format!(
            "deadline tick {}, priority {}",
            e.deadline_tick.unwrap_or_default(),
            e.priority.unwrap_or_default()
        ),
        "split" => format!("{} parts", e.parts.unwrap_or_default()),
        "reservation_changed" => format!(
            "{} reservation {} → {}",
            e.class.map_or("", |c| match c {
                payment_sim_core::rules::PaymentClass::HighlyUrgent => "highly urgent",
                payment_sim_core::rules::PaymentClass::Urgent => "urgent",
                payment_sim_core::rules::PaymentClass::Normal => "normal",
            }),
            style.money(e.previous_amount.unwrap_or_default()),
            style.money(e.amount.unwrap_or_default())
        ),
        "limit_changed" => format!(
            "{} {} → {}",
            match &e.counterparty {
                Some(c) => format!("bilateral limit toward {c}"),
                None => "multilateral limit".into(),
            },
            style.money(e.previous_amount.unwrap_or_default()),
            style.money(e.amount.unwrap_or_default())
        ),
        "priority_changed" => format!(
            "priority {} → {}",
            e.previous_priority.unwrap_or_default(),
            e.priority.unwrap_or_default()
        ),
        "settled" => match e.mechanism {
            Some(Mechanism::Rtgs) => "at RTGS entry".into(),
            Some(Mechanism::Queue) => "on Queue 2 retry".into(),
            Some(Mechanism::Bilateral) => "bilateral offset".into(),
            Some(Mechanism::Multilateral) => "multilateral offset".into(),
            None => String::new(),
        },
        "end_of_day" => format!(
            "day {}: {} settled ({}), {} dropped, {} unsettled, penalties {}",
            e.day.unwrap_or_default(),
            count(e.settlements.unwrap_or_default()),
            style.money(e.settled_value.unwrap_or_default()),
            count(e.drops.unwrap_or_default()),
            count(e.unsettled.unwrap_or_default()),
            style.money(e.eod_penalties.unwrap_or_default()),
        ),
        "outage_started" => format!(
            "out until tick {}{}",
            e.to_tick.unwrap_or_default(),
            if e.block_receiving == Some(true) {
                ", receiving blocked"
            } else {
                ""
            }
        ),
        "liquidity" if e.requested != e.amount => format!(
            "capped: {} asked",
            style.money(e.requested.unwrap_or_default())
        ),
        "credit_limit" => format!(
            "credit limit {}{}",
            style.money(e.credit_limit.unwrap_or_default()),
            if e.requested != e.credit_limit {
                format!(" ({} asked)", style.money(e.requested.unwrap_or_default()))
            } else {
                String::new()
            }
        ),
        "arrival_rate" => format!("rate {} per tick", e.rate.unwrap_or_default()),
        "lsm" => format!(
            "bilateral {}, multilateral {}",
            on_off(e.bilateral),
            on_off(e.multilateral)
        ),
        _ => String::new(),
    }
}

/// The liquidity bounds and the delay indicator ρ of each agent and of the system
/// (whole run; `docs/model.md` § Indicators).
fn indicators(stats: &Statistics, style: Style) -> String {
    let money = |v: i128| style.money(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64);
    let mut t = Table::new(["Indicators", "upper bound", "lower bound", "delay ρ"]);
    for a in &stats.agents {
        t.row([
            a.id.clone(),
            money(a.liquidity_upper_bound),
            money(a.liquidity_lower_bound),
            format!("{:.4}", a.delay_indicator),
        ]);
    }
    t.rule();
    t.row([
        "system".to_string(),
        money(stats.liquidity_upper_bound),
        money(stats.liquidity_lower_bound),
        format!("{:.4}", stats.delay_indicator),
    ]);
    t.render()
}

fn on_off(switch: Option<bool>) -> &'static str {
    if switch == Some(true) {
        "on"
    } else {
        "off"
    }
}
