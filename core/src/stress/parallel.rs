//! Running independent jobs over a few threads, results in job order.
//!
//! std's scoped threads and one shared job counter, not rayon: the jobs are whole simulation
//! runs (milliseconds to minutes each), so a work-stealing pool buys nothing, and the core
//! keeps no thread pool of its own alive after the call. Each job's result depends only on
//! its index, and results are put back in index order, so the output is the same whatever
//! the number of threads or the order in which jobs finish.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Run `job(i)` for every `i < jobs` on at most `threads` threads (≥ 1). `done()` is called
/// after each job, never by two threads at once. After a job fails, no new job starts; the
/// error returned is that of the lowest-numbered failed job.
pub(crate) fn run_jobs<T: Send, E: Send>(
    jobs: usize,
    threads: usize,
    job: impl Fn(usize) -> Result<T, E> + Sync,
    done: impl Fn() + Sync,
) -> Result<Vec<T>, E> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let one_at_a_time = Mutex::new(());
    let worker = || {
        let mut out = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs {
                break;
            }
            let r = job(i);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            out.push((i, r));
            // A panicking callback poisons the lock; later calls still report.
            let _turn = one_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
            done();
        }
        out
    };
    let threads = threads.clamp(1, jobs.max(1));
    let mut all: Vec<(usize, Result<T, E>)> = if threads == 1 {
        worker()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(worker)).collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(v) => v,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    };
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::run_jobs;

    #[test]
    fn results_in_job_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            let r: Result<Vec<usize>, ()> = run_jobs(10, threads, |i| Ok(i * i), || {});
            assert_eq!(r.unwrap(), (0..10).map(|i| i * i).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_first_failure_is_reported() {
        let r: Result<Vec<usize>, usize> =
            run_jobs(10, 1, |i| if i >= 3 { Err(i) } else { Ok(i) }, || {});
        assert_eq!(r, Err(3));
    }
}
