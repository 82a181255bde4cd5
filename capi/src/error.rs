//! Status codes, the internal failure type and the thread-local last error.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use payment_sim_core::{Problem, SimError};
use serde::Serialize;

/// The result of every fallible function. `PSIM_STATUS_OK` is 0; codes are never renumbered
/// and new ones are only ever appended. On any other status the out-parameters are left
/// untouched and psim_last_error() describes the failure.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum psim_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument (handle, string or out-parameter) was NULL.
    NullArg = 1,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 2,
    /// A JSON argument is not well-formed JSON (or has trailing characters).
    InvalidJson = 3,
    /// A well-formed configuration or snapshot breaks the configuration rules (wrong shape,
    /// unknown field, out-of-range value, …); the message lists every problem.
    InvalidConfig = 4,
    /// An argument is out of range: an invalid transaction (negative amount, self-payment,
    /// priority above 10, unknown field, …) or a tick count outside 1..remaining.
    InvalidArgument = 5,
    /// An agent id that the simulation does not know.
    NotFound = 6,
    /// Every tick of the horizon has run: no more ticks or submissions. Also a restored
    /// simulation whose counters reached the largest value it runs to (the message says which).
    SimulationFinished = 7,
    /// An earlier call on this handle panicked; the handle can only be freed.
    Poisoned = 8,
    /// The library panicked during this call (a bug). The call had no defined effect and the
    /// handle it used is now poisoned. Nothing unwound into the caller.
    Panic = 9,
    /// A host policy (psim_sim_set_host_policy()) failed or returned decisions the core
    /// refuses; the tick did not run and the simulation is as it was before it.
    HostPolicy = 10,
}

impl psim_status {
    /// The constant's name in the header (`"PSIM_STATUS_INVALID_CONFIG"`), as
    /// psim_last_error_json() reports it.
    pub fn name(self) -> &'static str {
        match self {
            psim_status::Ok => "PSIM_STATUS_OK",
            psim_status::NullArg => "PSIM_STATUS_NULL_ARG",
            psim_status::InvalidUtf8 => "PSIM_STATUS_INVALID_UTF8",
            psim_status::InvalidJson => "PSIM_STATUS_INVALID_JSON",
            psim_status::InvalidConfig => "PSIM_STATUS_INVALID_CONFIG",
            psim_status::InvalidArgument => "PSIM_STATUS_INVALID_ARGUMENT",
            psim_status::NotFound => "PSIM_STATUS_NOT_FOUND",
            psim_status::SimulationFinished => "PSIM_STATUS_SIMULATION_FINISHED",
            psim_status::Poisoned => "PSIM_STATUS_POISONED",
            psim_status::Panic => "PSIM_STATUS_PANIC",
            psim_status::HostPolicy => "PSIM_STATUS_HOST_POLICY",
        }
    }
}

/// Why a call failed: the status to return, the text for psim_last_error() and the
/// structured problems for psim_last_error_json().
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: psim_status,
    pub message: String,
    /// The core's problems; empty means one problem of the whole input, `message`.
    pub problems: Vec<Problem>,
}

impl Failure {
    pub fn new(status: psim_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            problems: Vec::new(),
        }
    }
}

impl From<SimError> for Failure {
    fn from(e: SimError) -> Self {
        let status = match &e {
            SimError::InvalidJson(_) => psim_status::InvalidJson,
            SimError::InvalidConfig(_) => psim_status::InvalidConfig,
            SimError::InvalidArgument(_) => psim_status::InvalidArgument,
            SimError::UnknownAgent(_) => psim_status::NotFound,
            // A simulation that cannot run further, like one past its horizon.
            SimError::SimulationFinished { .. } | SimError::CounterLimit { .. } => {
                psim_status::SimulationFinished
            }
            SimError::HostPolicy(_) => psim_status::HostPolicy,
        };
        Failure {
            status,
            message: e.to_string(),
            problems: e.problems(),
        }
    }
}

/// The last failure on a thread. The JSON document is rendered only when asked for, so a
/// failing call costs no more than it did before psim_last_error_json() existed, and a
/// successful one allocates nothing.
#[derive(Default)]
struct LastError {
    /// psim_last_error()'s text ("" after a success).
    message: CString,
    /// The status and problems of the last failure (None after a success).
    failure: Option<(psim_status, Vec<Problem>)>,
    /// psim_last_error_json()'s document, once rendered for the current failure.
    json: Option<CString>,
}

/// psim_last_error_json()'s document, its fields in the documented order.
#[derive(Serialize)]
struct LastErrorDocument<'a> {
    status: &'static str,
    message: &'a str,
    problems: &'a [Problem],
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

/// C cannot carry NUL bytes: they become U+FFFD.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// Record `failure` as this thread's last error.
pub(crate) fn set_last_failure(failure: Failure) {
    let message = c_text(&failure.message);
    let mut problems = failure.problems;
    if problems.is_empty() {
        problems.push(Problem::whole(failure.message));
    }
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            *e = LastError {
                message,
                failure: Some((failure.status, problems)),
                json: None,
            };
        }
    });
}

