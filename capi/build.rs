//! Renders the C header with cbindgen into OUT_DIR, twice:
//!
//! - `payment_sim.h`: the C99/C++ header (include guard, `<stdint.h>`, `extern "C"`).
//! - `payment_sim_cdef.h`: the same declarations with no preprocessor lines except integer
//!   `#define`s, which cffi's `cdef()` accepts (the overrides maturin's cffi mode applies).
//!
//! The committed copies live in `include/`; the test `tests/header.rs` fails when they are
//! stale, and `make header` (or `PSIM_BLESS_HEADER=1 cargo test -p payment-sim-capi --test
//! header`) rewrites them.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    // The shared library's soname carries the ABI version, so programs linked against one
    // ABI never load another.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let version_rs =
            std::fs::read_to_string(crate_dir.join("src/version.rs")).expect("capi/src/version.rs");
        let abi = version_rs
            .lines()
            .find_map(|l| l.strip_prefix("pub const PSIM_ABI_VERSION: u32 = "))
            .and_then(|rest| rest.strip_suffix(';'))
            .expect("src/version.rs defines `pub const PSIM_ABI_VERSION: u32 = N;`");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpayment_sim.so.{abi}");
    }

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("capi/cbindgen.toml is not a valid cbindgen configuration");

    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config.clone())
        .generate()
        .expect("cbindgen could not generate payment_sim.h");
    header.write_to_file(out_dir.join("payment_sim.h"));

    let mut cdef = config;
    cdef.language = cbindgen::Language::C;
    cdef.no_includes = true;
    cdef.sys_includes = Vec::new();
    cdef.includes = Vec::new();
    cdef.defines = Default::default();
    cdef.include_guard = None;
    cdef.pragma_once = false;
    cdef.cpp_compat = false;
    let cdef_header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(cdef)
        .generate()
        .expect("cbindgen could not generate payment_sim_cdef.h");
    cdef_header.write_to_file(out_dir.join("payment_sim_cdef.h"));
}
