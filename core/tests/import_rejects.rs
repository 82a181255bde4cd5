//! Skipping rows: outside the simulated time and (when asked) breaking a rule; each skipped
//! row counted and listed in a rejects file with its line, id, kind and reason.

use payment_sim_core::import::{
    FedError, ImportOptions, Importer, OnInvalid, OnOutside, PaymentFeed, PaymentFormat,
    RejectsWriter, ResultsFormat, ResultsWriter,
};
use payment_sim_core::Simulation;

fn sim(tpd: u64, days: u64) -> Simulation {
    Simulation::from_json(&format!(
        r#"{{"ticks_per_day": {tpd}, "num_days": {days}, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [
          {{"id": "A", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}},
          {{"id": "B", "opening_balance": 1000, "credit_limit": 0, "policy": {{"type": "Fifo"}}}}]}}"#
    ))
    .unwrap()
}

fn skipping() -> ImportOptions {
    ImportOptions {
        on_outside: OnOutside::Skip,
        on_invalid: OnInvalid::Skip,
        ..ImportOptions::default()
    }
}

/// A shared buffer the rejects writer (a `Box<dyn Write>`) fills.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Run the whole horizon: (results, rejects, rows skipped outside, rows rejected).
fn replay(
    sim: &mut Simulation,
    text: &str,
    opts: ImportOptions,
    format: ResultsFormat,
) -> Result<(String, String, u64, u64), FedError> {
    let feed = PaymentFeed::open(text.as_bytes(), "p.csv", opts)?;
    let writer = ResultsWriter::new(Vec::new(), ResultsFormat::Csv);
    let mut imp = Importer::start(sim, feed, Some(writer))?;
    let rejects = Shared::default();
    imp.rejects = Some(RejectsWriter::new(Box::new(rejects.clone()), format));
    imp.run(sim, u64::MAX)?;
    let done = imp.finish(sim)?;
    assert_eq!(
        done.rejects_written,
        Some(done.stats.skipped + done.stats.rejected)
    );
    let rej = String::from_utf8(rejects.0.borrow().clone()).unwrap();
    let results = String::from_utf8(done.writer.unwrap()).unwrap();
    Ok((results, rej, done.stats.skipped, done.stats.rejected))
}

const BAD: &str = "id,tick,sender,receiver,amount\n\
    a,0,A,B,10\n\
    b,1,A,Q,0\n\
    a,2,B,A,5\n\
    c,3,A,B\n\
    d,99,A,B,1\n\
    e,x,A,B,1\n\
    f,6,A,A,1\n\
    g,7,B,A,1\n\
    g,8,B,A,2\n\
    h,9,A,B,3\n";

#[test]
fn invalid_and_outside_rows_are_skipped_counted_and_listed_with_reasons() {
    let mut s = sim(5, 2);
    let (results, rejects, skipped, rejected) =
        replay(&mut s, BAD, skipping(), ResultsFormat::Csv).unwrap();
    assert_eq!((skipped, rejected), (1, 6));
    assert_eq!(
        rejects,
        "line,id,kind,reason\n\
         3,b,invalid,\"column \"\"receiver\"\": unknown participant \"\"Q\"\"; column \"\"amount\"\": the amount must be positive (got 0)\"\n\
         4,a,invalid,\"column \"\"id\"\": duplicate payment id \"\"a\"\" within one business day\"\n\
         5,,invalid,\"the row has 4 fields, the header 5 (a truncated file or a wrong delimiter?)\"\n\
         6,d,outside,tick 99 is at or after the horizon of 10 ticks\n\
         7,e,invalid,\"column \"\"tick\"\": \"\"x\"\" is not a tick (an integer ≥ 0)\"\n\
         8,f,invalid,\"column \"\"receiver\"\": a payment to its own sender (sender and receiver must differ)\"\n\
         10,g,invalid,\"column \"\"id\"\": duplicate payment id \"\"g\"\" within one business day\"\n"
    );
    // The kept rows run, in their days, and are the only results.
    let ids: Vec<&str> = results
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["a", "g", "h"]);
    assert_eq!(s.agent_balance("A").unwrap(), 1000 - 10 + 1 - 3);
}

#[test]
fn rejects_as_json_lines_and_an_empty_rejects_file_has_its_header() {
    let mut s = sim(5, 2);
    let (_, rejects, _, _) = replay(&mut s, BAD, skipping(), ResultsFormat::JsonLines).unwrap();
    let first = rejects.lines().next().unwrap();
    assert_eq!(
        first,
        r#"{"id":"b","kind":"invalid","line":3,"reason":"column \"receiver\": unknown participant \"Q\"; column \"amount\": the amount must be positive (got 0)"}"#
    );
    assert_eq!(rejects.lines().count(), 7);
    let mut s = sim(5, 2);
    let good = "id,tick,sender,receiver,amount\na,0,A,B,10\n";
    let (_, rejects, _, _) = replay(&mut s, good, skipping(), ResultsFormat::Csv).unwrap();
    assert_eq!(rejects, "line,id,kind,reason\n");
}

#[test]
fn skipping_invalid_rows_does_not_skip_outside_ones_or_an_unreadable_file() {
    // Invalid rows skipped, outside ones still an error.
    let mut s = sim(5, 2);
    let opts = ImportOptions {
        on_invalid: OnInvalid::Skip,
        ..ImportOptions::default()
    };
    let e = replay(&mut s, BAD, opts.clone(), ResultsFormat::Csv)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "p.csv line 6: tick 99 is at or after the horizon of 10 ticks (skip such payments with the option to skip them)"
    );
    // A JSON Lines file that ends mid-line cannot be read further: an error even when
    // skipping; a complete line that is not JSON is skipped.
    let text = "{\"id\":1,\"tick\":0,\"sender\":\"A\",\"receiver\":\"B\",\"amount\":5}\nnot json\n{\"id\":2,\"tick\":0,\"sen";
    let jsonl = ImportOptions {
        format: PaymentFormat::JsonLines,
        ..skipping()
    };
    let mut s = sim(5, 2);
    let e = replay(&mut s, text, jsonl, ResultsFormat::Csv)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("p.csv line 3: the file ends in the middle of a line (truncated?)"),
        "{e}"
    );
    assert!(
        !e.contains("line 2"),
        "the bad complete line was skipped: {e}"
    );
}
