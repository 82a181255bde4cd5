//! The engine's value types (transactions, events, running totals) ⇄ the current snapshot
//! document's parts.
//!
//! Every conversion destructures completely, so a field added to an engine type fails to
//! compile here until it is given a place in a document (a new version) or declared derived.

use super::v6 as doc;
use crate::events::{Event, EventKind, Mechanism};
use crate::stats::{AgentTotals, ByMechanism, CostBreakdown, Totals};
use crate::transaction::{Location, Transaction, TxId};

fn tx_id_to_doc(id: TxId) -> doc::TxId {
    let TxId { seq, part } = id;
    doc::TxId { seq, part }
}

fn tx_id_from_doc(id: doc::TxId) -> TxId {
    let doc::TxId { seq, part } = id;
    TxId { seq, part }
}

pub(super) fn tx_to_doc(tx: &Transaction) -> doc::Transaction {
    let Transaction {
        id,
        sender,
        receiver,
        amount,
        arrival_tick,
        deadline_tick,
        priority,
        location,
        overdue,
        hold_recorded,
        from_tick: _, // in the document's `timed` list while it is ahead
    } = *tx;
    doc::Transaction {
        id: tx_id_to_doc(id),
        sender,
        receiver,
        amount,
        arrival_tick,
        deadline_tick,
        priority,
        location: match location {
            Location::Queue1 => doc::Location::Queue1,
            Location::Queue2 { entry } => doc::Location::Queue2 { entry },
        },
        overdue,
        hold_recorded,
    }
}

pub(super) fn tx_from_doc(tx: doc::Transaction) -> Transaction {
    let doc::Transaction {
        id,
        sender,
        receiver,
        amount,
        arrival_tick,
        deadline_tick,
        priority,
        location,
        overdue,
        hold_recorded,
    } = tx;
    Transaction {
        id: tx_id_from_doc(id),
        sender,
        receiver,
        amount,
        arrival_tick,
        deadline_tick,
        priority,
        location: match location {
            doc::Location::Queue1 => Location::Queue1,
            doc::Location::Queue2 { entry } => Location::Queue2 { entry },
        },
        overdue,
        hold_recorded,
        from_tick: 0, // restore sets it from the document's `timed` list
    }
}

fn costs_to_doc(c: &CostBreakdown) -> doc::Costs {
    let CostBreakdown {
        liquidity,
        delay,
        split,
        deadline_penalty,
        eod_penalty,
        total,
    } = *c;
    doc::Costs {
        liquidity,
        delay,
        split,
        deadline_penalty,
        eod_penalty,
        total,
    }
}

fn costs_from_doc(c: doc::Costs) -> CostBreakdown {
    let doc::Costs {
        liquidity,
        delay,
        split,
        deadline_penalty,
        eod_penalty,
        total,
    } = c;
    CostBreakdown {
        liquidity,
        delay,
        split,
        deadline_penalty,
        eod_penalty,
        total,
    }
}

