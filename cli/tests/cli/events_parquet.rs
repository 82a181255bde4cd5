//! `run --events FILE.parquet`: the same rows as the CSV, the header in the metadata, the
//! same bytes on every run, and clear errors.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::support::{code, run_in, stdout_ok, workdir};

/// Every kind of event the CSV columns hold: arrivals, queues, settlements by mechanism,
/// scheduled actions (agent in `sender`), end of day.
const SCENARIO: &str = "outage_and_shock.yaml";

fn run_events(dir: &Path, file: &str) {
    let out = run_in(
        dir,
        &[
            "run",
            SCENARIO,
            "--event-recording",
            "full",
            "--events",
            file,
        ],
    );
    let text = stdout_ok(&out);
    assert!(text.contains(&format!("written to {file}")), "{text}");
}

/// A cell as the CSV writes it: empty for null, numbers and text as they are.
fn cell(column: &dyn Array, row: usize) -> String {
    if column.is_null(row) {
        return String::new();
    }
    match column.data_type() {
        DataType::UInt64 => column.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
        DataType::Dictionary(..) => {
            let dict = column.as_dictionary::<Int32Type>();
            let key = dict.keys().value(row) as usize;
            dict.values().as_string::<i32>().value(key).to_string()
        }
        other => panic!("unexpected column type {other}"),
    }
}

/// A Parquet events file as read back.
struct Read {
    /// The column names.
    names: Vec<String>,
    /// The rows, as the CSV's fields.
    rows: Vec<Vec<String>>,
    /// The key-value metadata.
    metadata: Vec<(String, String)>,
}

fn read_parquet(path: &Path) -> Read {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let names: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let metadata = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    let mut rows = Vec::new();
    for batch in builder.build().unwrap() {
        let batch: RecordBatch = batch.unwrap();
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|c| cell(c.as_ref(), row))
                    .collect(),
            );
        }
    }
    Read {
        names,
        rows,
        metadata,
    }
}

#[test]
fn parquet_holds_the_csv_rows_and_header() {
    let dir = workdir(&[SCENARIO]);
    run_events(dir.path(), "events.csv");
    run_events(dir.path(), "events.parquet");
    run_events(dir.path(), "events.jsonl");

    // The CSV after its header line: column names, then the rows (RFC 4180).
    let csv_text = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    let (csv_header, table) = csv_text.split_once('\n').unwrap();
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let csv_names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();

    let Read {
        names,
        rows,
        metadata,
    } = read_parquet(&dir.path().join("events.parquet"));
    assert_eq!(names, csv_names);
    assert!(rows.len() > 1000, "{} rows", rows.len());
    assert_eq!(rows.len(), csv_rows.len());
    for (p, c) in rows.iter().zip(&csv_rows) {
        assert_eq!(p, c);
    }

    // The header of the JSON lines (the CSV's after "# ") is the format entry's value.
    let jsonl = std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let header = jsonl.lines().next().unwrap();
    assert_eq!(csv_header, format!("# {header}"));
    let entry: Vec<&String> = metadata
        .iter()
        .filter(|(k, _)| k == "payment-sim-events")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(entry, [header]);
}

#[test]
fn parquet_files_are_the_same_bytes_every_run() {
    let dir = workdir(&[SCENARIO]);
    run_events(dir.path(), "a.parquet");
    run_events(dir.path(), "b.parquet");
    let a = std::fs::read(dir.path().join("a.parquet")).unwrap();
    let b = std::fs::read(dir.path().join("b.parquet")).unwrap();
    assert!(a.starts_with(b"PAR1") && a.ends_with(b"PAR1"));
    assert!(a == b, "two runs wrote different Parquet files");
}

#[test]
fn bad_events_paths_are_clear_errors() {
    let dir = workdir(&[SCENARIO]);
    let out = run_in(dir.path(), &["run", SCENARIO, "--events", "events.arrow"]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    for ext in [".jsonl", ".ndjson", ".csv", ".parquet"] {
        assert!(err.contains(ext), "{err}");
    }
    // A directory where the file should be: the same error and exit code as for a CSV.
    for name in ["taken.parquet", "taken.csv"] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        let out = run_in(dir.path(), &["run", SCENARIO, "--events", name]);
        assert_eq!(code(&out), 1, "{name}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("error: cannot write {name}: it is a directory\n")
        );
    }
}
