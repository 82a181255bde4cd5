//! FIFO within a class (`rules.classes.fifo_within_class`, `docs/model.md` § The rules of
//! real RTGS systems): Queue 2 orders by class, then entry, ignoring the priority within a
//! class.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::json;

fn queued_pair(fifo: bool) -> (Simulation, Vec<String>) {
    // A holds nothing: its three payments to B queue in tick 0 — T1 (priority 3), T2
    // (priority 6), both normal, and T3 (priority 8, urgent).
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 100, 0)],
        json!({"rules": {"classes": {"fifo_within_class": fifo}}, "lsm": lsm_off(),
               "event_recording": "full"}),
    ));
    let ids = vec![
        pay_with(&mut s, "A", "B", 50, 50, 3),
        pay_with(&mut s, "A", "B", 50, 50, 6),
        pay_with(&mut s, "A", "B", 50, 50, 8),
    ];
    s.tick().unwrap();
    assert_eq!(s.queue2_size(), 3);
    (s, ids)
}

#[test]
fn within_a_class_the_earlier_entry_goes_first() {
    // Tick 1: B pays A 100, so A can fund two of its three. The urgent T3 goes first either
    // way; then, by priority, T2 (6 before 3) — or, FIFO within the class, T1 (entered first).
    for (fifo, second) in [(false, 1), (true, 0)] {
        let (mut s, ids) = queued_pair(fifo);
        pay(&mut s, "B", "A", 100);
        s.tick().unwrap();
        let order: Vec<String> = settlements(&s).into_iter().map(|(tx, _)| tx).collect();
        assert_eq!(
            order,
            vec!["T4".to_string(), ids[2].clone(), ids[second].clone()],
            "fifo_within_class {fifo}"
        );
    }
}

#[test]
fn a_snapshot_keeps_the_class_order() {
    let (mut s, _) = queued_pair(true);
    let doc = s.snapshot_json();
    let mut restored = Simulation::restore_json(&doc).unwrap();
    assert_eq!(restored.snapshot_json(), doc);
    for sim in [&mut s, &mut restored] {
        pay(sim, "B", "A", 100);
        sim.run_to_end().unwrap();
    }
    assert_eq!(restored.events_since(0), s.events_since(0));
}
