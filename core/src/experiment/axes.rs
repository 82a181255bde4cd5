//! The axes as the core uses them: each a name, where it acts, what a value does there, and
//! its values; the rules an axis must follow against the base document; and the document of
//! one point (the base with every axis's value put in, recording where each axis acted so a
//! problem of the point can be traced to its axis).

use serde_json::{json, Value};

use super::definition::{AxisSpec, Experiment};
use super::path::{self, Step};
use super::payments::PaymentFile;
use crate::error::Problem;

/// What an axis's value does at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Put the value there.
    Set,
    /// Multiply the number there.
    Scale,
    /// Put `{rule: value}` there (a balance rule on the liquidity bounds).
    Rule(&'static str),
    /// Append the value's actions to `scenario_events`.
    Events,
    /// The seed of the document's shape.
    Seed,
    /// Replay the value's payment file (`Axis::files`); the document is untouched.
    Payments,
}

/// One axis, checked.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    /// Where the axis is in the experiment (`axes[k]`, `seeds`), for problems.
    pub at: String,
    pub name: String,
    pub steps: Vec<Step>,
    pub kind: Kind,
    /// What is applied.
    pub values: Vec<Value>,
    /// What the results show (the event set's name; otherwise the value).
    pub labels: Vec<Value>,
    /// A payments axis's files (empty for the others).
    pub files: Vec<PaymentFile>,
}

const RULES: [&str; 3] = ["between_bounds", "times_upper_bound", "times_lower_bound"];

fn floats(v: &[f64]) -> Vec<Value> {
    v.iter().map(|&x| json!(x)).collect()
}

/// The axis written at `axes[k]`, checked against `base` (problems pushed to `p`).
pub(crate) fn axis(k: usize, spec: &AxisSpec, base: &Value, p: &mut Vec<Problem>) -> Option<Axis> {
    let at = format!("axes[{k}]");
    let problem = |field: &str, msg: String| {
        let path = if field.is_empty() {
            at.clone()
        } else {
            format!("{at}.{field}")
        };
        Problem::new(path.clone(), format!("{path} {msg}"))
    };
    let mut lists: Vec<(&str, Kind, Vec<Value>, Vec<Value>)> = Vec::new();
    if let Some(v) = &spec.values {
        lists.push(("values", Kind::Set, v.clone(), v.clone()));
    }
    if let Some(v) = &spec.scale {
        lists.push(("scale", Kind::Scale, floats(v), floats(v)));
    }
    for (rule, v) in RULES.iter().zip([
        &spec.between_bounds,
        &spec.times_upper_bound,
        &spec.times_lower_bound,
    ]) {
        if let Some(v) = v {
            lists.push((rule, Kind::Rule(rule), floats(v), floats(v)));
        }
    }
    if let Some(sets) = &spec.events {
        let values = sets
            .iter()
            .map(|s| Value::Array(s.events.clone()))
            .collect();
        let labels = sets.iter().map(|s| json!(s.name)).collect();
        lists.push(("events", Kind::Events, values, labels));
    }
    if let Some(files) = &spec.payments {
        let values = files.iter().map(|f| Value::from(f.clone())).collect();
        let labels = files.iter().map(|f| json!(f.file_name())).collect();
        lists.push(("payments", Kind::Payments, values, labels));
    }
    let keys: Vec<&str> = lists.iter().map(|l| l.0).collect();
    if lists.len() != 1 {
        let got = if keys.is_empty() {
            "none".to_string()
        } else {
            keys.join(", ")
        };
        p.push(problem(
            "",
            format!("must have exactly one of values, scale, between_bounds, times_upper_bound, times_lower_bound, events, payments (got {got})"),
        ));
        return None;
    }
    let (key, kind, values, mut labels) = lists.pop()?;
    if values.is_empty() {
        p.push(problem(key, "must list at least one value".into()));
        return None;
    }
    if let Some(given) = &spec.labels {
        if kind == Kind::Events {
            p.push(problem(
                "labels",
                "is not taken by an events axis (each set has its name)".into(),
            ));
            return None;
        }
        if given.len() != values.len() {
            let (g, n) = (given.len(), values.len());
            p.push(problem(
                "labels",
                format!("must give one label per value ({g} labels, {n} values)"),
            ));
            return None;
        }
        labels = given.clone();
    }
    if let Kind::Rule(_) | Kind::Scale = kind {
        for (j, v) in values.iter().enumerate() {
            if v.is_null() {
                // serde_json writes NaN and the infinities as null
                p.push(problem(
                    &format!("{key}[{j}]"),
                    "must be a finite number".into(),
                ));
            }
        }
    }
    let path = match (kind, &spec.path) {
        (Kind::Events, Some(_)) => {
            p.push(problem(
                "path",
                "is not taken by an events axis (the actions go to scenario_events)".into(),
            ));
            return None;
        }
        (Kind::Events, None) => None,
        (Kind::Payments, Some(_)) => {
            p.push(problem(
                "path",
                "is not taken by a payments axis (a point replays the file)".into(),
            ));
            return None;
        }
        (Kind::Payments, None) => None,
        (Kind::Rule(_), None) => Some("agents[*].balance".to_string()),
        (_, None) => {
            p.push(problem("path", format!("is required for a {key} axis")));
            return None;
        }
        (_, Some(path)) => Some(path.clone()),
    };
    let steps = match path.as_deref().map(path::parse) {
        None => Vec::new(),
        Some(Ok(steps)) => steps,
        Some(Err(e)) => {
            p.push(
                problem("path", format!("is not a path: {e}")).with_value(path.unwrap_or_default()),
            );
            return None;
        }
    };
    let name = spec.name.clone().unwrap_or_else(|| match kind {
        Kind::Rule(rule) => rule.to_string(),
        Kind::Events => "events".to_string(),
        Kind::Payments => "payments".to_string(),
        _ => path.clone().unwrap_or_default(),
    });
    let files = spec.payments.clone().unwrap_or_default();
    for (f, label) in files.iter().zip(&labels) {
        for m in f.problems() {
            p.push(
                Problem::new(at.clone(), format!("{at} ({name}) = {label}: {m}"))
                    .with_value(label.clone()),
            );
        }
    }
    // The path must reach something in the base (a number, for a scale).
    if !steps.is_empty() {
        let mut doc = base.clone();
        let check = &mut |v: &mut Value, here: &str| match kind {
            Kind::Scale if !v.is_number() => Err(format!(
                "{here} is not a number ({v}), so it cannot be scaled"
            )),
            _ => Ok(()),
        };
        if let Err(e) = path::apply(&mut doc, &steps, check) {
            p.push(
                problem("path", format!("does not fit the scenario: {e}"))
                    .with_value(path.unwrap_or_default()),
            );
            return None;
        }
    }
    Some(Axis {
        at,
        name,
        steps,
        kind,
        values,
        labels,
        files,
    })
}

