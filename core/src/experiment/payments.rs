//! Payment files in experiments (`docs/experiments.md` § Payment files): a file with its
//! reading options as written (`FILE` or `{file, name?, options…}`), the front end's
//! resolution of relative paths, the cheap checks made before anything runs (the file exists,
//! the options read), and a point's fed run — `import::run_file`, the code path of
//! `run --payments` and `psim_sim_run_payments`.

use std::fs::File;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::definition::Experiment;
use crate::engine::Simulation;
use crate::error::{Problem, SimError};
use crate::import::{run_file, FedError, FeedSpec, ResultsFormat};

/// A payment file and how to read it: `"x.csv"`, or `{file: "x.csv", name?: …, format: …,
/// business_day: …, …}` (the reading options of `docs/model.md` § Payment files).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct PaymentFile {
    /// Its path (relative ones are made absolute by the front end: [`Experiment::resolve_paths`]).
    pub file: String,
    /// Its name in problems (default: the path as written).
    pub name: Option<String>,
    /// How to read it.
    pub options: FeedSpec,
}

impl TryFrom<Value> for PaymentFile {
    type Error = String;

    fn try_from(v: Value) -> Result<Self, String> {
        match v {
            Value::String(file) => Ok(PaymentFile {
                file,
                ..PaymentFile::default()
            }),
            Value::Object(mut m) => {
                let file = match m.remove("file") {
                    Some(Value::String(f)) => f,
                    Some(other) => return Err(format!("file must be a path (got {other})")),
                    None => return Err("a payment file mapping needs `file`".into()),
                };
                let name = match m.remove("name") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(n)) => Some(n),
                    Some(other) => return Err(format!("name must be text (got {other})")),
                };
                let options =
                    serde_json::from_value(Value::Object(m)).map_err(|e| e.to_string())?;
                Ok(PaymentFile {
                    file,
                    name,
                    options,
                })
            }
            other => Err(format!(
                "a payment file is a path or {{file, options…}} (got {other})"
            )),
        }
    }
}

impl From<PaymentFile> for Value {
    fn from(p: PaymentFile) -> Value {
        if p.name.is_none() && p.options == FeedSpec::default() {
            return Value::String(p.file);
        }
        let mut m = Map::new();
        m.insert("file".into(), Value::String(p.file));
        if let Some(n) = p.name {
            m.insert("name".into(), Value::String(n));
        }
        if let Ok(Value::Object(o)) = serde_json::to_value(&p.options) {
            m.extend(o);
        }
        Value::Object(m)
    }
}

impl PaymentFile {
    /// The name problems give the file.
    pub fn file_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.file)
    }

    /// Relative to `dir` if relative; the name stays the path as written.
    fn resolve(&mut self, dir: &Path) {
        let p = Path::new(&self.file);
        if p.is_relative() {
            self.name.get_or_insert_with(|| self.file.clone());
            self.file = dir.join(p).to_string_lossy().into_owned();
        }
    }

    /// What is wrong with it that can be seen without reading it: the options, and whether
    /// the file is there.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = self.options.options(self.file_name()) {
            out.extend(e.problems().into_iter().map(|p| p.message));
        }
        if !Path::new(&self.file).is_file() {
            out.push(format!("no such file {:?}", self.file));
        }
        out
    }

    /// Run `sim` to its horizon fed from this file, as `run --payments` does (no results or
    /// rejects written).
    pub(crate) fn feed(&self, sim: &mut Simulation) -> Result<(), SimError> {
        let name = self.file_name();
        let opts = self.options.options(name)?;
        let file = File::open(&self.file).map_err(|e| {
            SimError::InvalidArgument(Problem::new(
                "payments",
                format!("payments: cannot open {name:?}: {e}"),
            ))
        })?;
        let none: Option<(std::io::Sink, ResultsFormat)> = None;
        match run_file(sim, file, name, opts, none, None, None) {
            Ok(_) => Ok(()),
            Err(FedError::Input(e)) => Err(e.into()),
            Err(FedError::Sim(e)) => Err(e),
            Err(FedError::Write(e)) => Err(SimError::InvalidArgument(Problem::new(
                "payments",
                format!("payments: {e}"),
            ))),
        }
    }
}

impl Experiment {
    /// Make the relative payment-file paths absolute against `dir` (the CLI: the experiment
    /// file's directory; the C ABI and so Python: the current directory), so that every
    /// worker finds the same files; each keeps its path as written as its name in problems
    /// and, on an axis without `labels`, as its label.
    pub fn resolve_paths(&mut self, dir: &Path) {
        if let Some(p) = &mut self.payments {
            p.resolve(dir);
        }
        for axis in &mut self.axes {
            if let Some(files) = &mut axis.payments {
                if axis.labels.is_none() {
                    axis.labels = Some(files.iter().map(|f| f.file_name().into()).collect());
                }
                files.iter_mut().for_each(|f| f.resolve(dir));
            }
        }
    }
}

/// The problems of the top-level `payments` (before anything runs).
pub(crate) fn check_top(exp: &Experiment, p: &mut Vec<Problem>) {
    if let Some(f) = &exp.payments {
        let label = Value::String(f.file_name().to_string());
        for m in f.problems() {
            p.push(
                Problem::new("payments", format!("payments = {label}: {m}"))
                    .with_value(label.clone()),
            );
        }
    }
}
