//! `make bench-import` (a plain binary, not a timed test): payment files at scale.
//!
//! 1. A 400,000-payment business day (50 banks, heavy-tailed sizes and activity, an intraday
//!    pattern; generated deterministically) is replayed end to end: read and checked, run,
//!    per-payment results written. Reported: rows/s of reading+checking (the day is one chunk,
//!    loaded before the first tick), the end-to-end seconds.
//! 2. A long multi-day file streamed from disk: peak RSS before and after, to show memory
//!    does not follow the file's length.
//!
//! `cargo bench -p payment-sim-core --bench import -- [DAYS] [long]` (default 10 days for part
//! 2; `long`: part 2 alone, so its peak RSS is its own). `-- load [N]`: only the read+check+
//! schedule of the 400,000-row day, N times (default 5) — for comparing builds back to back and
//! for a profiler (`valgrind --tool=callgrind … load 1`), without the run and its results.

use std::io::Write;
use std::time::Instant;

use payment_sim_core::import::{
    ImportOptions, Importer, PaymentFeed, ResultsFormat, ResultsWriter,
};
use payment_sim_core::Simulation;

const BANKS: usize = 50;
const TICKS_PER_DAY: u64 = 100;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn scenario(days: u64) -> String {
    let agents: Vec<String> = (0..BANKS)
        .map(|k| {
            format!(
                r#"{{"id": "B{k:02}", "opening_balance": {}, "credit_limit": 0, "policy": {{"type": "Fifo"}}}}"#,
                2_000_000_000 / (k as i64 + 1)
            )
        })
        .collect();
    format!(
        r#"{{"ticks_per_day": {TICKS_PER_DAY}, "num_days": {days}, "rng_seed": 1, "event_recording": "off",
        "agent_configs": [{}]}}"#,
        agents.join(",")
    )
}

/// Write `per_day` payments for each of `days` days: a bank's activity ∝ 1/(rank+1) (Zipf),
/// amounts log-uniform over 4 decades (heavy-tailed), arrival ticks front-loaded.
fn generate(out: &mut impl Write, days: u64, per_day: u64, seed: u64) {
    let mut rng = Rng(seed | 1);
    let weights: Vec<f64> = (0..BANKS).map(|k| 1.0 / (k as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let cdf: Vec<f64> = weights
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w / total;
            Some(*acc)
        })
        .collect();
    let pick = |u: f64| cdf.iter().position(|c| u <= *c).unwrap_or(BANKS - 1);
    writeln!(out, "id,tick,sender,receiver,amount,reference").unwrap();
    for d in 0..days {
        for k in 0..per_day {
            let s = pick(rng.unit());
            let mut r = pick(rng.unit());
            if r == s {
                r = (s + 1) % BANKS;
            }
            let amount = (100.0 * 10f64.powf(4.0 * rng.unit())) as i64;
            let u = rng.unit();
            let tick = (TICKS_PER_DAY as f64 * u * u) as u64; // busier in the morning
            writeln!(
                out,
                "D{d}P{k},{},B{s:02},B{r:02},{amount},ref-{k}",
                d * TICKS_PER_DAY + tick
            )
            .unwrap();
        }
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            l.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn main() {
    let days: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);

    let args: Vec<String> = std::env::args().collect();
    if let Some(k) = args.iter().position(|a| a == "load") {
        let times = args.get(k + 1).and_then(|n| n.parse().ok()).unwrap_or(5);
        load_only(times);
        return;
    }
    if !std::env::args().any(|a| a == "long") {
        one_day();
    }
    long_file(days);
}

/// 1. One 400,000-payment day, end to end.
fn one_day() {
    let mut file = Vec::new();
    generate(&mut file, 1, 400_000, 7);
    let mut sim = Simulation::from_json(&scenario(1)).unwrap();
    let t0 = Instant::now();
    let feed = PaymentFeed::open(&file[..], "day.csv", ImportOptions::default()).unwrap();
    let writer = ResultsWriter::new(Vec::with_capacity(64 << 20), ResultsFormat::Csv);
    let mut imp = Importer::start(&mut sim, feed, Some(writer)).unwrap();
    let loaded = t0.elapsed().as_secs_f64();
    imp.run(&mut sim, u64::MAX).unwrap();
    let done = imp.finish(&mut sim).unwrap();
    let total = t0.elapsed().as_secs_f64();
    let results = done.writer.unwrap();
    println!(
        "400,000-payment day: {} MB read; read+check+schedule {:.3} s ({:.2} M rows/s); end to end (read, simulate, write {} results, {} MB) {:.3} s",
        file.len() / 1_000_000,
        loaded,
        400_000.0 / loaded / 1e6,
        done.results_written.unwrap(),
        results.len() / 1_000_000,
        total
    );
    let settled = results.windows(9).filter(|w| w == b",settled,").count();
    println!("  settled {settled} of 400,000");
}

/// Only the load of the 400,000-row day (read, check, schedule, join tick 0's payments), `times`
/// times on a fresh simulation each.
fn load_only(times: usize) {
    let mut file = Vec::new();
    generate(&mut file, 1, 400_000, 7);
    for _ in 0..times {
        let mut sim = Simulation::from_json(&scenario(1)).unwrap();
        let t0 = Instant::now();
        let feed = PaymentFeed::open(&file[..], "day.csv", ImportOptions::default()).unwrap();
        let imp = Importer::start(&mut sim, feed, None::<ResultsWriter<Vec<u8>>>).unwrap();
        let loaded = t0.elapsed().as_secs_f64();
        println!(
            "read+check+schedule of 400,000 rows: {:.3} s ({:.2} M rows/s)",
            loaded,
            400_000.0 / loaded / 1e6
        );
        drop(imp);
    }
}

/// 2. A long file streamed from disk.
fn long_file(days: u64) {
    let path = std::env::temp_dir().join(format!("payment-sim-bench-{}.csv", std::process::id()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        generate(&mut f, days, 400_000, 11);
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let before = peak_rss_kib();
    let mut sim = Simulation::from_json(&scenario(days)).unwrap();
    let t0 = Instant::now();
    let feed = PaymentFeed::open(
        std::fs::File::open(&path).unwrap(),
        "long.csv",
        ImportOptions::default(),
    )
    .unwrap();
    let writer = ResultsWriter::new(std::io::sink(), ResultsFormat::Csv);
    let mut imp = Importer::start(&mut sim, feed, Some(writer)).unwrap();
    imp.run(&mut sim, u64::MAX).unwrap();
    let done = imp.finish(&mut sim).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    println!(
        "{} days × 400,000 payments ({} MB file) streamed in {:.1} s ({:.2} M payments/s end to end); peak RSS {} MiB before, {} MiB after; largest chunk {}",
        days,
        size / 1_000_000,
        secs,
        done.stats.payments as f64 / secs / 1e6,
        before / 1024,
        peak_rss_kib() / 1024,
        done.stats.largest_chunk
    );
}