/// The seed axis: `seeds`, innermost.
pub(crate) fn seeds(exp: &Experiment, base: &Value, p: &mut Vec<Problem>) -> Option<Axis> {
    let list = exp.seed_list()?;
    if list.is_empty() {
        p.push(Problem::new("seeds", "seeds must list at least one seed"));
        return None;
    }
    let key = if base.get("simulation").is_some() {
        "simulation.seed"
    } else {
        "rng_seed"
    };
    let values: Vec<Value> = list.iter().map(|&s| json!(s)).collect();
    Some(Axis {
        at: "seeds".into(),
        name: "seed".into(),
        steps: path::parse(key).ok()?,
        kind: Kind::Seed,
        labels: values.clone(),
        values,
        files: Vec::new(),
    })
}

/// Put value `j` of `axis` into `doc`; the concrete paths it touched go to `touched`.
pub(crate) fn put(
    axis: &Axis,
    j: usize,
    doc: &mut Value,
    touched: &mut Vec<String>,
) -> Result<(), String> {
    let value = &axis.values[j];
    match axis.kind {
        Kind::Payments => Ok(()),
        Kind::Events => {
            let list = doc
                .as_object_mut()
                .ok_or("the scenario is not a mapping")?
                .entry("scenario_events")
                .or_insert(Value::Array(Vec::new()));
            if list.is_null() {
                *list = Value::Array(Vec::new());
            }
            let Value::Array(list) = list else {
                return Err("scenario_events is not a list".into());
            };
            for e in value.as_array().into_iter().flatten() {
                touched.push(format!("scenario_events[{}]", list.len()));
                list.push(e.clone());
            }
            Ok(())
        }
        kind => path::apply(doc, &axis.steps, &mut |v, here| {
            touched.push(here.to_string());
            *v = match kind {
                Kind::Set | Kind::Seed => value.clone(),
                Kind::Rule(rule) => json!({ rule: value }),
                Kind::Scale => scaled(v, value.as_f64().unwrap_or(f64::NAN), here)?,
                Kind::Events | Kind::Payments => unreachable!("handled above"),
            };
            Ok(())
        }),
    }
}

/// `v × factor`: an integer stays an integer (rounded half away from zero) when it fits.
fn scaled(v: &Value, factor: f64, here: &str) -> Result<Value, String> {
    let x = v
        .as_f64()
        .ok_or_else(|| format!("{here} is not a number ({v})"))?
        * factor;
    if v.is_i64() || v.is_u64() {
        let r = x.round();
        if !(r.is_finite() && r >= i64::MIN as f64 && r < i64::MAX as f64) {
            return Err(format!(
                "{here} scaled by {factor} is {x}, beyond the integers"
            ));
        }
        Ok(json!(r as i64))
    } else {
        serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| format!("{here} scaled by {factor} is not finite"))
    }
}

/// Whether a problem at `path` is about `touched` (the same field or inside it).
pub(crate) fn about(path: &str, touched: &str) -> bool {
    path.strip_prefix(touched)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}
