//! Every failure has its own status and a precise message; out-parameters stay untouched on
//! failure; panics are contained and poison the handle. (The C harness in tests/c covers the
//! same ground from C, under valgrind and ASan.)

mod common;

use std::ffi::c_char;
use std::ptr;

use common::*;
use payment_sim::*;

const SENTINEL: *mut c_char = std::ptr::dangling_mut::<c_char>();

#[test]
fn null_arguments_are_reported_by_name() {
    let sim = new_sim(TWO_AGENTS);
    let mut out = SENTINEL;
    let mut handle = ptr::null_mut();
    unsafe {
        assert_eq!(psim_sim_new(ptr::null(), &mut handle), psim_status::NullArg);
        assert_eq!(last_error(), "psim_sim_new: argument `config_json` is NULL");
        let config = cstring(TWO_AGENTS);
        assert_eq!(
            psim_sim_new(config.as_ptr(), ptr::null_mut()),
            psim_status::NullArg
        );
        assert!(last_error().contains("`sim_out`"));
        assert_eq!(
            psim_sim_tick(ptr::null_mut(), &mut out),
            psim_status::NullArg
        );
        assert!(last_error().contains("`sim`"));
        assert_eq!(psim_sim_tick(sim, ptr::null_mut()), psim_status::NullArg);
        assert!(last_error().contains("`tick_result_json_out`"));
        assert_eq!(
            psim_sim_submit(sim, ptr::null(), &mut out),
            psim_status::NullArg
        );
        let a = cstring("A");
        assert_eq!(
            psim_sim_agent_balance(sim, a.as_ptr(), ptr::null_mut()),
            psim_status::NullArg
        );
        assert_eq!(
            psim_sim_current_tick(ptr::null(), ptr::null_mut()),
            psim_status::NullArg
        );
        assert!(last_error().contains("`sim`"));
        assert_eq!(
            psim_sim_restore(ptr::null(), &mut handle),
            psim_status::NullArg
        );
        psim_sim_free(ptr::null_mut());
        psim_string_free(ptr::null_mut());
    }
    assert_eq!(out, SENTINEL);
    assert!(handle.is_null());
    // A NULL out-parameter means nothing ran.
    assert_eq!(scalar(psim_sim_current_tick, sim), 0);
    unsafe { psim_sim_free(sim) };
}

