//! A fake SMTP relay that misbehaves on purpose: it stalls (after the
//! greeting, after MAIL FROM, after the final dot), drips its answers one
//! byte a second, never ends its EHLO reply, or drops the connection.
//!
//! It listens on 127.0.0.1 only, on a port of its own, and is bounded in
//! time: every connection is closed after [`LIFETIME`] whatever the client
//! does, and dropping the [`Relay`] stops it within a tenth of a second.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// No connection lives longer than this, so a client that never gives up
/// cannot make a test hang past it.
pub(super) const LIFETIME: Duration = Duration::from_secs(60);

/// How the relay misbehaves. Until it does, it answers like a real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// Greets, then never answers EHLO.
    StallAfterGreeting,
    /// Answers EHLO, then never answers MAIL FROM.
    StallAfterMailFrom,
    /// Takes the whole message, then never gives the final answer.
    StallAfterDot,
    /// Every answer one byte a second.
    Drip,
    /// An EHLO reply of `250-` lines that never ends (one every 50 ms).
    EndlessEhlo,
    /// Closes the connection instead of answering MAIL FROM.
    DropAfterMailFrom,
}

/// What the relay saw, for the tests' assertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Seen {
    pub connections: usize,
    pub mail_from: usize,
    /// Messages received up to their final dot.
    pub dots: usize,
}

/// A running relay; stopped when dropped.
pub(super) struct Relay {
    pub port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Seen>>,
    accept: Option<JoinHandle<()>>,
}

impl Relay {
    pub(super) fn start(fault: Fault) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let accept = {
            let (stop, seen) = (stop.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut workers = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            seen.lock().unwrap().connections += 1;
                            let (stop, seen) = (stop.clone(), seen.clone());
                            workers.push(std::thread::spawn(move || {
                                let mut c = Conn::new(stream, stop, fault);
                                let _ = c.serve(&seen);
                            }));
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        Err(_) => break,
                    }
                }
                for w in workers {
                    let _ = w.join();
                }
            })
        };
        Relay {
            port,
            stop,
            seen,
            accept: Some(accept),
        }
    }

    pub(super) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub(super) fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

/// Why a conversation ended: the client left, the relay was stopped or the
/// connection's lifetime ran out. Never an error of the test.
struct Over;

struct Conn {
    stream: TcpStream,
    stop: Arc<AtomicBool>,
    fault: Fault,
    born: Instant,
    buf: Vec<u8>,
}

impl Conn {
    fn new(stream: TcpStream, stop: Arc<AtomicBool>, fault: Fault) -> Conn {
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Conn {
            stream,
            stop,
            fault,
            born: Instant::now(),
            buf: Vec::new(),
        }
    }

    fn alive(&self) -> Result<(), Over> {
        if self.stop.load(Ordering::SeqCst) || self.born.elapsed() > LIFETIME {
            Err(Over)
        } else {
            Ok(())
        }
    }

    /// Waits `d` in short steps, so a stop is seen at once.
    fn pause(&self, d: Duration) -> Result<(), Over> {
        let until = Instant::now() + d;
        while Instant::now() < until {
            self.alive()?;
            std::thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
        }
        Ok(())
    }

    fn say(&mut self, text: &str) -> Result<(), Over> {
        if self.fault == Fault::Drip {
            for b in text.bytes() {
                self.stream.write_all(&[b]).map_err(|_| Over)?;
                self.pause(Duration::from_secs(1))?;
            }
            return Ok(());
        }
        self.stream.write_all(text.as_bytes()).map_err(|_| Over)
    }

    /// Reads more bytes into the buffer; `Over` when the client is gone.
    fn fill(&mut self) -> Result<(), Over> {
        let mut chunk = [0u8; 4096];
        loop {
            self.alive()?;
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Over),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return Err(Over),
            }
        }
    }

    fn line(&mut self) -> Result<String, Over> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..i + 2).collect();
                return Ok(String::from_utf8_lossy(&line[..i]).into_owned());
            }
            self.fill()?;
        }
    }

    /// Reads the message up to and including its final dot line.
    fn message(&mut self) -> Result<(), Over> {
        loop {
            if self.buf.starts_with(b".\r\n") {
                self.buf.drain(..3);
                return Ok(());
            }
            if let Some(i) = self.buf.windows(5).position(|w| w == b"\r\n.\r\n") {
                self.buf.drain(..i + 5);
                return Ok(());
            }
            self.fill()?;
        }
    }

    /// Reads and ignores everything until the client gives up.
    fn stall(&mut self) -> Result<(), Over> {
        loop {
            self.buf.clear();
            self.fill()?;
        }
    }

    fn serve(&mut self, seen: &Mutex<Seen>) -> Result<(), Over> {
        self.say("220 fake.relay ESMTP\r\n")?;
        if self.fault == Fault::StallAfterGreeting {
            return self.stall();
        }
        loop {
            let line = self.line()?;
            let verb = line
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" if self.fault == Fault::EndlessEhlo => {
                    self.say("250-fake.relay\r\n")?;
                    for n in 0.. {
                        self.say(&format!("250-X-MORE-{n}\r\n"))?;
                        self.pause(Duration::from_millis(50))?;
                    }
                }
                "EHLO" | "HELO" => {
                    self.say("250-fake.relay\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n")?
                }
                "MAIL" => {
                    seen.lock().unwrap().mail_from += 1;
                    match self.fault {
                        Fault::StallAfterMailFrom => return self.stall(),
                        Fault::DropAfterMailFrom => {
                            let _ = self.stream.shutdown(std::net::Shutdown::Both);
                            return Err(Over);
                        }
                        _ => self.say("250 OK\r\n")?,
                    }
                }
                "RCPT" => self.say("250 OK\r\n")?,
                "DATA" => {
                    self.say("354 go ahead\r\n")?;
                    self.message()?;
                    seen.lock().unwrap().dots += 1;
                    if self.fault == Fault::StallAfterDot {
                        return self.stall();
                    }
                    self.say("250 queued\r\n")?;
                }
                "QUIT" => {
                    self.say("221 bye\r\n")?;
                    return Ok(());
                }
                _ => self.say("250 OK\r\n")?,
            }
        }
    }
}
