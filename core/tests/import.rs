//! Payment files: formats, time mapping, chunked feeding, per-payment results, bad input.

use payment_sim_core::import::{
    Columns, FedError, ImportOptions, Importer, OnOutside, PaymentFeed, PaymentFormat,
    ResultsFormat, ResultsWriter, TimeMapping,
};
use payment_sim_core::Simulation;

fn sim(tpd: u64, days: u64) -> Simulation {
    Simulation::from_json(&format!(
        r#"{{"ticks_per_day": {tpd}, "num_days": {days}, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [
          {{"id": "A", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}},
          {{"id": "B", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}},
          {{"id": "C", "opening_balance": 0, "credit_limit": 0, "policy": {{"type": "Fifo"}}}}]}}"#
    ))
    .unwrap()
}

/// Run the whole horizon on `text`; the results file's text, or the error.
fn replay(sim: &mut Simulation, text: &str, opts: ImportOptions) -> Result<String, FedError> {
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", opts)?;
    let writer = ResultsWriter::new(Vec::new(), ResultsFormat::Csv);
    let mut imp = Importer::start(sim, feed, Some(writer))?;
    imp.run(sim, u64::MAX)?;
    let out = imp.finish(sim)?.writer.unwrap();
    Ok(String::from_utf8(out).unwrap())
}

