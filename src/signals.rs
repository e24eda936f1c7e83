//! SIGTERM and SIGINT, which both the daemon (stop after the run in
//! flight) and a night's mail (stop sending after the mail in flight) wait
//! for: shared below the stages so neither reaches into the other.

use tracing::info;

/// Resolves on the first SIGTERM or SIGINT. Registered when called, so call
/// it before any run starts: a signal during catch-up is then a stop request,
/// not the end of the process.
#[cfg(unix)]
pub(crate) fn stop_signals() -> std::io::Result<impl Future<Output = ()> + Send> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        info!(signal = name, "signal received");
    })
}

/// Resolves on Ctrl-C where Unix signals do not exist.
#[cfg(not(unix))]
pub fn stop_signals() -> std::io::Result<impl Future<Output = ()> + Send> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        info!(signal = "ctrl-c", "signal received");
    })
}
