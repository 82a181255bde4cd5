//! The committed JSON Schema of configuration documents, `docs/config.schema.json`, must be
//! exactly what the core generates from its types now (as the C header must be what cbindgen
//! generates). `psim_config_schema` returns the same text.
//!
//! Regenerate with `make schema`, i.e. `PSIM_BLESS_SCHEMA=1 cargo test -p payment-sim-core
//! --release --test config_schema`, and commit the result.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    let core = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    core.parent()
        .expect("core/ is inside the workspace")
        .join("docs/config.schema.json")
}

#[test]
fn committed_schema_is_current() {
    let generated = payment_sim_core::config_schema();
    let path = committed_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        return;
    }
    if std::env::var_os("PSIM_BLESS_SCHEMA").is_some_and(|v| v != "0") {
        std::fs::write(&path, &generated).expect("write docs/config.schema.json");
        eprintln!("wrote {}", path.display());
        return;
    }
    panic!(
        "docs/config.schema.json is stale: the configuration types changed but the committed \
         schema was not regenerated.\nRun `make schema` (or `PSIM_BLESS_SCHEMA=1 cargo test -p \
         payment-sim-core --release --test config_schema`) and commit the result."
    );
}
