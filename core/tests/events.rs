//! The event stream: sequence numbers, settled events with their mechanism, end-of-day
//! events, the recording levels, and that recording never changes the results.

mod common;
use common::*;
use payment_sim_core::{Simulation, Statistics};
use serde_json::{json, Value};

/// One scenario that settles by every mechanism: rtgs, queue, bilateral, multilateral.
fn every_mechanism(recording: &str) -> Simulation {
    let mut s = sim(&config(
        3,
        vec![
            agent("A", 10_000, 0),
            agent("B", 10_000, 0),
            agent("C", 10_000, 0),
            agent("D", 0, 0),
            agent("E", 5_000, 0),
        ],
        json!({"num_days": 2, "event_recording": recording}),
    ));
    pay(&mut s, "A", "B", 50_000); // T1 ┐ bilateral
    pay(&mut s, "B", "A", 45_000); // T2 ┘
    pay(&mut s, "C", "D", 30_000); // T3 ┐
    pay(&mut s, "D", "E", 30_000); // T4 │ multilateral ring C→D→E→C
    pay(&mut s, "E", "C", 30_000); // T5 ┘
    s.tick().unwrap();
    pay(&mut s, "D", "A", 5_000); // T6 waits
    s.tick().unwrap();
    pay(&mut s, "E", "D", 5_000); // T7 rtgs, then T6 on the retry
    s.run(4).unwrap();
    s
}

#[test]
fn settled_events_name_their_mechanism() {
    let s = every_mechanism("full");
    assert_eq!(
        settlements(&s),
        vec![
            ("T1".into(), "bilateral".into()),
            ("T2".into(), "bilateral".into()),
            ("T3".into(), "multilateral".into()),
            ("T4".into(), "multilateral".into()),
            ("T5".into(), "multilateral".into()),
            ("T7".into(), "rtgs".into()),
            ("T6".into(), "queue".into()),
        ]
    );
    let by = s.statistics().settlements_by_mechanism;
    assert_eq!(
        (by.rtgs, by.queue, by.bilateral, by.multilateral),
        (1, 1, 2, 3)
    );
    assert_eq!(balances(&s), vec![10_000, 15_000, 10_000, 0, 0]);
}

#[test]
fn sequence_numbers_are_contiguous_and_since_filters() {
    let s = every_mechanism("full");
    let all = s.events_since(0);
    assert_eq!(all.len() as u64, s.last_event_seq());
    assert!(all.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
    assert!(all.windows(2).all(|w| w[0].tick <= w[1].tick));
    let later = s.events_since(10);
    assert_eq!(later.first().map(|e| e.seq), Some(11));
    assert_eq!(later.len(), all.len() - 10);
    assert!(s.events_since(all.len() as u64).is_empty());
    assert!(s.events_since(u64::MAX).is_empty());
    // One tick's story for T1: arrival → released → queued → settled.
    let story: Vec<&str> = all
        .iter()
        .filter(|e| e.tx.as_deref() == Some("T1"))
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(story, vec!["arrival", "released", "queued", "settled"]);
}

#[test]
fn end_of_day_events_carry_the_days_figures() {
    let s = every_mechanism("full");
    let eod = events_of(&s, "end_of_day");
    assert_eq!(eod.len(), 2);
    assert_eq!((eod[0].tick, eod[0].day), (2, Some(0)));
    assert_eq!((eod[1].tick, eod[1].day), (5, Some(1)));
    assert_eq!(eod[0].settlements, Some(7));
    assert_eq!(eod[0].unsettled, Some(0));
    assert_eq!(eod[1].settlements, Some(0));
    let json = serde_json::to_value(&eod[0]).unwrap();
    assert_eq!(json["type"], "end_of_day");
    assert!(json.get("tx").is_none());
}

#[test]
fn recording_levels_filter_events_but_never_change_results() {
    let full = every_mechanism("full");
    let settlements_only = every_mechanism("settlements");
    let off = every_mechanism("off");
    let kinds = |s: &Simulation| -> Vec<String> {
        let mut k: Vec<String> = s.events_since(0).into_iter().map(|e| e.kind).collect();
        k.sort();
        k.dedup();
        k
    };
    assert_eq!(kinds(&settlements_only), vec!["end_of_day", "settled"]);
    assert!(off.events_since(0).is_empty());
    assert_eq!(off.last_event_seq(), 0);
    let kept: Vec<Value> = full
        .events_since(0)
        .into_iter()
        .filter(|e| e.kind == "settled" || e.kind == "end_of_day")
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap();
            v.as_object_mut().unwrap().remove("seq");
            v
        })
        .collect();
    let filtered: Vec<Value> = settlements_only
        .events_since(0)
        .into_iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap();
            v.as_object_mut().unwrap().remove("seq");
            v
        })
        .collect();
    assert_eq!(kept, filtered);
    for other in [&settlements_only, &off] {
        assert_eq!(full.state(), other.state());
        // The figures are the same; only the provenance's scenario hash names the other level.
        let same_provenance = Statistics {
            provenance: full.provenance(),
            ..other.statistics()
        };
        assert_eq!(full.statistics(), same_provenance);
        assert_ne!(full.provenance(), other.provenance());
    }
}
