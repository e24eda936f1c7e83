//! The daemon's gate: runs enter while it is open; once closed (a stop
//! signal), nothing new enters and the daemon waits for those inside.
//!
//! A watch channel holds the state so "is it open?" and "one more inside"
//! change together, and waiting for "nobody inside" needs no polling.

use tokio::sync::watch;

#[derive(Debug, Clone, Copy, Default)]
struct Inside {
    closed: bool,
    running: usize,
    /// Runs started through the gate since the daemon began.
    started: usize,
}

/// Shared by the daemon and every firing.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    tx: std::sync::Arc<watch::Sender<Inside>>,
}

/// Held by a run while it lasts; dropping it lets the gate know it ended.
#[derive(Debug)]
pub(crate) struct Ticket {
    tx: std::sync::Arc<watch::Sender<Inside>>,
}

impl Default for Gate {
    fn default() -> Self {
        Self::new()
    }
}

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate {
            tx: std::sync::Arc::new(watch::Sender::new(Inside::default())),
        }
    }

    /// A ticket if the gate is still open.
    pub(crate) fn enter(&self) -> Option<Ticket> {
        let mut admitted = false;
        self.tx.send_modify(|s| {
            if !s.closed {
                s.running += 1;
                s.started += 1;
                admitted = true;
            }
        });
        admitted.then(|| Ticket {
            tx: std::sync::Arc::clone(&self.tx),
        })
    }

    /// No new run from now on.
    pub(crate) fn close(&self) {
        self.tx.send_modify(|s| s.closed = true);
    }

    /// Runs in progress.
    pub(crate) fn running(&self) -> usize {
        self.tx.borrow().running
    }

    /// Runs admitted since the start.
    pub(crate) fn started(&self) -> usize {
        self.tx.borrow().started
    }

    /// Resolves once the gate is closed (at once if it is already).
    pub(crate) async fn closed(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|s| s.closed).await;
    }

    /// Waits until no run is inside.
    pub(crate) async fn wait_idle(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|s| s.running == 0).await;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.tx
            .send_modify(|s| s.running = s.running.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn closing_refuses_new_runs_and_waits_for_the_running_one() {
        let gate = Gate::new();
        let ticket = gate.enter().unwrap();
        gate.close();
        assert!(gate.enter().is_none());
        assert_eq!(gate.running(), 1);
        let waiter = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.wait_idle().await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiter.is_finished());
        drop(ticket);
        tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(gate.running(), 0);
        assert_eq!(gate.started(), 1);
    }
}
