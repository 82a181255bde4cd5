//! A fed run suspended into a snapshot and resumed from it (`import::state`): the results
//! and the final state are byte for byte those of the uninterrupted run, wherever it stops
//! (mid-day, at a day's end, before the first tick), for CSV and JSON Lines; a changed file
//! is refused and changes nothing; a suspended run is not ticked on its own.

use std::io::Cursor;

use payment_sim_core::import::{
    sha256_of, FeedSource, FeedSpec, Importer, PaymentFeed, ResultsFormat, ResultsWriter, Synthetic,
};
use payment_sim_core::{parse_document, Simulation};

/// A generated 3-day file with times, an extra column, scarce liquidity (payments wait in
/// Queue 2 across the stops), and its scenario.
fn data() -> (String, String) {
    let s = Synthetic {
        per_day: 1_500,
        days: 3,
        participants: 12,
        ticks_per_day: 40,
        liquidity: 0.05,
        ..Synthetic::default()
    };
    let mut out = Vec::new();
    let g = s.write_payments(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    // An extra column, carried through to the results.
    let mut with_ref = String::new();
    for (k, line) in text.lines().enumerate() {
        let extra = if k == 0 {
            "ref".to_string()
        } else {
            format!("r{k}")
        };
        with_ref.push_str(&format!("{line},{extra}\n"));
    }
    (with_ref, s.scenario_yaml(&g, "p.csv"))
}

fn as_jsonl(csv: &str) -> String {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = String::new();
    for line in lines {
        let mut m = serde_json::Map::new();
        for (h, v) in header.iter().zip(line.split(',')) {
            let v = match v.parse::<i64>() {
                Ok(n) if *h == "amount" => serde_json::Value::from(n),
                _ => serde_json::Value::from(v),
            };
            m.insert(h.to_string(), v);
        }
        out.push_str(&serde_json::Value::Object(m).to_string());
        out.push('\n');
    }
    out
}

fn spec() -> FeedSpec {
    FeedSpec {
        business_day: Some("07:00-18:00".into()),
        ..FeedSpec::default()
    }
}

fn new_sim(yaml: &str) -> Simulation {
    Simulation::new(parse_document(yaml).unwrap().0).unwrap()
}

/// The uninterrupted run: its results file and final snapshot.
fn straight(text: &str, name: &str, yaml: &str) -> (Vec<u8>, String) {
    let mut sim = new_sim(yaml);
    let opts = spec().options(name).unwrap();
    let feed = PaymentFeed::open(text.as_bytes(), name, opts).unwrap();
    let w = ResultsWriter::new(Vec::new(), ResultsFormat::from_path(name));
    let mut imp = Importer::start(&mut sim, feed, Some(w)).unwrap();
    imp.run(&mut sim, u64::MAX).unwrap();
    let done = imp.finish(&mut sim).unwrap();
    (done.writer.unwrap(), sim.snapshot_json())
}

/// The same run stopped at each of `stops` (ticks run between suspensions), each time
/// through a snapshot's JSON into a new simulation.
fn interrupted(text: &str, name: &str, yaml: &str, stops: &[u64]) -> (Vec<u8>, String) {
    let source = FeedSource {
        path: name.into(),
        sha256: sha256_of(text.as_bytes()).unwrap(),
        options: spec(),
        results: Some(format!("results-{name}")),
        rejects: None,
    };
    let mut sim = new_sim(yaml);
    let opts = spec().options(name).unwrap();
    let feed = PaymentFeed::open(Cursor::new(text.as_bytes()), name, opts).unwrap();
    let w = ResultsWriter::new(Vec::new(), ResultsFormat::from_path(name));
    let mut imp = Importer::start(&mut sim, feed, Some(w)).unwrap();
    let mut results = Vec::new();
    for &n in stops {
        imp.run(&mut sim, n).unwrap();
        results.extend(imp.suspend(&mut sim, source.clone()).unwrap().unwrap());
        let saved = sim.snapshot_json();
        assert!(
            saved.contains("\"payments\":{\"path\""),
            "the fed run is in the snapshot"
        );
        sim = Simulation::restore_json(&saved).unwrap();
        assert_eq!(
            sim.snapshot_json(),
            saved,
            "restore → snapshot is byte for byte"
        );
        imp = Importer::resume(
            &mut sim,
            Cursor::new(text.as_bytes()),
            Some(Vec::new()),
            None,
        )
        .unwrap();
    }
    imp.run(&mut sim, u64::MAX).unwrap();
    let done = imp.finish(&mut sim).unwrap();
    results.extend(done.writer.unwrap());
    (results, sim.snapshot_json())
}

#[test]
fn a_suspended_and_resumed_run_writes_what_an_uninterrupted_one_writes() {
    let (csv, yaml) = data();
    let jsonl = as_jsonl(&csv);
    for (text, name) in [(&csv, "p.csv"), (&jsonl, "p.jsonl")] {
        let (results, end) = straight(text, name, &yaml);
        let n = results.iter().filter(|b| **b == b'\n').count();
        assert!(n >= 4_500, "{name}: {n} lines of results");
        assert!(end.contains("\"queue\""));
        // Mid-day stops, a stop at a day's end, a stop before the first tick, one tick.
        for stops in [vec![17, 30, 1, 45], vec![40, 40], vec![0, 1, 79]] {
            let (r, e) = interrupted(text, name, &yaml, &stops);
            if r != results {
                let (a, b) = (
                    String::from_utf8_lossy(&r),
                    String::from_utf8_lossy(&results),
                );
                let k = a.lines().zip(b.lines()).position(|(x, y)| x != y);
                let k = k.unwrap_or(a.lines().count().min(b.lines().count()));
                panic!(
                    "{name}, stops {stops:?}: results differ at line {k}:\n{:?}\n{:?}",
                    a.lines().nth(k),
                    b.lines().nth(k)
                );
            }
            assert!(e == end, "{name}, stops {stops:?}: final states differ");
        }
    }
}

#[test]
fn a_changed_file_is_refused_and_changes_nothing() {
    let (csv, yaml) = data();
    let name = "p.csv";
    let mut sim = new_sim(&yaml);
    let opts = spec().options(name).unwrap();
    let feed = PaymentFeed::open(Cursor::new(csv.as_bytes()), name, opts).unwrap();
    let mut imp = Importer::<_, Vec<u8>>::start(&mut sim, feed, None).unwrap();
    imp.run(&mut sim, 25).unwrap();
    let source = FeedSource {
        path: name.into(),
        sha256: sha256_of(csv.as_bytes()).unwrap(),
        options: spec(),
        ..FeedSource::default()
    };
    imp.suspend(&mut sim, source).unwrap();
    let saved = sim.snapshot_json();
    let mut sim = Simulation::restore_json(&saved).unwrap();
    // Not ticked on its own: the rest of the file would never be read.
    let err = sim.tick().unwrap_err().to_string();
    assert!(err.contains("fed from the payments file p.csv"), "{err}");
    let changed = csv.replacen(",r7\n", ",r7x\n", 1);
    let err = Importer::<_, Vec<u8>>::resume(&mut sim, Cursor::new(changed.as_bytes()), None, None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("p.csv has changed since the run was saved"),
        "{err}"
    );
    assert_eq!(sim.snapshot_json(), saved);
    assert!(sim.fed_state().is_some());
    // A snapshot whose waiting payment names no schedule entry is refused.
    let bad = saved.replacen("\"waiting\":[{\"seq\":", "\"waiting\":[{\"seq\":9999999", 1);
    let err = Simulation::restore_json(&bad).unwrap_err().to_string();
    assert!(err.contains("payments.waiting[0]"), "{err}");
}