#[test]
fn bad_input_gets_its_own_status() {
    let sim = new_sim(TWO_AGENTS);
    let mut handle = ptr::null_mut();
    let new = |text: &[u8], handle: &mut *mut psim_sim_t| {
        let c = std::ffi::CString::new(text).unwrap();
        unsafe { psim_sim_new(c.as_ptr(), handle) }
    };
    assert_eq!(
        new(b"{\"ticks_per_day\": 1,", &mut handle),
        psim_status::InvalidJson
    );
    assert!(
        last_error().starts_with("malformed JSON"),
        "{}",
        last_error()
    );
    assert_eq!(
        new(b"{\"a\": \"\xff\"}", &mut handle),
        psim_status::InvalidUtf8
    );
    assert_eq!(
        last_error(),
        "psim_sim_new: argument `config_json` is not valid UTF-8 (byte 0xff at offset 7)"
    );
    let bad = TWO_AGENTS.replace("\"num_days\": 2", "\"num_days\": 0");
    assert_eq!(new(bad.as_bytes(), &mut handle), psim_status::InvalidConfig);
    assert!(last_error().contains("num_days must be positive (got 0)"));
    assert!(handle.is_null());

    let err = submit(sim, r#"{"sender":"A","receiver":"ZED","amount":5}"#).unwrap_err();
    assert_eq!(err.0, psim_status::NotFound);
    assert!(err.1.contains("\"ZED\""), "{}", err.1);
    let err = submit(sim, r#"{"sender":"A","receiver":"B","amount":-5}"#).unwrap_err();
    assert_eq!(err.0, psim_status::InvalidArgument, "{}", err.1);
    let err = submit(
        sim,
        r#"{"sender":"A","receiver":"B","amount":5,"colour":1}"#,
    )
    .unwrap_err();
    assert_eq!(err.0, psim_status::InvalidArgument);
    assert!(err.1.contains("colour"), "{}", err.1);
    let err = submit(sim, r#"{"sender":"A""#).unwrap_err();
    assert_eq!(err.0, psim_status::InvalidJson);

    let (mut balance, zed) = (-1i64, cstring("ZED"));
    let status = unsafe { psim_sim_agent_balance(sim, zed.as_ptr(), &mut balance) };
    assert_eq!(status, psim_status::NotFound);
    assert_eq!(last_error(), "unknown agent \"ZED\"");
    assert_eq!(balance, -1);

    // A success clears the previous message.
    assert_eq!(scalar(psim_sim_queue2_size, sim), 0);
    assert_eq!(last_error(), "");

    let mut out = SENTINEL;
    assert_eq!(
        unsafe { psim_sim_run(sim, 0, &mut out) },
        psim_status::InvalidArgument
    );
    assert_eq!(
        unsafe { psim_sim_run(sim, 11, &mut out) },
        psim_status::InvalidArgument
    );
    assert!(last_error().contains("10 remaining"), "{}", last_error());
    run(sim, 10);
    assert_eq!(
        unsafe { psim_sim_tick(sim, &mut out) },
        psim_status::SimulationFinished
    );
    assert!(last_error().contains("10 ticks"), "{}", last_error());
    assert_eq!(
        unsafe { psim_sim_run(sim, 1, &mut out) },
        psim_status::SimulationFinished
    );
    let err = submit(sim, r#"{"sender":"A","receiver":"B","amount":5}"#).unwrap_err();
    assert_eq!(err.0, psim_status::SimulationFinished);
    assert_eq!(out, SENTINEL);

    let mut page = SENTINEL;
    assert_eq!(
        unsafe { psim_sim_events_page(sim, 0, 0, &mut page) },
        psim_status::InvalidArgument
    );
    assert_eq!(
        last_error(),
        "psim_sim_events_page: max_events must be at least 1, got 0"
    );
    assert_eq!(page, SENTINEL);
    assert_eq!(
        unsafe { psim_sim_events_page(ptr::null(), 0, 1, &mut page) },
        psim_status::NullArg
    );
    assert!(last_error().contains("`sim`"), "{}", last_error());
    assert_eq!(
        unsafe { psim_sim_events_page(sim, 0, 1, ptr::null_mut()) },
        psim_status::NullArg
    );
    assert!(
        last_error().contains("`events_json_out`"),
        "{}",
        last_error()
    );
    assert_eq!(page, SENTINEL);

    let mut restored = ptr::null_mut();
    let status = unsafe { psim_sim_restore(cstring("{}").as_ptr(), &mut restored) };
    assert_eq!(status, psim_status::InvalidConfig);
    assert!(
        last_error().starts_with("invalid configuration: snapshot: "),
        "{}",
        last_error()
    );
    let status = unsafe { psim_sim_restore(cstring("[").as_ptr(), &mut restored) };
    assert_eq!(status, psim_status::InvalidJson);
    assert!(restored.is_null());
    unsafe { psim_sim_free(sim) };
}

#[test]
fn a_panic_is_contained_and_poisons_only_its_handle() {
    let sim = new_sim(TWO_AGENTS);
    let other = new_sim(TWO_AGENTS);
    assert_eq!(unsafe { psim_sim_debug_panic(sim) }, psim_status::Panic);
    let message = last_error();
    assert!(
        message.starts_with("psim_sim_debug_panic: internal error (panic at ")
            && message.contains("deliberate panic"),
        "{message}"
    );
    let mut out = SENTINEL;
    assert_eq!(
        unsafe { psim_sim_tick(sim, &mut out) },
        psim_status::Poisoned
    );
    assert!(last_error().contains("poisoned"), "{}", last_error());
    assert_eq!(
        unsafe { psim_sim_state(sim, &mut out) },
        psim_status::Poisoned
    );
    assert_eq!(unsafe { psim_sim_debug_panic(sim) }, psim_status::Poisoned);
    assert_eq!(out, SENTINEL);
    // Other handles are unaffected.
    tick(other);
    unsafe {
        psim_sim_free(sim);
        psim_sim_free(other);
    }
}

#[test]
fn concurrent_calls_on_one_handle_are_serialised() {
    struct Shared(*mut psim_sim_t);
    unsafe impl Send for Shared {}
    unsafe impl Sync for Shared {}
    let sim = Shared(new_sim(&seed_workload(1000, 1, 3)));
    let shared = &sim;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(move || {
                for _ in 0..200 {
                    tick(shared.0);
                    doc(psim_sim_state, shared.0);
                }
            });
        }
    });
    assert_eq!(scalar(psim_sim_current_tick, sim.0), 400);
    unsafe { psim_sim_free(sim.0) };
}
