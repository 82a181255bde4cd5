//! Status codes, the internal failure type and the thread-local last error.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

use payment_sim_core::SimError;

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
    /// Every tick of the horizon has run: no more ticks or submissions.
    SimulationFinished = 7,
    /// An earlier call on this handle panicked; the handle can only be freed.
    Poisoned = 8,
    /// The library panicked during this call (a bug). The call had no defined effect and the
    /// handle it used is now poisoned. Nothing unwound into the caller.
    Panic = 9,
}

/// Why a call failed: the status to return and the text for psim_last_error().
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: psim_status,
    pub message: String,
}

impl Failure {
    pub fn new(status: psim_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
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
            SimError::SimulationFinished { .. } => psim_status::SimulationFinished,
        };
        Failure::new(status, e.to_string())
    }
}

thread_local! {
    /// The message of the last failed call on this thread ("" when the last call succeeded).
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Record `message` as this thread's last error (NUL bytes, which C cannot carry, become U+FFFD).
pub(crate) fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', "\u{FFFD}")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = text);
}

/// Forget this thread's last error (no allocation when there is none).
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            if !e.as_bytes().is_empty() {
                *e = CString::default();
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
            Ok(e) => e.as_ptr(),
            Err(_) => EMPTY.as_ptr().cast(),
        })
        .unwrap_or(EMPTY.as_ptr().cast())
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
                SimError::InvalidArgument("x".into()),
                psim_status::InvalidArgument,
            ),
            (SimError::UnknownAgent("Z".into()), psim_status::NotFound),
            (
                SimError::SimulationFinished { horizon: 3 },
                psim_status::SimulationFinished,
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
        ];
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(*c as i32, i as i32);
        }
    }

    #[test]
    fn last_error_is_per_thread_and_nul_safe() {
        set_last_error("bad\0value");
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
