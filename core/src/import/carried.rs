//! A payment's id and extra columns, as read, in one allocation: the profile of a 400,000-row
//! load showed malloc/free of the per-row strings (an id, a list of extra cells, a string per
//! cell) at about 15 % of it. Layout: a kind byte (`t`: the cells are text, a CSV file; `j`:
//! each cell is its JSON text, a JSON Lines file), then the id and each extra cell, each as
//! `LEN:` (decimal bytes) followed by its bytes.

use serde_json::Value;

/// The id and the extra cells of one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Carried(Box<str>);

/// The extra cells of a row, borrowed from the reader.
pub(crate) enum ExtraCells<'a> {
    /// CSV: the record and the (column, name) of each extra column.
    Csv(&'a csv::StringRecord, &'a [(usize, String)]),
    /// JSON Lines: the object and the extra keys.
    Json(&'a serde_json::Map<String, Value>, &'a [String]),
}

impl ExtraCells<'_> {
    fn is_json(&self) -> bool {
        matches!(self, ExtraCells::Json(..))
    }

    fn each(&self, mut f: impl FnMut(&str)) {
        match self {
            ExtraCells::Csv(record, cols) => cols.iter().for_each(|(i, _)| f(&record[*i])),
            ExtraCells::Json(obj, names) => {
                for k in names.iter() {
                    let v = obj.get(k).unwrap_or(&Value::Null);
                    f(&v.to_string());
                }
            }
        }
    }
}

fn push(out: &mut String, cell: &str) {
    // The length's digits without the formatting machinery (a visible part of a load).
    let mut digits = [0u8; 20];
    let (mut n, mut k) = (cell.len(), digits.len());
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[k..].iter().for_each(|&d| out.push(char::from(d)));
    out.push(':');
    out.push_str(cell);
}

/// The next `LEN:cell` of `s`, and the rest. The digits are read by hand: `find` and
/// `parse` were a twentieth of a load (duplicate ids look at every payment's id).
fn next(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut len = 0usize;
    let mut k = 0;
    while k < b.len() && b[k].is_ascii_digit() {
        len = len.checked_mul(10)?.checked_add(usize::from(b[k] - b'0'))?;
        k += 1;
    }
    if k == 0 || b.get(k) != Some(&b':') {
        return None;
    }
    let rest = &s[k + 1..];
    Some((rest.get(..len)?, &rest[len..]))
}

/// Decimal digits of `n`.
fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

impl Carried {
    /// Pack `id` and the row's extra cells.
    pub fn new(id: &str, extras: &ExtraCells<'_>) -> Self {
        // CSV cells: the exact size, so that the box takes the buffer without a realloc.
        let cell = |n: usize| digits(n) + 1 + n;
        let size = match extras {
            ExtraCells::Csv(record, cols) => {
                1 + cell(id.len())
                    + cols
                        .iter()
                        .map(|(i, _)| cell(record[*i].len()))
                        .sum::<usize>()
            }
            ExtraCells::Json(..) => id.len() + 24,
        };
        let mut out = String::with_capacity(size);
        out.push(if extras.is_json() { 'j' } else { 't' });
        push(&mut out, id);
        extras.each(|c| push(&mut out, c));
        Carried(out.into_boxed_str())
    }

    /// A payment with no extra cells (a document that carries the cells as values).
    pub fn from_values(id: &str, extras: &[Value]) -> Self {
        let mut out = String::with_capacity(id.len() + 8);
        out.push('j');
        push(&mut out, id);
        for v in extras {
            push(&mut out, &v.to_string());
        }
        Carried(out.into_boxed_str())
    }

    /// The user's id.
    pub fn id(&self) -> &str {
        next(&self.0[1..]).map_or("", |(id, _)| id)
    }

    /// The extra cells as values (text cells as strings, JSON cells as read).
    pub fn extras(&self) -> Vec<Value> {
        let json = self.0.starts_with('j');
        let mut rest = next(&self.0[1..]).map_or("", |(_, r)| r);
        let mut out = Vec::new();
        while let Some((cell, r)) = next(rest) {
            out.push(if json {
                serde_json::from_str(cell).unwrap_or(Value::Null)
            } else {
                Value::String(cell.to_string())
            });
            rest = r;
        }
        out
    }

    /// The id as an owned string.
    pub fn id_string(&self) -> String {
        self.id().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_cells_come_back_as_read() {
        let mut r = csv::StringRecord::new();
        for f in ["x", "a:b", "", "12:3"] {
            r.push_field(f);
        }
        let cols = vec![(1, "n1".to_string()), (2, "n2".into()), (3, "n3".into())];
        let c = Carried::new("id:7", &ExtraCells::Csv(&r, &cols));
        assert_eq!(c.id(), "id:7");
        assert_eq!(
            c.extras(),
            vec![Value::from("a:b"), Value::from(""), Value::from("12:3")]
        );
        let v: Value = serde_json::json!({"k": 1.5, "s": "é", "o": {"a": [1]}});
        let obj = v.as_object().unwrap();
        let names = vec!["o".to_string(), "k".into(), "missing".into(), "s".into()];
        let c = Carried::new("", &ExtraCells::Json(obj, &names));
        assert_eq!(c.id(), "");
        assert_eq!(
            c.extras(),
            vec![v["o"].clone(), v["k"].clone(), Value::Null, v["s"].clone()]
        );
        assert_eq!(Carried::from_values("q", &c.extras()).extras(), c.extras());
    }
}