fn err(sim: &mut Simulation, text: &str, opts: ImportOptions) -> String {
    match replay(sim, text, opts) {
        Err(FedError::Input(e)) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn csv_results_join_back_by_id_with_extras() {
    let mut s = sim(10, 1);
    let out = replay(
        &mut s,
        "id,tick,sender,receiver,amount,note\nP1,0,A,B,300,first\nP2,2,B,C,200,\"x,y\"\nP3,3,C,A,50,broke\n",
        ImportOptions::default(),
    )
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,tx,line,sender,receiver,amount,arrival_tick,deadline_tick,status,settlement_tick,mechanism,delay,num_parts,parts,arrival_time,settlement_time,note");
    assert!(
        lines.contains(&"P1,T1,2,A,B,300,0,50,settled,0,rtgs,0,0,,,,first"),
        "{out}"
    );
    assert!(
        lines.contains(&"P2,T2,3,B,C,200,2,52,settled,2,rtgs,0,0,,,,\"x,y\""),
        "{out}"
    );
    // C has 200 from tick 2 on: P3 settles at once at its arrival.
    assert!(
        lines.contains(&"P3,T3,4,C,A,50,3,53,settled,3,rtgs,0,0,,,,broke"),
        "{out}"
    );
    assert_eq!(s.agent_balance("C").unwrap(), 150);
}

#[test]
fn unsettled_and_queued_payments_are_reported() {
    let mut s = sim(10, 1);
    let out = replay(
        &mut s,
        "id,tick,sender,receiver,amount,deadline\nQ,0,C,A,10,3\nL,1,A,C,20,\nU,5,C,B,5000,50\n",
        ImportOptions::default(),
    )
    .unwrap();
    // Q waits in Queue 2 until L gives C 20 at tick 1.
    assert!(
        out.contains("\nQ,T1,2,C,A,10,0,3,settled,1,queue,1,"),
        "{out}"
    );
    assert!(
        out.contains("\nU,T3,4,C,B,5000,5,55,unsettled,,,,"),
        "{out}"
    );
}

#[test]
fn jsonl_with_mapped_columns() {
    let mut s = sim(10, 1);
    let opts = ImportOptions {
        format: PaymentFormat::JsonLines,
        columns: Columns::with_mapping("id=ref,sender=from,receiver=to").unwrap(),
        ..ImportOptions::default()
    };
    let out = replay(
        &mut s,
        "{\"ref\": 7, \"tick\": 1, \"from\": \"A\", \"to\": \"B\", \"amount\": 5, \"tag\": [1]}\n",
        opts,
    )
    .unwrap();
    assert!(
        out.contains("\n7,T1,1,A,B,5,1,51,settled,1,rtgs,0,0,,,,[1]"),
        "{out}"
    );
}

fn times(skip: bool) -> ImportOptions {
    ImportOptions {
        time: Some(TimeMapping {
            opening: 19 * 3600,
            closing: 7 * 3600,
            tick_seconds: Some(3600),
            start_date: None,
        }),
        on_outside: if skip {
            OnOutside::Skip
        } else {
            OnOutside::Error
        },
        ..ImportOptions::default()
    }
}

#[test]
fn times_across_midnight_and_days_map_to_ticks() {
    let mut s = sim(12, 3);
    let out = replay(
        &mut s,
        "id,time,sender,receiver,amount\n\
         a,2026-03-02 19:00,A,B,1\n\
         b,2026-03-03T06:59:59Z,A,B,1\n\
         c,2026-03-03 19:30,A,B,1\n\
         d,2026-03-05 01:00:00+01:00,A,B,1\n",
        times(false),
    )
    .unwrap();
    assert!(
        out.contains(
            "\na,T1,2,A,B,1,0,50,settled,0,rtgs,0,0,,2026-03-02T19:00:00,2026-03-02T19:00:00"
        ),
        "{out}"
    );
    assert!(out.contains("\nb,T2,3,A,B,1,11,"), "{out}");
    assert!(out.contains("\nc,T3,4,A,B,1,12,"), "{out}");
    assert!(out.contains("\nd,T4,5,A,B,1,30,"), "{out}");
}

#[test]
fn outside_hours_is_an_error_or_a_counted_skip() {
    let text = "id,time,sender,receiver,amount\na,2026-03-02 12:00,A,B,1\nb,2026-03-02 20:00,A,B,1\nc,2026-03-09 20:00,A,B,1\n";
    let e = err(&mut sim(12, 3), text, times(false));
    assert!(
        e.starts_with("p.csv line 2: \"2026-03-02 12:00\" is outside opening hours"),
        "{e}"
    );
    let mut s = sim(12, 3);
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", times(true)).unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut s, feed, None).unwrap();
    imp.run(&mut s, u64::MAX).unwrap();
    assert_eq!(
        imp.feed.stats().skipped,
        2,
        "before opening and after the horizon"
    );
    assert_eq!(imp.feed.stats().payments, 1);
}

#[test]
fn every_bad_row_is_named_by_line_and_column() {
    let e = err(
        &mut sim(10, 1),
        "id,tick,sender,receiver,amount,priority\n\
         a,0,A,B,0,5\n\
         b,0,A,A,5,5\n\
         c,0,A,Z,5,5\n\
         d,x,A,B,5,5\n\
         e,0,A,B,1.5,5\n\
         f,0,A,B,5,11\n\
         f,0,A,B,5,5\n\
         f,1,A,B,5,5\n\
         g,0,A,B\n",
        ImportOptions::default(),
    );
    let expected = [
        "p.csv line 2, column \"amount\": the amount must be positive (got 0)",
        "p.csv line 3, column \"receiver\": a payment to its own sender (sender and receiver must differ)",
        "p.csv line 4, column \"receiver\": unknown participant \"Z\"",
        "p.csv line 5, column \"tick\": \"x\" is not a tick (an integer ≥ 0)",
        "p.csv line 6, column \"amount\": \"1.5\" is not a whole number of cents",
        "p.csv line 7, column \"priority\": \"11\" is not a priority (an integer from 0 to 10)",
        "p.csv line 10: the row has 4 fields, the header 6 (a truncated file or a wrong delimiter?)",
        // Duplicates are found once the day is read, and listed after the rows' problems.
        "p.csv line 9, column \"id\": duplicate payment id \"f\" within one business day",
    ];
    assert_eq!(e, expected.join("\n"));
}

#[test]
fn header_and_encoding_problems() {
    let e = err(
        &mut sim(10, 1),
        "id;tick;sender;receiver;amount\n",
        ImportOptions::default(),
    );
    assert!(e.contains("p.csv line 1, column \"id\": the header has no \"id\" column (it has id;tick;sender;receiver;amount"), "{e}");
    let e = err(&mut sim(10, 1), "", ImportOptions::default());
    assert_eq!(
        e,
        "p.csv line 1: the file is empty: a header row is required"
    );
    let mut bytes = b"id,tick,sender,receiver,amount\nP,0,A,B,5\nQ,0,A,\xff,5\n".to_vec();
    bytes.extend_from_slice(b"");
    let mut s = sim(10, 1);
    let feed = PaymentFeed::open(&bytes[..], "p.csv", ImportOptions::default()).unwrap();
    let e = Importer::<_, Vec<u8>>::start(&mut s, feed, None)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(e, "p.csv line 3: field 4 is not valid UTF-8");
    let opts = ImportOptions {
        format: PaymentFormat::JsonLines,
        ..ImportOptions::default()
    };
    let e = err(
        &mut sim(10, 1),
        "{\"id\":1,\"tick\":0,\"sender\":\"A\",\"receiver\":\"B\",\"amount\":5}\n{\"id\":2,\"ti",
        opts,
    );
    assert!(
        e.starts_with("p.csv line 2: the file ends in the middle of a line (truncated?)"),
        "{e}"
    );
}

#[test]
fn a_bad_later_day_stops_before_that_day_with_the_simulation_as_it_was() {
    let mut s = sim(5, 3);
    let text = "id,tick,sender,receiver,amount\na,0,A,B,100\nb,6,A,B,100\nc,11,A,B,-1\n";
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", ImportOptions::default()).unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut s, feed, None).unwrap();
    let e = imp.run(&mut s, u64::MAX).unwrap_err().to_string();
    assert_eq!(
        e,
        "p.csv line 4, column \"amount\": the amount must be positive (got -1)"
    );
    assert_eq!(s.current_tick(), 10, "stopped at the start of day 2");
    assert_eq!(s.agent_balance("B").unwrap(), 1200);
    assert_eq!(
        s.pending_schedule().len(),
        0,
        "nothing of day 2 was appended"
    );
}

/// Memory follows the live payments and one day, not the file: a generated 40-day file
/// whose payments all settle at once leaves the tracker and the schedule holding at most one
/// day's payments.
#[test]
fn a_long_file_is_held_one_day_at_a_time() {
    let (tpd, days, per_day) = (20u64, 40u64, 500u64);
    let mut text = String::from("id,tick,sender,receiver,amount\n");
    for d in 0..days {
        for k in 0..per_day {
            let (s, r) = if k % 2 == 0 { ("A", "B") } else { ("B", "A") };
            text.push_str(&format!("p{d}-{k},{},{s},{r},1\n", d * tpd + k % tpd));
        }
    }
    let mut s = sim(tpd, days);
    let feed = PaymentFeed::open(text.as_bytes(), "long.csv", ImportOptions::default()).unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut s, feed, None).unwrap();
    let (mut peak, mut peak_schedule) = (0, 0);
    while !s.is_finished() {
        imp.run(&mut s, 1).unwrap();
        // Held: loaded and not yet arrived, or arrived and not ended (the same payments the
        // schedule holds until they arrive).
        peak = peak.max(imp.outcomes.held() as u64);
        peak_schedule = peak_schedule.max(s.pending_schedule().len() as u64);
    }
    assert!(peak_schedule <= per_day, "peak {peak_schedule} scheduled");
    assert_eq!(imp.feed.stats().largest_chunk, per_day);
    assert_eq!(imp.feed.stats().chunks, days);
    assert!(peak <= per_day, "peak {peak} live imported payments");
    assert_eq!(imp.ended(), days * per_day);
}

#[test]
fn split_payments_report_their_parts() {
    let mut s = Simulation::from_json(
        r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [
          {"id": "A", "opening_balance": 1000, "credit_limit": 0,
           "policy": {"type": "Fifo", "split": {"threshold": 100, "max_parts": 4}}},
          {"id": "B", "opening_balance": 0, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#,
    )
    .unwrap();
    let out = replay(
        &mut s,
        "id,tick,sender,receiver,amount\nbig,1,A,B,250\n",
        ImportOptions::default(),
    )
    .unwrap();
    assert!(
        out.ends_with(
            "\nbig,T1,2,A,B,250,1,51,settled,1,rtgs,0,3,T1.1@1:rtgs|T1.2@1:rtgs|T1.3@1:rtgs,,\n"
        ),
        "{out}"
    );
}

#[test]
fn submit_many_is_all_or_nothing() {
    use payment_sim_core::{SimError, Submission};
    let sub = |r: &str, amount| Submission {
        sender: "A".into(),
        receiver: r.into(),
        amount,
        deadline_offset: 5,
        priority: 5,
        from_offset: None,
    };
    let mut s = sim(10, 1);
    let e = s
        .submit_many(&[sub("B", 1), sub("Z", 1), sub("A", 1), sub("B", 0)])
        .unwrap_err();
    let SimError::InvalidConfig(problems) = e else {
        panic!("{e:?}")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["[1].receiver", "[2].receiver", "[3].amount"]);
    assert_eq!(s.queue1_size("A").unwrap(), 0, "nothing submitted");
    assert_eq!(
        s.submit_many_json(
            r#"[{"sender":"A","receiver":"B","amount":3},{"sender":"B","receiver":"C","amount":2}]"#
        )
        .unwrap(),
        ["T1", "T2"]
    );
}
