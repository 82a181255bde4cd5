//! The same configuration and seed give byte-identical JSON through the C ABI and through the
//! core's Rust API (serde_json::to_string of the core types), including across a snapshot and
//! restore.

mod common;

use common::*;
use payment_sim::*;
use payment_sim_core::{Simulation, Submission};

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

fn events_document(rust: &Simulation, from_seq: u64) -> String {
    format!(
        r#"{{"schema_version":{},"last_seq":{},"events":{}}}"#,
        PSIM_EVENTS_SCHEMA_VERSION,
        rust.last_event_seq(),
        json(&rust.events_since(from_seq))
    )
}

fn events_page_document(rust: &Simulation, from_seq: u64, limit: usize) -> String {
    format!(
        r#"{{"schema_version":{},"last_seq":{},"events":{}}}"#,
        PSIM_EVENTS_SCHEMA_VERSION,
        rust.last_event_seq(),
        json(&rust.events_page(from_seq, limit))
    )
}

fn events_page(sim: *const psim_sim_t, from_seq: u64, max_events: u64) -> String {
    let mut out = std::ptr::null_mut();
    let status = unsafe { psim_sim_events_page(sim, from_seq, max_events, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    take(out)
}

fn assert_same_documents(sim: *mut psim_sim_t, rust: &Simulation) {
    assert_eq!(doc(psim_sim_state, sim), json(&rust.state()));
    assert_eq!(doc(psim_sim_stats, sim), json(&rust.statistics()));
    assert_eq!(doc(psim_sim_agent_ids, sim), json(&rust.agent_ids()));
    assert_eq!(doc(psim_sim_snapshot, sim), rust.snapshot_json());
    assert_eq!(events(sim, 0), events_document(rust, 0));
    assert_eq!(scalar(psim_sim_current_tick, sim), rust.current_tick());
    assert_eq!(scalar(psim_sim_current_day, sim), rust.current_day());
    assert_eq!(scalar(psim_sim_queue2_size, sim), rust.queue2_size());
    assert_eq!(scalar(psim_sim_horizon, sim), rust.horizon());
}

#[test]
fn c_abi_and_rust_give_the_same_bytes() {
    let config = seed_workload(100, 3, 42);
    let sim = new_sim(&config);
    let mut rust = Simulation::from_json(&config).unwrap();
    assert_same_documents(sim, &rust);

    for _ in 0..40 {
        assert_eq!(tick(sim), json(&rust.tick().unwrap()));
    }
    let tx = r#"{"sender":"BANK_C","receiver":"BANK_H","amount":123456,"deadline_offset":7,"priority":9}"#;
    let id = submit(sim, tx).unwrap();
    assert_eq!(
        id,
        rust.submit(&Submission::from_json(tx).unwrap()).unwrap()
    );
    assert_eq!(run(sim, 75), json(&rust.run(75).unwrap()));
    assert_same_documents(sim, &rust);

    let from = rust.last_event_seq() / 2;
    assert_eq!(events(sim, from), events_document(&rust, from));
    assert_eq!(
        events(sim, u64::MAX),
        events_document(&rust, u64::MAX),
        "past the last event: an empty list"
    );
    for id in rust.agent_ids().to_vec() {
        let c_id = cstring(&id);
        let (mut balance, mut q1) = (0i64, 0u64);
        unsafe {
            assert_eq!(
                psim_sim_agent_balance(sim, c_id.as_ptr(), &mut balance),
                psim_status::Ok
            );
            assert_eq!(
                psim_sim_queue1_size(sim, c_id.as_ptr(), &mut q1),
                psim_status::Ok
            );
        }
        assert_eq!(balance, rust.agent_balance(&id).unwrap());
        assert_eq!(q1, rust.queue1_size(&id).unwrap());
    }
    unsafe { psim_sim_free(sim) };
}

#[test]
fn a_restored_snapshot_continues_identically() {
    let config = seed_workload(50, 4, 9);
    let original = new_sim(&config);
    run(original, 60);
    submit(
        original,
        r#"{"sender":"BANK_A","receiver":"BANK_B","amount":900000}"#,
    )
    .unwrap();
    let snapshot = doc(psim_sim_snapshot, original);

    let mut restored = std::ptr::null_mut();
    let status = unsafe { psim_sim_restore(cstring(&snapshot).as_ptr(), &mut restored) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    assert_eq!(doc(psim_sim_snapshot, restored), snapshot);

    // The Rust API restoring the same document continues the same way too.
    let mut rust = Simulation::restore_json(&snapshot).unwrap();
    for _ in 0..30 {
        let expected = json(&rust.tick().unwrap());
        assert_eq!(tick(original), expected);
        assert_eq!(tick(restored), expected);
    }
    assert_eq!(run(original, 100), run(restored, 100));
    assert_eq!(events(original, 0), events(restored, 0));
    assert_eq!(doc(psim_sim_stats, original), doc(psim_sim_stats, restored));
    unsafe {
        psim_sim_free(original);
        psim_sim_free(restored);
    }
}

#[test]
fn event_pages_match_the_core_page_byte_for_byte() {
    let config = seed_workload(100, 3, 42);
    let sim = new_sim(&config);
    let mut rust = Simulation::from_json(&config).unwrap();
    assert_eq!(events_page(sim, 0, 5), events_page_document(&rust, 0, 5));
    assert_eq!(run(sim, 60), json(&rust.run(60).unwrap()));
    let last = rust.last_event_seq();
    assert!(last > 20, "only {last} events");

    for from in [0, 1, last / 2, last - 1, last, u64::MAX] {
        for max in [1u64, 7, last, u64::MAX] {
            let limit = usize::try_from(max).unwrap_or(usize::MAX);
            assert_eq!(
                events_page(sim, from, max),
                events_page_document(&rust, from, limit),
                "from_seq {from}, max_events {max}"
            );
        }
    }
    // An unbounded page is the whole psim_sim_events() document.
    assert_eq!(events_page(sim, 3, u64::MAX), events(sim, 3));

    // Paging through visits every event once and ends exactly at last_seq.
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page: EventsDocument = serde_json::from_str(&events_page(sim, cursor, 9)).unwrap();
        assert_eq!(page.last_seq, last);
        assert!(page.events.len() <= 9);
        let Some(tail) = page.events.last() else {
            break;
        };
        cursor = tail.seq;
        seen.extend(page.events);
    }
    assert_eq!(cursor, last);
    assert_eq!(seen, rust.events_since(0));
    unsafe { psim_sim_free(sim) };
}
