//! Presentation helpers: numbers, money, percentages and aligned tables. Nothing here knows
//! about the simulation.

/// How amounts are shown in tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Raw integer cents instead of currency (`1234567` instead of `12,345.67`).
    pub raw_cents: bool,
}

impl Style {
    /// An amount of money given in cents.
    pub fn money(&self, cents: i64) -> String {
        if self.raw_cents {
            cents.to_string()
        } else {
            currency(cents)
        }
    }
}

pub use payment_sim_report::format::{count, group};

/// Cents as currency units with two decimals: `-123456` → `-1,234.56`.
pub fn currency(cents: i64) -> String {
    let magnitude = (cents as i128).unsigned_abs();
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", group(magnitude / 100), magnitude % 100)
}

pub use payment_sim_report::format::percent;

/// A rate (per second) rounded to an integer and grouped.
pub fn rate(per_second: f64) -> String {
    if per_second.is_finite() && per_second >= 0.0 {
        group(per_second.round() as u128)
    } else {
        "n/a".to_string()
    }
}

/// A duration in seconds, in a readable unit: `1.23 s`, `45.6 ms`, `789 µs`.
pub fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.001 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// A plain aligned text table: a header row, rows, and optional rules.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Row>,
    show_header: bool,
}

#[derive(Debug, Clone)]
enum Row {
    Cells(Vec<String>),
    Rule,
}

impl Table {
    /// A table whose first column is left-aligned and the others right-aligned.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let align = (0..header.len())
            .map(|i| if i == 0 { Align::Left } else { Align::Right })
            .collect();
        Table {
            header,
            align,
            rows: Vec::new(),
            show_header: true,
        }
    }

    /// A table of `columns` columns without a header row.
    pub fn headless(columns: usize) -> Self {
        let mut table = Table::new(vec![String::new(); columns]);
        table.show_header = false;
        table
    }

    /// Override the alignment of one column.
    pub fn align(mut self, column: usize, align: Align) -> Self {
        if let Some(a) = self.align.get_mut(column) {
            *a = align;
        }
        self
    }

    /// Append a row (missing cells are blank).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows
            .push(Row::Cells(cells.into_iter().map(Into::into).collect()));
    }

    /// Append a horizontal rule (e.g. before a total).
    pub fn rule(&mut self) {
        self.rows.push(Row::Rule);
    }

    /// Render with two spaces between columns; no trailing spaces.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            if let Row::Cells(cells) = row {
                for (i, cell) in cells.iter().enumerate().take(columns) {
                    widths[i] = widths[i].max(width(cell));
                }
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut text = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                if i > 0 {
                    text.push_str("  ");
                }
                let pad = w - width(cell);
                match self.align[i] {
                    Align::Left => {
                        text.push_str(cell);
                        text.push_str(&" ".repeat(pad));
                    }
                    Align::Right => {
                        text.push_str(&" ".repeat(pad));
                        text.push_str(cell);
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        if self.show_header {
            line(&self.header, &mut out);
        }
        let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
        for row in &self.rows {
            match row {
                Row::Cells(cells) => line(cells, &mut out),
                Row::Rule => {
                    out.push_str(&"-".repeat(total));
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_currency() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(currency(0), "0.00");
        assert_eq!(currency(5), "0.05");
        assert_eq!(currency(123456), "1,234.56");
        assert_eq!(currency(-123456), "-1,234.56");
        assert_eq!(currency(i64::MIN), "-92,233,720,368,547,758.08");
        assert_eq!(Style { raw_cents: true }.money(-123456), "-123456");
        assert_eq!(percent(0.97274), "97.27%");
    }

    #[test]
    fn tables_align_and_trim() {
        let mut t = Table::new(["agent", "balance"]);
        t.row(["A", "1.00"]);
        t.row(["LONGER", "1,000.00"]);
        t.rule();
        t.row(["total", "1,001.00"]);
        assert_eq!(
            t.render(),
            "agent    balance\nA           1.00\nLONGER  1,000.00\n----------------\ntotal   1,001.00\n"
        );
    }
}