pub(super) fn totals_to_doc(t: &Totals) -> doc::Totals {
    let Totals {
        ticks_run,
        arrivals,
        arrived_value,
        extra_parts,
        settlements,
        by_mechanism,
        settled_value,
        drops,
        dropped_value,
        overdue,
        splits,
        delay_sum,
        delay_max,
        peak_queue1,
        peak_queue2,
        costs,
        agents,
        day_settlements,
        day_settled_value,
        day_drops,
        // Version 4 keeps these outside the totals (`v4::LsmTotals`).
        lsm_runs: _,
        lsm_offsets: _,
        lsm_budget_exhausted: _,
    } = t;
    let ByMechanism {
        rtgs,
        queue,
        bilateral,
        multilateral,
    } = *by_mechanism;
    doc::Totals {
        ticks_run: *ticks_run,
        arrivals: *arrivals,
        arrived_value: *arrived_value,
        extra_parts: *extra_parts,
        settlements: *settlements,
        by_mechanism: doc::ByMechanism {
            rtgs,
            queue,
            bilateral,
            multilateral,
        },
        settled_value: *settled_value,
        drops: *drops,
        dropped_value: *dropped_value,
        overdue: *overdue,
        splits: *splits,
        delay_sum: *delay_sum,
        delay_max: *delay_max,
        peak_queue1: *peak_queue1,
        peak_queue2: *peak_queue2,
        costs: costs_to_doc(costs),
        agents: agents
            .iter()
            .map(|a| {
                let AgentTotals {
                    costs,
                    sent_count,
                    sent_value,
                    received_value,
                    peak_overdraft,
                } = a;
                doc::AgentTotals {
                    costs: costs_to_doc(costs),
                    sent_count: *sent_count,
                    sent_value: *sent_value,
                    received_value: *received_value,
                    peak_overdraft: *peak_overdraft,
                }
            })
            .collect(),
        day_settlements: *day_settlements,
        day_settled_value: *day_settled_value,
        day_drops: *day_drops,
    }
}

pub(super) fn totals_from_doc(t: doc::Totals) -> Totals {
    let doc::Totals {
        ticks_run,
        arrivals,
        arrived_value,
        extra_parts,
        settlements,
        by_mechanism,
        settled_value,
        drops,
        dropped_value,
        overdue,
        splits,
        delay_sum,
        delay_max,
        peak_queue1,
        peak_queue2,
        costs,
        agents,
        day_settlements,
        day_settled_value,
        day_drops,
    } = t;
    let doc::ByMechanism {
        rtgs,
        queue,
        bilateral,
        multilateral,
    } = by_mechanism;
    Totals {
        ticks_run,
        arrivals,
        arrived_value,
        extra_parts,
        settlements,
        by_mechanism: ByMechanism {
            rtgs,
            queue,
            bilateral,
            multilateral,
        },
        settled_value,
        drops,
        dropped_value,
        overdue,
        splits,
        delay_sum,
        delay_max,
        peak_queue1,
        peak_queue2,
        costs: costs_from_doc(costs),
        agents: agents
            .into_iter()
            .map(|a| {
                let doc::AgentTotals {
                    costs,
                    sent_count,
                    sent_value,
                    received_value,
                    peak_overdraft,
                } = a;
                AgentTotals {
                    costs: costs_from_doc(costs),
                    sent_count,
                    sent_value,
                    received_value,
                    peak_overdraft,
                }
            })
            .collect(),
        day_settlements,
        day_settled_value,
        day_drops,
        // Restored from version 4's `lsm` (`convert`).
        lsm_runs: 0,
        lsm_offsets: 0,
        lsm_budget_exhausted: 0,
    }
}

fn mechanism_to_doc(m: Mechanism) -> doc::Mechanism {
    match m {
        Mechanism::Rtgs => doc::Mechanism::Rtgs,
        Mechanism::Queue => doc::Mechanism::Queue,
        Mechanism::Bilateral => doc::Mechanism::Bilateral,
        Mechanism::Multilateral => doc::Mechanism::Multilateral,
    }
}

fn mechanism_from_doc(m: doc::Mechanism) -> Mechanism {
    match m {
        doc::Mechanism::Rtgs => Mechanism::Rtgs,
        doc::Mechanism::Queue => Mechanism::Queue,
        doc::Mechanism::Bilateral => Mechanism::Bilateral,
        doc::Mechanism::Multilateral => Mechanism::Multilateral,
    }
}

