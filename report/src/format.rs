//! Number formatting shared by the report and the CLI's tables (the CLI re-exports these, so
//! a count reads the same on the terminal and on the page).

/// Digits grouped by thousands: `1234567` → `1,234,567`.
pub fn group(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count, grouped by thousands.
pub fn count(n: u64) -> String {
    group(n as u128)
}

/// A ratio as a percentage with two decimals.
pub fn percent(ratio: f64) -> String {
    format!("{:.2}%", ratio * 100.0)
}

/// "1 day × 100 ticks" / "3 days × 100 ticks".
pub fn horizon_words(days: i64, ticks_per_day: i64) -> String {
    format!(
        "{} day{} × {} ticks",
        days,
        if days == 1 { "" } else { "s" },
        ticks_per_day
    )
}
