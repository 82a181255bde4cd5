//! The committed headers in `include/` must be exactly what cbindgen generates from the
//! current sources (build.rs renders them into OUT_DIR on every build).
//!
//! Regenerate with `make header`, i.e. `PSIM_BLESS_HEADER=1 cargo test -p payment-sim-capi
//! --release --test header`.

use std::path::PathBuf;

const GENERATED: [(&str, &str); 2] = [
    (
        "payment_sim.h",
        include_str!(concat!(env!("OUT_DIR"), "/payment_sim.h")),
    ),
    (
        "payment_sim_cdef.h",
        include_str!(concat!(env!("OUT_DIR"), "/payment_sim_cdef.h")),
    ),
];

fn include_dir() -> PathBuf {
    let capi = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    capi.parent()
        .expect("capi/ is inside the workspace")
        .join("include")
}

#[test]
fn committed_headers_are_current() {
    let bless = std::env::var_os("PSIM_BLESS_HEADER").is_some_and(|v| v != "0");
    let mut stale = Vec::new();
    for (name, generated) in GENERATED {
        let path = include_dir().join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == generated {
            continue;
        }
        if bless {
            std::fs::create_dir_all(include_dir()).expect("create include/");
            std::fs::write(&path, generated).expect("write the header");
            eprintln!("wrote {}", path.display());
        } else {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "include/{} {} stale: the C API changed but the committed header was not regenerated.\n\
         Run `make header` (or `PSIM_BLESS_HEADER=1 cargo test -p payment-sim-capi --release --test header`) \
         and commit the result.",
        stale.join(" and include/"),
        if stale.len() == 1 { "is" } else { "are" },
    );
}

#[test]
fn cdef_rendering_has_no_preprocessor_lines_but_integer_defines() {
    let (_, cdef) = GENERATED[1];
    for line in cdef.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix('#') {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            assert!(
                parts.len() == 3 && parts[0] == "define" && parts[2].parse::<i64>().is_ok(),
                "cffi cannot parse this line of payment_sim_cdef.h: {line:?}"
            );
        }
        assert!(!line.starts_with("extern \"C\""), "{line:?}");
    }
}
