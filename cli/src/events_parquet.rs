//! The events file as Apache Parquet (`run --events FILE.parquet`): the columns of the CSV
//! ([`crate::event_columns`]), typed, compressed, and streamed as the run goes.
//!
//! Memory stays bounded however long the run: each page of events becomes an Arrow record
//! batch that the writer encodes at once into the current row group, and a row group is
//! written out (and its buffers freed) every [`ROW_GROUP_ROWS`] rows. The header of the
//! JSON lines / CSV files (format tag, schema version, provenance) is the value of the
//! metadata entry [`FORMAT`], the same JSON object, both in the file's key-value metadata
//! (Parquet readers) and the Arrow schema's (Arrow readers).
//!
//! The bytes depend only on the events and the provenance: Parquet stores no time, and the
//! `created_by` string is fixed per build (it names the parquet crate's version).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, Int64Builder, StringBuilder, StringDictionaryBuilder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use payment_sim_core::EventRecord;

use crate::error::{CliError, CliResult};
use crate::event_columns::{Cell, ColumnType, COLUMNS};
use crate::events_out::FORMAT;

/// Rows of a row group: the unit a reader can skip or read in parallel, and the most the
/// writer holds (encoded and compressed: ≈ 20 MiB of memory for the T2-like events) before
/// writing it out.
pub const ROW_GROUP_ROWS: usize = 1 << 20;

/// The Arrow type of a column type. Dictionary keys are 32-bit: an agent id column may have
/// tens of thousands of distinct values.
fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::UInt | ColumnType::Ascending => DataType::UInt64,
        ColumnType::Int => DataType::Int64,
        ColumnType::Category => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
        ColumnType::Text => DataType::Utf8,
    }
}

/// The file's schema: [`COLUMNS`], every one nullable, with `metadata` (Arrow readers such
/// as pyarrow show a table's metadata from here, not from the file's). One entry: no map
/// order can vary the bytes.
fn schema(metadata: HashMap<String, String>) -> SchemaRef {
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|c| Field::new(c.name, data_type(c.ty), true))
        .collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// An open Parquet events file.
pub struct ParquetSink {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<BufWriter<File>>,
}

impl ParquetSink {
    /// Start the file (its schema and metadata are written when it is finished).
    pub fn create(path: &Path, file: File, header_json: String) -> CliResult<Self> {
        Self::with_row_groups(path, file, header_json, ROW_GROUP_ROWS)
    }

    fn with_row_groups(
        path: &Path,
        file: File,
        header_json: String,
        row_group_rows: usize,
    ) -> CliResult<Self> {
        let mut props = WriterProperties::builder()
            // zstd at its fastest level: 13-14 times smaller than the CSV, for about the same
            // write time as snappy, whose files are 20% larger (docs/cli.md, "Parquet").
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(row_group_rows))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                FORMAT.to_string(),
                header_json.clone(),
            )]));
        // Dictionaries suit the rest (few distinct values); these are long runs of small
        // differences (seq, tick) or prefixes shared with the previous value (transaction
        // ids), which the delta encodings store in a fraction of a dictionary's bytes.
        for c in &COLUMNS {
            let encoding = match c.ty {
                ColumnType::Ascending => Encoding::DELTA_BINARY_PACKED,
                ColumnType::Text => Encoding::DELTA_BYTE_ARRAY,
                ColumnType::UInt | ColumnType::Int | ColumnType::Category => continue,
            };
            let path = ColumnPath::from(c.name);
            props = props
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, encoding);
        }
        let props = props.build();
        let schema = schema(HashMap::from([(FORMAT.to_string(), header_json)]));
        let out = BufWriter::with_capacity(1 << 16, file);
        let writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(props))
            .map_err(|e| parquet_error(path, e))?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            schema,
            writer,
        })
    }

    /// Append events (one record batch; a full row group is written out as it fills).
    pub fn write(&mut self, events: &[EventRecord]) -> CliResult {
        if events.is_empty() {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = COLUMNS
            .iter()
            .map(|c| column(c.ty, events.iter().map(|e| (c.get)(e))))
            .collect();
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), columns)
            .map_err(|e| CliError::runtime(format!("{}: {e}", self.path.display())))?;
        self.writer
            .write(&batch)
            .map_err(|e| parquet_error(&self.path, e))
    }

    /// Write the last row group and the footer, and flush.
    pub fn finish(self) -> CliResult {
        let mut out = self
            .writer
            .into_inner()
            .map_err(|e| parquet_error(&self.path, e))?;
        out.flush().map_err(|e| CliError::write(&self.path, &e))
    }
}

/// One column of a batch. A cell of another type than the column's cannot occur
/// ([`crate::event_columns`] tests it); it would be written as null.
fn column<'a>(ty: ColumnType, cells: impl Iterator<Item = Cell<'a>>) -> ArrayRef {
    fn filled<T>(
        mut builder: impl ArrayBuilder + Extend<Option<T>>,
        values: impl Iterator<Item = Option<T>>,
    ) -> ArrayRef {
        builder.extend(values);
        builder.finish()
    }
    match ty {
        ColumnType::UInt | ColumnType::Ascending => {
            filled(UInt64Builder::new(), cells.map(Cell::uint))
        }
        ColumnType::Int => filled(Int64Builder::new(), cells.map(Cell::int)),
        ColumnType::Category => filled(
            StringDictionaryBuilder::<Int32Type>::new(),
            cells.map(Cell::text),
        ),
        ColumnType::Text => filled(StringBuilder::new(), cells.map(Cell::text)),
    }
}

/// A write failure: an I/O error as the other files' (`cannot write PATH: …`), anything else
/// with the parquet crate's words.
fn parquet_error(path: &Path, err: ParquetError) -> CliError {
    match err {
        ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => CliError::write(path, &io),
            Err(e) => CliError::runtime(format!("cannot write {}: {e}", path.display())),
        },
        e => CliError::runtime(format!("cannot write {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row groups are written out as they fill: the writer never holds more than one
    /// unfinished row group, and the file has all the events.
    #[test]
    fn row_groups_are_written_as_they_fill() {
        let mut sim = crate::event_columns::full_recording("seed_benchmark.yaml");
        sim.run(sim.horizon()).unwrap();
        let events = sim.events_since(0);
        let rows = 1000;
        assert!(events.len() > 5 * rows);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("events.parquet");
        let mut sink =
            ParquetSink::with_row_groups(&file, File::create(&file).unwrap(), "{}".into(), rows)
                .unwrap();
        for (i, page) in events.chunks(333).enumerate() {
            sink.write(page).unwrap();
            let written = (i * 333 + page.len()) / rows;
            assert_eq!(sink.writer.flushed_row_groups().len(), written);
        }
        sink.finish().unwrap();

        let reader = parquet::file::reader::SerializedFileReader::new(File::open(&file).unwrap());
        let meta = parquet::file::reader::FileReader::metadata(&reader.unwrap()).clone();
        assert_eq!(meta.num_row_groups(), events.len().div_ceil(rows));
        assert_eq!(meta.file_metadata().num_rows(), events.len() as i64);
    }
}