/// Forget this thread's last error (no allocation when there is none).
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            if e.failure.is_some() || !e.message.as_bytes().is_empty() {
                *e = LastError::default();
            }
        }
    });
}

/// The message of the most recent failed call made on the calling thread, or "" when the
/// most recent status-returning call on this thread succeeded. Every function that returns
/// psim_status resets it on entry. Messages quote the offending argument, id, field or value.
///
/// Ownership: the string belongs to the library (thread-local storage); never free it. It
/// stays valid until the next psim_* call that returns a psim_status on the same thread —
/// copy it if you need it longer.
/// NULL: never returns NULL.
/// Thread safety: each thread has its own last error.
#[no_mangle]
pub extern "C" fn psim_last_error() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    LAST_ERROR
        .try_with(|e| match e.try_borrow() {
            Ok(e) => e.message.as_ptr(),
            Err(_) => EMPTY.as_ptr().cast(),
        })
        .unwrap_or(EMPTY.as_ptr().cast())
}

/// The outcome of the most recent status-returning call on the calling thread as a JSON
/// object (docs/json.md, "Last error"):
/// `{"status":"PSIM_STATUS_INVALID_CONFIG","message":"<psim_last_error()>","problems":[{"path":"agents[0].balance","message":"…","value":-5}]}`.
/// `problems` lists every problem of an invalid configuration, each with the path of its
/// field in the document the caller wrote ("" = the whole document) and, where it helps, the
/// offending value; any other failure has one problem with path "". After a success it is
/// `{"status":"PSIM_STATUS_OK","message":"","problems":[]}`.
///
/// Ownership: the string belongs to the library (thread-local storage); never free it. It
/// stays valid until the next psim_* call that returns a psim_status on the same thread.
/// NULL: never returns NULL.
/// Thread safety: each thread has its own last error.
#[no_mangle]
pub extern "C" fn psim_last_error_json() -> *const c_char {
    static FALLBACK: &[u8] = b"{\"status\":\"PSIM_STATUS_PANIC\",\"message\":\"the last error is not available on this thread\",\"problems\":[]}\0";
    let rendered = LAST_ERROR.try_with(|e| {
        let mut e = e.try_borrow_mut().ok()?;
        if e.json.is_none() {
            let (status, problems) = match &e.failure {
                None => (psim_status::Ok, &[][..]),
                Some((status, problems)) => (*status, &problems[..]),
            };
            let document = LastErrorDocument {
                status: status.name(),
                message: &e.message.to_string_lossy(),
                problems,
            };
            // JSON escapes every control character, so the text has no NUL.
            e.json = serde_json::to_string(&document)
                .ok()
                .and_then(|text| CString::new(text).ok());
        }
        e.json.as_ref().map(|json| json.as_ptr())
    });
    rendered.ok().flatten().unwrap_or(FALLBACK.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_has_its_own_status() {
        let cases = [
            (SimError::InvalidJson("x".into()), psim_status::InvalidJson),
            (
                SimError::InvalidConfig(vec![payment_sim_core::error::Problem::whole("a")]),
                psim_status::InvalidConfig,
            ),
            (
                SimError::InvalidArgument(payment_sim_core::error::Problem::whole("x")),
                psim_status::InvalidArgument,
            ),
            (SimError::UnknownAgent("Z".into()), psim_status::NotFound),
            (
                SimError::SimulationFinished { horizon: 3 },
                psim_status::SimulationFinished,
            ),
            (
                SimError::CounterLimit {
                    what: "the tick".into(),
                    value: 1 << 62,
                    limit: 1 << 61,
                },
                psim_status::SimulationFinished,
            ),
            (
                SimError::HostPolicy(payment_sim_core::error::Problem::whole("x")),
                psim_status::HostPolicy,
            ),
        ];
        for (e, status) in cases {
            let text = e.to_string();
            let f = Failure::from(e);
            assert_eq!(f.status, status);
            assert_eq!(f.message, text);
        }
    }

    #[test]
    fn status_codes_are_fixed() {
        use psim_status::*;
        let codes = [
            Ok,
            NullArg,
            InvalidUtf8,
            InvalidJson,
            InvalidConfig,
            InvalidArgument,
            NotFound,
            SimulationFinished,
            Poisoned,
            Panic,
            HostPolicy,
        ];
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(*c as i32, i as i32);
        }
    }

    #[test]
    fn last_error_is_per_thread_and_nul_safe() {
        set_last_failure(Failure::new(psim_status::InvalidArgument, "bad\0value"));
        let read = || {
            unsafe { std::ffi::CStr::from_ptr(psim_last_error()) }
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(read(), "bad\u{FFFD}value");
        std::thread::spawn(move || assert_eq!(read(), ""))
            .join()
            .unwrap();
        clear_last_error();
        assert_eq!(read(), "");
    }
}
