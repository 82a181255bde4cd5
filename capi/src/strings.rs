//! Strings across the boundary and out-parameters.
//!
//! In: NUL-terminated UTF-8, borrowed for the call. Out: `CString`s handed to the caller,
//! released with [`psim_string_free`].

use std::ffi::{c_char, CStr, CString};
use std::ptr::NonNull;

use crate::error::Failure;
use crate::psim_status;

/// Borrow the string argument `name`: NULL → `PSIM_STATUS_NULL_ARG`, not UTF-8 →
/// `PSIM_STATUS_INVALID_UTF8`, both naming the argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn str_arg<'a>(
    function: &str,
    name: &str,
    ptr: *const c_char,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(null_arg(function, name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        let at = e.valid_up_to();
        let byte = bytes.to_bytes()[at];
        Failure::new(
            psim_status::InvalidUtf8,
            format!(
                "{function}: argument `{name}` is not valid UTF-8 (byte 0x{byte:02x} at offset {at})"
            ),
        )
    })
}

/// The failure for a NULL pointer argument.
pub(crate) fn null_arg(function: &str, name: &str) -> Failure {
    Failure::new(
        psim_status::NullArg,
        format!("{function}: argument `{name}` is NULL"),
    )
}

/// Check an out-parameter up front (before any work), so a NULL one changes nothing.
pub(crate) fn out_arg<T>(function: &str, name: &str, ptr: *mut T) -> Result<Out<T>, Failure> {
    NonNull::new(ptr)
        .map(Out)
        .ok_or_else(|| null_arg(function, name))
}

/// A checked, non-NULL out-parameter, written once on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Write the result.
    ///
    /// # Safety
    /// The pointer the caller passed is valid for a write of `T`.
    pub unsafe fn write(self, value: T) {
        // SAFETY: non-NULL (checked) and writable per the caller's contract. `write` does not
        // drop the previous contents, which C may have left uninitialised.
        unsafe { self.0.as_ptr().write(value) }
    }
}

impl Out<*mut c_char> {
    /// Hand `text` to the caller as a library-allocated C string.
    ///
    /// # Safety
    /// As [`Out::write`].
    pub unsafe fn write_string(self, text: String) -> Result<(), Failure> {
        let c = CString::new(text).map_err(|e| {
            Failure::new(
                psim_status::Panic,
                format!(
                    "internal error: output contains a NUL byte at offset {}",
                    e.nul_position()
                ),
            )
        })?;
        // SAFETY: forwarded contract.
        unsafe { self.write(c.into_raw()) };
        Ok(())
    }
}

/// Release a string returned by this library (JSON documents, transaction ids).
///
/// Ownership: takes back ownership of `s`, which must have come from an out-parameter of a
/// psim_* function and not have been released before. Never pass it to free(), and never
/// pass psim_version() or psim_last_error() here.
/// NULL: allowed (does nothing).
/// Thread safety: safe from any thread (the string need not be released by the thread that
/// received it).
///
/// # Safety
/// `s` is NULL or a string from this library that has not been released yet.
#[no_mangle]
pub unsafe extern "C" fn psim_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: `s` came from CString::into_raw in this library (the documented contract).
        drop(unsafe { CString::from_raw(s) });
    });
}
