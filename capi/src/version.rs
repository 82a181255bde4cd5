//! Library and ABI versions.

use std::ffi::c_char;

/// Major version of the library (semantic versioning).
pub const PSIM_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const PSIM_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const PSIM_VERSION_PATCH: u32 = 0;
/// Version of the C ABI described by this header. It changes only when an existing function,
/// type or status code changes incompatibly (additions keep it); compare it with
/// psim_abi_version() at start-up to detect a header/library mismatch.
pub const PSIM_ABI_VERSION: u32 = 1;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version as a NUL-terminated string, e.g. "0.1.0".
///
/// Ownership: a static string owned by the library; never free it.
/// Thread safety: safe from any thread.
#[no_mangle]
pub extern "C" fn psim_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The ABI version of the loaded library (starts at 1). A program compiled against this
/// header should check `psim_abi_version() == PSIM_ABI_VERSION`.
///
/// Thread safety: safe from any thread.
#[no_mangle]
pub extern "C" fn psim_abi_version() -> u32 {
    PSIM_ABI_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_the_package_version() {
        // cbindgen needs literals; this keeps them honest.
        assert_eq!(
            PSIM_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            PSIM_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            PSIM_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        let v = unsafe { std::ffi::CStr::from_ptr(psim_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(psim_abi_version(), 1);
    }
}