pub(super) fn event_to_doc(e: &Event) -> doc::Event {
    use doc::EventKind as D;
    let kind = match e.kind {
        EventKind::Arrival {
            tx,
            sender,
            receiver,
            amount,
            deadline_tick,
            priority,
        } => D::Arrival {
            tx: tx_id_to_doc(tx),
            sender,
            receiver,
            amount,
            deadline_tick,
            priority,
        },
        EventKind::Released { tx, sender } => D::Released {
            tx: tx_id_to_doc(tx),
            sender,
        },
        EventKind::Held { tx, sender } => D::Held {
            tx: tx_id_to_doc(tx),
            sender,
        },
        EventKind::Split { tx, sender, parts } => D::Split {
            tx: tx_id_to_doc(tx),
            sender,
            parts,
        },
        EventKind::Queued { tx, sender } => D::Queued {
            tx: tx_id_to_doc(tx),
            sender,
        },
        EventKind::Settled {
            tx,
            sender,
            receiver,
            amount,
            mechanism,
        } => D::Settled {
            tx: tx_id_to_doc(tx),
            sender,
            receiver,
            amount,
            mechanism: mechanism_to_doc(mechanism),
        },
        EventKind::Dropped { tx, sender, amount } => D::Dropped {
            tx: tx_id_to_doc(tx),
            sender,
            amount,
        },
        EventKind::Overdue { tx, sender, amount } => D::Overdue {
            tx: tx_id_to_doc(tx),
            sender,
            amount,
        },
        EventKind::EndOfDay {
            day,
            settlements,
            settled_value,
            drops,
            unsettled,
            eod_penalties,
        } => D::EndOfDay {
            day,
            settlements,
            settled_value,
            drops,
            unsettled,
            eod_penalties,
        },
        EventKind::PriorityChanged {
            tx,
            sender,
            from,
            to,
        } => D::PriorityChanged {
            tx: tx_id_to_doc(tx),
            sender,
            from,
            to,
        },
        ref other => super::schedule_parts::scheduled_event_to_doc(other),
    };
    doc::Event {
        seq: e.seq,
        tick: e.tick,
        kind,
    }
}

pub(super) fn event_from_doc(e: doc::Event) -> Event {
    use doc::EventKind as D;
    let kind = match e.kind {
        D::Arrival {
            tx,
            sender,
            receiver,
            amount,
            deadline_tick,
            priority,
        } => EventKind::Arrival {
            tx: tx_id_from_doc(tx),
            sender,
            receiver,
            amount,
            deadline_tick,
            priority,
        },
        D::Released { tx, sender } => EventKind::Released {
            tx: tx_id_from_doc(tx),
            sender,
        },
        D::Held { tx, sender } => EventKind::Held {
            tx: tx_id_from_doc(tx),
            sender,
        },
        D::Split { tx, sender, parts } => EventKind::Split {
            tx: tx_id_from_doc(tx),
            sender,
            parts,
        },
        D::Queued { tx, sender } => EventKind::Queued {
            tx: tx_id_from_doc(tx),
            sender,
        },
        D::Settled {
            tx,
            sender,
            receiver,
            amount,
            mechanism,
        } => EventKind::Settled {
            tx: tx_id_from_doc(tx),
            sender,
            receiver,
            amount,
            mechanism: mechanism_from_doc(mechanism),
        },
        D::Dropped { tx, sender, amount } => EventKind::Dropped {
            tx: tx_id_from_doc(tx),
            sender,
            amount,
        },
        D::Overdue { tx, sender, amount } => EventKind::Overdue {
            tx: tx_id_from_doc(tx),
            sender,
            amount,
        },
        D::EndOfDay {
            day,
            settlements,
            settled_value,
            drops,
            unsettled,
            eod_penalties,
        } => EventKind::EndOfDay {
            day,
            settlements,
            settled_value,
            drops,
            unsettled,
            eod_penalties,
        },
        D::PriorityChanged {
            tx,
            sender,
            from,
            to,
        } => EventKind::PriorityChanged {
            tx: tx_id_from_doc(tx),
            sender,
            from,
            to,
        },
        other => super::schedule_parts::scheduled_event_from_doc(other),
    };
    Event {
        seq: e.seq,
        tick: e.tick,
        kind,
    }
}
