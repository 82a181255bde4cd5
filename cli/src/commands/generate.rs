//! `generate`: a realistic synthetic payments file and a scenario replaying it, both from the
//! core's generator (`payment_sim_core::import::Synthetic`); this module opens the files.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use clap::Args;
use payment_sim_core::import::{FeedSpec, Synthetic};

use crate::error::{CliError, CliResult};
use crate::files::{check_writable, emit, write_atomic};
use crate::format::count;

/// `generate` (docs/cli.md § Payment files).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The payments file to write (CSV: id, time, sender, receiver, amount).
    pub payments: PathBuf,
    /// Also write a scenario (YAML) that replays the file.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Participants (P001, P002, …; activity ∝ 1/rank).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub participants: usize,
    /// Business days (consecutive calendar days).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub days: u64,
    /// Payments per business day.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    pub per_day: u64,
    /// Random seed (the same seed writes the same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The business day, opening-closing (HH:MM-HH:MM).
    #[arg(long, value_name = "HH:MM-HH:MM", default_value = "07:00-18:00")]
    pub business_day: String,
    /// The first business day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", default_value = "2026-03-02")]
    pub start_date: String,
    /// The scenario's ticks per business day.
    #[arg(long, value_name = "N", default_value_t = 132)]
    pub ticks_per_day: u64,
    /// The scenario's opening balances: this multiple of each participant's mean daily value
    /// sent.
    #[arg(long, value_name = "X", default_value_t = 0.2)]
    pub liquidity: f64,
}

/// `payment-sim generate PAYMENTS [--scenario FILE] …`.
pub fn generate(args: GenerateArgs) -> CliResult {
    // The business day and date are read by the core's option reader.
    let spec = FeedSpec {
        business_day: Some(args.business_day.clone()),
        start_date: Some(args.start_date.clone()),
        ..FeedSpec::default()
    };
    let bad = crate::payments_in::flag_problems;
    let time = spec
        .options("payments.csv")
        .map_err(bad)?
        .time
        .expect("a business day");
    let synthetic = Synthetic {
        participants: args.participants,
        days: args.days,
        per_day: args.per_day,
        seed: args.seed,
        opening: time.opening,
        closing: time.closing,
        start_date: time.start_date.expect("a start date"),
        ticks_per_day: args.ticks_per_day,
        liquidity: args.liquidity,
    };
    synthetic.check().map_err(bad)?;
    if let Some(s) = &args.scenario {
        check_writable(s)?;
    }
    let path = &args.payments;
    let file = File::create(path).map_err(|e| CliError::write(path, &e))?;
    let generated = synthetic
        .write_payments(BufWriter::with_capacity(1 << 16, file))
        .map_err(|e| CliError::write(path, &e))?;
    let mut text = format!(
        "payments: {} written to {} ({} participants, {} day(s))\n",
        count(generated.payments),
        path.display(),
        synthetic.participants,
        synthetic.days
    );
    if let Some(s) = &args.scenario {
        let name = path.display().to_string();
        write_atomic(s, synthetic.scenario_yaml(&generated, &name).as_bytes())?;
        text.push_str(&format!(
            "scenario: {}\nreplay: payment-sim run {} --payments {} --business-day {} --results results.csv\n",
            s.display(),
            s.display(),
            name,
            args.business_day
        ));
    }
    emit(&text)
}
