//! The from-time column of payment files (`docs/model.md` § Payment files, § Timed payments):
//! ticks after the arrival or a time, mapping to the payment's from-time; a from-time after
//! the till-time (the deadline), before the arrival or unreadable is an error naming its line
//! and column, or a counted reject.

use payment_sim_core::import::{
    FedError, ImportOptions, Importer, OnInvalid, OnOutside, PaymentFeed, ResultsFormat,
    ResultsWriter, TimeMapping,
};
use payment_sim_core::Simulation;

fn sim(tpd: u64) -> Simulation {
    Simulation::from_json(&format!(
        r#"{{"ticks_per_day": {tpd}, "num_days": 1, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [
          {{"id": "A", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}},
          {{"id": "B", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}}]}}"#
    ))
    .unwrap()
}

fn replay(sim: &mut Simulation, text: &str, opts: ImportOptions) -> Result<String, FedError> {
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", opts)?;
    let writer = ResultsWriter::new(Vec::new(), ResultsFormat::Csv);
    let mut imp = Importer::start(sim, feed, Some(writer))?;
    imp.run(sim, u64::MAX)?;
    let out = imp.finish(sim)?.writer.unwrap();
    Ok(String::from_utf8(out).unwrap())
}

/// The business day 19:00–07:00 in one-hour ticks.
fn times() -> ImportOptions {
    ImportOptions {
        time: Some(TimeMapping {
            opening: 19 * 3600,
            closing: 7 * 3600,
            tick_seconds: Some(3600),
            start_date: None,
        }),
        ..ImportOptions::default()
    }
}

#[test]
fn a_from_time_in_ticks_holds_a_payment_until_it() {
    // Both arrive at tick 0 with the liquidity to settle at once: P settles at its arrival, T
    // (from-time 3 ticks later) at tick 3, the tick its from-time is reached; an empty cell
    // is no from-time.
    let mut s = sim(10);
    let out = replay(
        &mut s,
        "id,tick,sender,receiver,amount,deadline,from_time\nP,0,A,B,300,5,\nT,0,A,B,200,5,3\n",
        ImportOptions::default(),
    )
    .unwrap();
    assert!(
        out.contains("\nP,T1,2,A,B,300,0,5,settled,0,rtgs,0,"),
        "{out}"
    );
    assert!(
        out.contains("\nT,T2,3,A,B,200,0,5,settled,3,rtgs,3,"),
        "{out}"
    );
}

#[test]
fn a_from_time_as_a_time_is_placed_as_the_arrival_is() {
    // Arrival 19:00 (tick 0), from-time 21:30 (tick 2): it settles at tick 2. A from-time at
    // the till-time (deadline offset 4, from-time 4) is allowed: it has that one tick.
    let mut s = sim(12);
    let out = replay(
        &mut s,
        "id,time,sender,receiver,amount,deadline,from_time\n\
         T,2026-03-02 19:00,A,B,200,,2026-03-02 21:30\n\
         U,2026-03-02 20:00,B,A,100,4,4\n",
        times(),
    )
    .unwrap();
    assert!(
        out.contains("\nT,T1,2,A,B,200,0,50,settled,2,rtgs,2,"),
        "{out}"
    );
    assert!(
        out.contains("\nU,T2,3,B,A,100,1,5,settled,5,rtgs,4,"),
        "{out}"
    );
}

#[test]
fn a_mapped_from_time_column() {
    let mut s = sim(10);
    let opts = ImportOptions {
        columns: payment_sim_core::import::Columns::with_mapping("from_time=Earliest").unwrap(),
        ..ImportOptions::default()
    };
    let out = replay(
        &mut s,
        "id,tick,sender,receiver,amount,Earliest\nT,1,A,B,200,2\n",
        opts,
    )
    .unwrap();
    assert!(
        out.contains("\nT,T1,2,A,B,200,1,51,settled,3,rtgs,2,"),
        "{out}"
    );
}

#[test]
fn a_bad_from_time_is_named_by_line_and_column() {
    let e = match replay(
        &mut sim(10),
        "id,tick,sender,receiver,amount,deadline,from_time\n\
         a,0,A,B,5,5,6\n\
         b,0,A,B,5,5,-1\n\
         c,2,A,B,5,,x\n",
        ImportOptions::default(),
    ) {
        Err(FedError::Input(e)) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    };
    let expected = [
        "p.csv line 2, column \"from_time\": the from-time (6 ticks after the arrival) is after the till-time, the deadline (5 ticks after it)",
        "p.csv line 3, column \"from_time\": the from-time offset must be ≥ 0 ticks (got \"-1\")",
        "p.csv line 4, column \"from_time\": the file has times: give the business day (opening and closing) to map them to ticks",
    ];
    assert_eq!(e, expected.join("\n"));
    // With times, an unreadable time, and one before the arrival.
    let e = match replay(
        &mut sim(12),
        "id,time,sender,receiver,amount,from_time\n\
         a,2026-03-02 20:00,A,B,5,soon\n\
         b,2026-03-02 20:00,A,B,5,2026-03-02 19:30\n",
        times(),
    ) {
        Err(FedError::Input(e)) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    };
    let expected = [
        "p.csv line 2, column \"from_time\": \"soon\" is not a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])",
        "p.csv line 3, column \"from_time\": the from-time (tick 0) is before the arrival (tick 1)",
    ];
    assert_eq!(e, expected.join("\n"));
}

#[test]
fn a_bad_from_time_is_a_counted_reject_when_skipping() {
    let mut s = sim(10);
    let opts = ImportOptions {
        on_outside: OnOutside::Skip,
        on_invalid: OnInvalid::Skip,
        ..ImportOptions::default()
    };
    let feed = PaymentFeed::open(
        "id,tick,sender,receiver,amount,deadline,from_time\na,0,A,B,5,5,6\nb,0,A,B,5,5,1\n"
            .as_bytes(),
        "p.csv",
        opts,
    )
    .unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut s, feed, None).unwrap();
    imp.run(&mut s, u64::MAX).unwrap();
    assert_eq!(imp.feed.stats().payments, 1);
    assert_eq!(imp.feed.stats().rejected, 1, "{:?}", imp.feed.stats());
}
