//! Deferred crediting (`rules.deferred_crediting`, `docs/model.md` § The rules of real RTGS
//! systems): what a participant receives in a tick is usable only from the next tick.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::json;

fn three(deferred: bool, lsm: serde_json::Value) -> Simulation {
    sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 100, 0), agent("C", 0, 0)],
        json!({"rules": {"deferred_crediting": deferred}, "lsm": lsm, "event_recording": "full"}),
    ))
}

fn settled_ticks(s: &Simulation) -> Vec<(String, u64)> {
    events_of(s, "settled")
        .into_iter()
        .map(|e| (e.tx.unwrap(), e.tick))
        .collect()
}

#[test]
fn funds_received_in_a_tick_are_usable_from_the_next() {
    // Tick 0: A (nothing) owes C 30 and enters first (agent order): it queues. B pays A 50
    // gross. Without deferral A's 30 settles in tick 0's retry; with it, A's 50 is not usable
    // before tick 1, where the retry settles it.
    for (deferred, tick) in [(false, 0), (true, 1)] {
        let mut s = three(deferred, lsm_off());
        let t1 = pay(&mut s, "A", "C", 30);
        let t2 = pay(&mut s, "B", "A", 50);
        s.tick().unwrap();
        // The balance moves at once either way: only its use waits.
        let expect = if deferred {
            vec![50, 50, 0]
        } else {
            vec![20, 50, 30]
        };
        assert_eq!(balances(&s), expect, "deferred {deferred}");
        s.tick().unwrap();
        assert_eq!(balances(&s), vec![20, 50, 30]);
        assert_eq!(
            settled_ticks(&s),
            vec![(t2, 0), (t1, tick)],
            "deferred {deferred}"
        );
    }
}

#[test]
fn an_offset_credits_only_the_net_receipt_and_defers_it() {
    // A owes B 100 and B owes A 60; A holds 40, B nothing: bilateral offsetting settles both
    // (A's net −40, B's net +40). B's 40 is then not usable in the same tick: B's 40 to C
    // waits until tick 1. A's 60 from B went to pay B, so nothing of A's is deferred beyond it.
    let mut s = sim(&config(
        10,
        vec![agent("A", 40, 0), agent("B", 0, 0), agent("C", 0, 0)],
        json!({"rules": {"deferred_crediting": true}, "event_recording": "full",
               "lsm": {"bilateral": true, "multilateral": false}}),
    ));
    let ab = pay(&mut s, "A", "B", 100);
    let ba = pay(&mut s, "B", "A", 60);
    let bc = pay(&mut s, "B", "C", 40);
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![0, 40, 0]);
    let mut offset = settled_ticks(&s);
    offset.sort();
    assert_eq!(offset, vec![(ab.clone(), 0), (ba.clone(), 0)]);
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![0, 0, 40]);
    assert!(settled_ticks(&s).contains(&(bc, 1)));
}

#[test]
fn a_snapshot_between_ticks_holds_no_deferred_funds() {
    // Deferred funds are released at the end of the tick that received them, so a snapshot
    // (always between ticks) needs no field for them: restored, the run continues the same.
    let mut s = three(true, lsm_off());
    pay(&mut s, "A", "C", 30);
    pay(&mut s, "B", "A", 50);
    s.tick().unwrap();
    let mut restored = Simulation::restore_json(&s.snapshot_json()).unwrap();
    s.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    assert_eq!(restored.events_since(0), s.events_since(0));
    assert_eq!(restored.snapshot_json(), s.snapshot_json());
}
