//! Replaying a recording of a run fed from a payment file: the file is read again (after its
//! digest is checked) through the core's importer, exactly as `run --payments` fed it.

use std::fs::File;

use payment_sim_core::import::{sha256_of, Importer, PaymentFeed};
use payment_sim_core::Simulation;

use super::RecordedPayments;
use crate::error::{CliError, CliResult};

/// Run `ticks` ticks of `sim` fed from the recorded payments file.
pub(super) fn run(sim: &mut Simulation, p: &RecordedPayments, ticks: u64, name: &str) -> CliResult {
    let path = std::path::Path::new(&p.path);
    let open = || File::open(path).map_err(|e| CliError::read(path, &e));
    let digest = sha256_of(open()?).map_err(|e| CliError::read(path, &e))?;
    if digest != p.sha256 {
        return Err(CliError::input(format!(
            "{name}: the payments file {} has changed since the run was recorded (payments.sha256 is {}, the file's is {digest})",
            p.path, p.sha256
        )));
    }
    let opts = p
        .options
        .options(&p.path)
        .map_err(|e| CliError::from_sim(&format!("{name}: payments.options"), e))?;
    let refused = |e: payment_sim_core::import::FedError| {
        CliError::input(format!(
            "{name}: the payments file {} was refused on replay: {e}",
            p.path
        ))
    };
    let feed = PaymentFeed::open(open()?, &p.path, opts).map_err(|e| refused(e.into()))?;
    let mut importer = Importer::<_, std::io::Sink>::start(sim, feed, None).map_err(refused)?;
    importer.run(sim, ticks).map_err(refused)?;
    importer.finish(sim).map_err(refused)?;
    Ok(())
}
