//! What fuzzing found (fuzz/, `make fuzz`; docs/reliability.md), replayed with the core alone.
//!
//! Each test gives the core the input a fuzz target crashed on — inline, built from a
//! committed golden file, or under `core/tests/fuzz_inputs/` — and checks what that target
//! checked. For a snapshot: restore either refuses it, or returns a simulation that behaves as
//! a valid one: consistent in itself (no transaction in two places, no live transaction
//! already settled in its event log, none settled twice in it), its balances conserve, it runs to the end of its horizon
//! without an error, no transaction settles twice, and every state it reaches restores again,
//! byte for byte. The tests do not prescribe *how* a fix refuses (which error, at restore or
//! earlier), only that nothing inconsistent gets through.
//!
//! Every bug found so far is fixed (restore checks the whole snapshot). A test for a bug not
//! yet fixed is committed `#[ignore]`d with the issue that tracks it, so the suite stays green.

use std::collections::HashSet;

use payment_sim_core::Simulation;

/// The input files of these tests.
fn input(name: &str) -> String {
    let path = format!("{}/tests/fuzz_inputs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn golden(name: &str) -> String {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `text` with `from` replaced by `to` exactly once (so a test notices when its input moved).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} is not in the input once"
    );
    text.replacen(from, to, 1)
}

fn opening_total(sim: &Simulation) -> i128 {
    sim.config()
        .agent_configs
        .iter()
        .map(|a| i128::from(a.opening_balance))
        .sum()
}

fn balance_total(sim: &Simulation) -> i128 {
    sim.state()
        .agents
        .iter()
        .map(|a| i128::from(a.balance))
        .sum()
}

fn tx_name(seq: u64, part: u32) -> String {
    if part == 0 {
        format!("T{seq}")
    } else {
        format!("T{seq}.{part}")
    }
}

/// Every state a simulation reaches restores to the same bytes.
fn assert_restores_again(sim: &Simulation) {
    let first = sim.snapshot_json();
    let again = Simulation::restore_json(&first)
        .unwrap_or_else(|e| panic!("the engine refuses its own snapshot: {e}"));
    assert!(
        again.snapshot_json() == first,
        "snapshot → restore → snapshot is not byte-stable"
    );
}

/// Restore refuses `text`, or what it returns behaves as a valid simulation (see the module
/// documentation).
fn refused_or_valid(text: &str) {
    let Ok(mut sim) = Simulation::restore_json(text) else {
        return;
    };
    let snap = sim.snapshot();
    let mut live = HashSet::new();
    for tx in snap
        .queue1
        .iter()
        .flatten()
        .chain(&snap.pending_manual)
        .chain(&snap.queue2)
    {
        let id = tx_name(tx.id.seq, tx.id.part);
        assert!(live.insert(id.clone()), "transaction {id} is in two places");
    }
    if let Some(id) = settled_once(&sim).intersection(&live).next() {
        panic!("the event log says live transaction {id} has already settled");
    }
    assert_restores_again(&sim);
    assert_eq!(balance_total(&sim), opening_total(&sim));
    while !sim.is_finished() {
        if let Err(e) = sim.tick() {
            panic!(
                "tick {} of a restored simulation failed: {e}",
                sim.current_tick()
            );
        }
        assert_eq!(
            balance_total(&sim),
            opening_total(&sim),
            "balances do not conserve"
        );
    }
    settled_once(&sim);
    assert_restores_again(&sim);
}

/// The ids the event log records as settled, asserting that none settles twice.
fn settled_once(sim: &Simulation) -> HashSet<String> {
    let mut settled = HashSet::new();
    for e in sim.events_since(0) {
        if e.kind == "settled" {
            let id = e.tx.unwrap();
            assert!(settled.insert(id.clone()), "transaction {id} settled twice");
        }
    }
    settled
}

/// The golden snapshot these inputs are made from: `scarce_liquidity.yaml` after 37 ticks
/// (next_tx_seq 70; T67 waits in Queue 2; event 226 records T66 settling at tick 34).
fn scarce_t37() -> String {
    golden("v2/scarce_t37.json")
}

const SETTLED_T66: &str = r#""type":"settled","tx":{"seq":66,"part":0}"#;

/// snapshot_restore: one digit of an event changed, so the log says that T67 — still
/// waiting in Queue 2 — settled at tick 34. Restore accepted it; T67 then settles (again).
#[test]
fn an_event_log_saying_a_queued_payment_settled_is_refused() {
    let text = edit(
        &scarce_t37(),
        SETTLED_T66,
        r#""type":"settled","tx":{"seq":67,"part":0}"#,
    );
    refused_or_valid(&text);
}

/// snapshot_restore: the same event names T76, an id not issued yet (next_tx_seq is 70);
/// T76 arrives at tick 38 and settles at tick 39, and the log has it settled twice.
#[test]
fn an_event_naming_a_transaction_not_issued_yet_is_refused() {
    let text = edit(
        &scarce_t37(),
        SETTLED_T66,
        r#""type":"settled","tx":{"seq":76,"part":0}"#,
    );
    refused_or_valid(&text);
}

/// snapshot_mutate: next_tx_seq set to 2^62, the largest value restore accepts. The run
/// issues ids past it, and the engine then refuses its own snapshot ("counter … out of
/// range") — a state file the CLI saves and cannot read.
#[test]
fn a_counter_at_the_restore_limit_is_refused_or_stays_restorable() {
    let text = edit(
        &scarce_t37(),
        r#""next_tx_seq":70,"#,
        r#""next_tx_seq":4611686018427387904,"#,
    );
    refused_or_valid(&text);
}

/// snapshot_restore: the settled event of T66 renamed T64, which settled at tick 33 — the
/// restored log has T64 settling twice (the fuzzer's input did this to a small run's snapshot:
/// T11's settlement renamed T10).
#[test]
fn an_event_log_with_a_payment_settled_twice_is_refused() {
    let text = edit(
        &scarce_t37(),
        SETTLED_T66,
        r#""type":"settled","tx":{"seq":64,"part":0}"#,
    );
    refused_or_valid(&text);
}

/// The unchanged golden snapshot passes the same checks (so the tests above fail only for
/// what their edit did).
#[test]
fn the_unedited_input_is_valid() {
    let text = scarce_t37();
    assert!(Simulation::restore_json(&text).is_ok());
    refused_or_valid(&text);
}

/// snapshot_mutate (the shortest input: the target's default case): a small run's snapshot
/// at tick 12 with transaction T1, waiting in Queue 2, copied into its sender's Queue 1 as
/// well (written by `make fuzz-decode`). Restore accepted it; T1 is then dropped twice at its
/// deadline (two drop events, two penalties) — with more liquidity it settles twice.
#[test]
fn a_transaction_in_queue1_and_queue2_is_refused() {
    refused_or_valid(&input("snapshot_mutate-in_queue1_and_queue2.json"));
}

/// snapshot_mutate: a small run's snapshot at tick 17 in which split part T18.2 (498, waiting
/// in Queue 2; its sibling T18.1 settled at tick 11) was moved to its sender's Queue 1. The
/// engine never puts a part there; had restore accepted it, the next release would split it
/// again into a new T18.1 and T18.2, and T18.1 would settle twice.
#[test]
fn a_split_part_in_queue1_is_refused() {
    refused_or_valid(&input("snapshot_mutate-split_part_in_queue1.json"));
}
