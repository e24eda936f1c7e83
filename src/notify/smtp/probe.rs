//! A TCP stream that tells whether the end of a message has left this host.
//!
//! lettre writes a message's body and its final `.` line, flushes, and only
//! then reads the relay's answer; TLS (rustls) reads nothing while writing.
//! So the first read from the socket after [`DotProbe::arm`] means every
//! byte of the message, the final dot included, was handed to the kernel:
//! from then on the relay may have taken the mail. A read that never comes
//! means the relay stalled before it could have seen the dot, and the mail
//! is certainly not delivered.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};

use lettre::transport::smtp::client::AsyncTokioStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

const IDLE: u8 = 0;
const ARMED: u8 = 1;
const DOT_SENT: u8 = 2;

/// The shared flag of one connection.
#[derive(Debug, Clone, Default)]
pub(super) struct DotProbe(Arc<AtomicU8>);

impl DotProbe {
    /// Called just before the message is written.
    pub(super) fn arm(&self) {
        self.0.store(ARMED, Ordering::SeqCst);
    }

    /// Whether the whole message, final dot included, was written out since
    /// the last [`DotProbe::arm`].
    pub(super) fn dot_sent(&self) -> bool {
        self.0.load(Ordering::SeqCst) == DOT_SENT
    }

    pub(super) fn reset(&self) {
        self.0.store(IDLE, Ordering::SeqCst);
    }
}

/// A plain TCP stream reporting its first read after arming to a [`DotProbe`].
#[derive(Debug)]
pub(super) struct ProbedStream {
    inner: TcpStream,
    probe: DotProbe,
}

impl ProbedStream {
    pub(super) fn new(inner: TcpStream, probe: DotProbe) -> ProbedStream {
        ProbedStream { inner, probe }
    }
}

impl AsyncRead for ProbedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Any read, even one that must wait, comes after the final flush.
        let _ = self
            .probe
            .0
            .compare_exchange(ARMED, DOT_SENT, Ordering::SeqCst, Ordering::SeqCst);
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ProbedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for ProbedStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }
}
