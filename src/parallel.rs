//! Work run side by side: the one way the stages use a second core.
//!
//! Two shapes cover every parallel section of a night: two different jobs
//! that need nothing of each other ([`both`]), and a queue of like jobs taken
//! by a few workers as each comes free ([`Queue`] with [`workers`]). Results
//! come back in a fixed order (the jobs' own, the workers' own), never in the
//! order threads happened to finish, so a night's output does not depend on
//! scheduling. A panic on any thread is passed on to the caller as it was.
//!
//! Plain scoped threads, not a pool: a night runs a handful of long jobs,
//! where a thread's start costs nothing beside them, and borrowing the
//! caller's data needs no `'static` or `Arc`.

use std::sync::{Mutex, PoisonError};

/// Runs `here` on this thread and `beside` on a second one, and gives what
/// each gave once both are done.
pub(crate) fn both<A, B>(here: impl FnOnce() -> A, beside: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    std::thread::scope(|scope| {
        let second = scope.spawn(beside);
        let a = here();
        let b = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}

/// Runs `work` on `threads` workers of their own (one at least) while this
/// thread waits, and gives each worker's result, in the workers' order. The
/// workers share their jobs through a [`Queue`] that `work` takes from.
///
/// Fresh threads rather than this one as a worker: the report's writers
/// allocate and free a string per cell, and on the main thread, whose
/// allocator heap the earlier stages filled, mimalloc gave pages back and
/// took them again far more often (BENCHMARKS.md, "Where parallelism pays").
pub(crate) fn workers<R: Send>(threads: usize, work: impl Fn() -> R + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1)).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Jobs handed out in order, each to the first worker that asks: so a
/// worker that comes free takes the next job instead of a share fixed in
/// advance by an estimate of each job's cost.
#[derive(Debug)]
pub(crate) struct Queue<T>(Mutex<std::vec::IntoIter<T>>);

impl<T> Queue<T> {
    pub(crate) fn new(jobs: Vec<T>) -> Self {
        Self(Mutex::new(jobs.into_iter()))
    }

    /// The next job left, if any.
    pub(crate) fn take(&self) -> Option<T> {
        // A worker that panicked holding the lock left the queue whole: the
        // others go on, and the panic reaches the caller at the join.
        self.0.lock().unwrap_or_else(PoisonError::into_inner).next()
    }

    /// The jobs this worker takes, until none is left.
    pub(crate) fn taken(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(|| self.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_gives_each_side_its_own_result() {
        let data = [1, 2, 3];
        let (sum, len) = both(|| data.iter().sum::<i32>(), || data.len());
        assert_eq!((sum, len), (6, 3));
    }

    #[test]
    #[should_panic(expected = "beside")]
    fn a_panic_beside_reaches_the_caller() {
        let rows = [1];
        let _ = both(
            || (),
            || {
                assert!(rows.is_empty(), "beside");
                rows.len()
            },
        );
    }

    #[test]
    fn workers_take_every_job_once_and_report_in_their_order() {
        let queue = Queue::new((0..1_000).collect());
        let sums = workers(3, || queue.taken().map(|i: u64| i).sum::<u64>());
        assert_eq!(sums.len(), 3);
        assert_eq!(sums.iter().sum::<u64>(), 999 * 1_000 / 2);
        assert!(queue.take().is_none());
    }

    #[test]
    fn no_threads_asked_is_still_one_worker() {
        let queue = Queue::new(vec![1, 2]);
        assert_eq!(workers(0, || queue.taken().count()), vec![2]);
    }
}
