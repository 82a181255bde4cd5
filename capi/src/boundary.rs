//! The boundary every export runs inside: it resets the last error, catches panics, and turns
//! a `Result<(), Failure>` into a `psim_status` plus the thread's last-error text.
//!
//! A panic never unwinds into C and never aborts the host: it becomes `PSIM_STATUS_PANIC`
//! (and, when it happened while a handle was locked, poisons that handle — see `handle`).
//! While a call is inside the boundary, a quiet panic hook records where the panic happened
//! instead of printing a message and a backtrace on the host's stderr; panics outside the
//! library still reach the hook that was installed before ours.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::error::{clear_last_error, set_last_failure, Failure};
use crate::psim_status;

/// Run `$body` (a block evaluating to `Result<(), Failure>`) inside the boundary of the
/// export `$name`, returning its `psim_status`.
macro_rules! ffi_boundary {
    ($name:literal, $body:block) => {
        $crate::boundary::call(
            $name,
            || -> ::std::result::Result<(), $crate::error::Failure> { $body },
        )
    };
}

thread_local! {
    /// Depth of boundary calls on this thread (the quiet hook is active when > 0).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic inside the boundary happened, recorded by the quiet hook.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static QUIET_HOOK: Once = Once::new();

fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let inside = DEPTH.try_with(|d| d.get() > 0).unwrap_or(false);
            if inside {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                let _ = PANIC_LOCATION.try_with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Leaves the boundary even when the body unwinds.
struct Inside;

impl Inside {
    fn enter() -> Self {
        let _ = DEPTH.try_with(|d| d.set(d.get() + 1));
        Inside
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        let _ = DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(non-string panic payload)"
    }
}

/// See [`ffi_boundary!`].
pub(crate) fn call<F>(name: &'static str, body: F) -> psim_status
where
    F: FnOnce() -> Result<(), Failure>,
{
    install_quiet_hook();
    clear_last_error();
    let outcome = {
        let _inside = Inside::enter();
        panic::catch_unwind(AssertUnwindSafe(body))
    };
    match outcome {
        Ok(Ok(())) => psim_status::Ok,
        Ok(Err(failure)) => {
            let status = failure.status;
            set_last_failure(failure);
            status
        }
        Err(payload) => {
            let at = PANIC_LOCATION
                .try_with(|p| p.borrow_mut().take())
                .ok()
                .flatten()
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            set_last_failure(Failure::new(
                psim_status::Panic,
                format!(
                    "{name}: internal error (panic{at}): {}; any handle in use is now poisoned",
                    panic_text(payload.as_ref())
                ),
            ));
            // The payload is dropped here, inside the library, and cannot panic: it is a string.
            drop(payload);
            psim_status::Panic
        }
    }
}
