//! The opaque simulation handle.
//!
//! A handle owns one [`Simulation`] behind a mutex, so concurrent calls on one handle are
//! serialised rather than undefined, plus a poisoned flag: a panic while the simulation was
//! locked may have left it half-updated, so the handle refuses every later call with
//! `PSIM_STATUS_POISONED` (it can still be freed).

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use payment_sim_core::Simulation;

use crate::error::Failure;
use crate::psim_status;
use crate::strings::null_arg;

/// A running simulation (opaque to C).
///
/// Created by psim_sim_new() or psim_sim_restore(), released by psim_sim_free(). All calls
/// on one handle are serialised by an internal lock; distinct handles share nothing.
pub struct PsimSim {
    sim: Mutex<Simulation>,
    poisoned: AtomicBool,
}

/// The opaque handle type of the C API: `typedef struct psim_sim psim_sim_t;`.
pub type psim_sim_t = PsimSim;

impl PsimSim {
    /// Wrap a simulation and hand ownership to the caller.
    pub(crate) fn into_raw(sim: Simulation) -> *mut psim_sim_t {
        Box::into_raw(Box::new(PsimSim {
            sim: Mutex::new(sim),
            poisoned: AtomicBool::new(false),
        }))
    }

    /// Borrow the handle argument `name` (NULL → `PSIM_STATUS_NULL_ARG`).
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle from `into_raw` that outlives `'a`.
    pub(crate) unsafe fn from_ptr<'a>(
        function: &str,
        name: &str,
        ptr: *const psim_sim_t,
    ) -> Result<&'a PsimSim, Failure> {
        // SAFETY: per the caller's contract.
        unsafe { ptr.as_ref() }.ok_or_else(|| null_arg(function, name))
    }

    /// Free a handle from `into_raw` (NULL: nothing). A poisoned handle is freed too.
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle from `into_raw`, not used afterwards.
    pub(crate) unsafe fn free(ptr: *mut psim_sim_t) {
        if !ptr.is_null() {
            // SAFETY: per the caller's contract.
            drop(unsafe { Box::from_raw(ptr) });
        }
    }

    /// Run `f` with the simulation locked. A panic inside `f` poisons the handle and carries
    /// on unwinding to the boundary, which turns it into `PSIM_STATUS_PANIC`.
    pub(crate) fn with<R>(
        &self,
        function: &str,
        f: impl FnOnce(&mut Simulation) -> Result<R, Failure>,
    ) -> Result<R, Failure> {
        let poisoned = || {
            Failure::new(
                psim_status::Poisoned,
                format!(
                    "{function}: the handle is poisoned by an earlier panic inside the library; free it with psim_sim_free"
                ),
            )
        };
        if self.poisoned.load(Ordering::Acquire) {
            return Err(poisoned());
        }
        let mut sim = self.sim.lock().unwrap_or_else(PoisonError::into_inner);
        // Another thread may have poisoned the handle while this one waited for the lock.
        if self.poisoned.load(Ordering::Acquire) {
            return Err(poisoned());
        }
        match panic::catch_unwind(AssertUnwindSafe(|| f(&mut sim))) {
            Ok(result) => result,
            Err(payload) => {
                self.poisoned.store(true, Ordering::Release);
                drop(sim);
                panic::resume_unwind(payload)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn handles_can_be_shared_between_threads() {
        assert_send_sync::<PsimSim>();
    }
}
