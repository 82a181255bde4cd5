//! Running independent jobs over a few threads, results in job order.
//!
//! std threads and one shared job counter, not rayon: the jobs are whole simulation runs
//! (milliseconds to minutes each), so a work-stealing pool buys nothing, and the core keeps
//! no pool alive after the call. Each job's result depends only on its index, and results
//! are put back in index order, so the output is the same whatever the number of threads or
//! the order in which jobs finish.
//!
//! The calling thread only waits (polling, see `POLL`) and reports progress, so a host's
//! progress callback always runs on the thread that called — never on a worker — and no
//! `std::thread::current()` handle is made for the host's thread (scoped threads and
//! blocking channels make one, which valgrind reports as lost on a C host's main thread).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the calling thread looks at the workers: far below the length of one run.
const POLL: Duration = Duration::from_millis(5);

/// A job: its index in, its result out.
pub(crate) type Job<T, E> = Arc<dyn Fn(usize) -> Result<T, E> + Send + Sync>;

/// Run `job(i)` for every `i < jobs` on at most `threads` worker threads (1: on the calling
/// thread). `done(n)` is called on the calling thread as the number `n` of finished jobs
/// grows (not necessarily at every step), last with every finished job. After a job fails no
/// new job starts; the error returned is that of the lowest-numbered failed job.
pub(crate) fn run_jobs<T: Send + 'static, E: Send + 'static>(
    jobs: usize,
    threads: usize,
    job: Job<T, E>,
    mut done: impl FnMut(usize),
) -> Result<Vec<T>, E> {
    let next = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    if threads > 1 && jobs > 1 {
        for k in 0..threads.min(jobs) {
            let (next, finished, failed) = (next.clone(), finished.clone(), failed.clone());
            let job = job.clone();
            let worker = move || {
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
                    finished.fetch_add(1, Ordering::Release);
                }
                out
            };
            match std::thread::Builder::new()
                .name(format!("psim-stress-{k}"))
                .spawn(worker)
            {
                Ok(h) => handles.push(h),
                Err(_) => break, // fewer threads than asked: the result is the same
            }
        }
    }
    if handles.is_empty() {
        return inline(jobs, &job, &mut done);
    }
    let mut reported = 0;
    while handles.iter().any(|h| !h.is_finished()) {
        let n = finished.load(Ordering::Acquire);
        if n > reported {
            reported = n;
            done(n);
        }
        std::thread::sleep(POLL);
    }
    let mut all: Vec<(usize, Result<T, E>)> = Vec::with_capacity(jobs);
    for h in handles {
        match h.join() {
            Ok(v) => all.extend(v),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    if all.len() > reported {
        done(all.len());
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Every job on the calling thread, in order, reporting after each; stops at a failure.
fn inline<T, E>(jobs: usize, job: &Job<T, E>, done: &mut impl FnMut(usize)) -> Result<Vec<T>, E> {
    let mut out = Vec::with_capacity(jobs);
    for i in 0..jobs {
        out.push(job(i)?);
        done(i + 1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::run_jobs;

    #[test]
    fn results_in_job_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            let mut reports = Vec::new();
            let r: Result<Vec<usize>, ()> =
                run_jobs(10, threads, Arc::new(|i| Ok(i * i)), |n| reports.push(n));
            assert_eq!(r.unwrap(), (0..10).map(|i| i * i).collect::<Vec<_>>());
            assert_eq!(reports.last(), Some(&10), "{threads} threads");
            assert!(reports.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn the_first_failure_is_reported() {
        for threads in [1, 2, 4] {
            let job = Arc::new(|i: usize| if i == 3 || i == 6 { Err(i) } else { Ok(i) });
            let r: Result<Vec<usize>, usize> = run_jobs(10, threads, job, |_| {});
            assert_eq!(r, Err(3), "{threads} threads");
        }
    }
}
