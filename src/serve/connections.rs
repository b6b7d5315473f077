//! The dashboard's accept loop: how many connections it keeps, and how long it
//! waits for clients that send nothing, send half a request or stop reading.
//!
//! `axum::serve` keeps every connection for as long as the client likes, so a
//! thousand idle sockets used to exhaust the process's file descriptors. Here
//! each connection is served by hyper's HTTP/1 server with a header-read
//! timeout, closed when no byte moves for the idle timeout while no request is
//! being handled, and counted against a limit. At the limit a new connection
//! takes the place of the oldest one that has no request in progress (an idle
//! or half-sent one), so slow clients cannot lock others out; only when every
//! connection is busy with a request is the new one refused with a 503.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

/// Longest a client may take to send a request's headers, counted from the
/// connection's opening or the end of the previous answer; then the connection
/// is closed without an answer (a keep-alive connection left idle ends the same way).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a connection may go without a byte moving either way while no
/// request is being handled (a client that stops reading its answer).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections kept open at once: well below the usual limit of 1,024 open
/// files per process, which the server also needs for scenario files.
pub const MAX_CONNECTIONS: usize = 256;

/// Connections being refused at once (each gets a short 503); beyond that a
/// refused connection is closed without an answer.
const MAX_REFUSALS: usize = 32;

/// Longest spent refusing one connection.
const REFUSAL_TIME: Duration = Duration::from_secs(1);

/// Pause after the operating system refuses to accept (out of file
/// descriptors), so the loop does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The connection limits a server runs with; the shipped values are the
/// constants of this module, tests use shorter ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`IDLE_TIMEOUT`].
    pub idle_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Accepts connections on `listener` and serves `app` on each, within `limits`,
/// until `shutdown` completes; then stops accepting and returns.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let open = Arc::new(Open::default());
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let busy = Arc::new(busy_answer());
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return Ok(()),
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) if is_connection_error(&e) => continue,
            Err(_) => {
                // Out of file descriptors, most likely: wait for some to close.
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        match open.admit(limits.max_connections) {
            Some(connection) => {
                tokio::spawn(serve_connection(stream, connection, Arc::clone(&open), app.clone(), limits.clone()));
            }
            None => match Arc::clone(&refusals).try_acquire_owned() {
                Ok(permit) => {
                    let busy = Arc::clone(&busy);
                    tokio::spawn(async move {
                        let _permit = permit;
                        let _ = tokio::time::timeout(REFUSAL_TIME, refuse(stream, &busy)).await;
                    });
                }
                Err(_) => drop(stream),
            },
        }
    }
}

/// Errors of one connection, not of the listener (as hyper's own loop treats them).
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until it ends, times out or is closed to make room.
async fn serve_connection(
    stream: TcpStream,
    connection: Arc<Connection>,
    open: Arc<Open>,
    app: Router,
    limits: Limits,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Tracked { stream, connection: Arc::clone(&connection) });
    let service = Counted { app: TowerToHyperService::new(app), connection: Arc::clone(&connection) };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let served = builder.serve_connection(io, service);
    tokio::pin!(served);
    loop {
        let wait = limits.idle_timeout.saturating_sub(connection.idle_for());
        tokio::select! {
            _ = served.as_mut() => break,
            () = connection.close.notified() => break,
            () = tokio::time::sleep(wait.max(Duration::from_millis(10))) => {
                if connection.in_flight.load(Ordering::Acquire) == 0 && connection.idle_for() >= limits.idle_timeout {
                    break;
                }
            }
        }
    }
    // Dropping the connection closes the socket.
    open.remove(connection.id);
}

/// Answers a connection over the limit with a 503 and closes it, reading what
/// the client sent meanwhile so that it sees the answer rather than a reset.
async fn refuse(mut stream: TcpStream, answer: &[u8]) {
    if stream.write_all(answer).await.is_err() || stream.shutdown().await.is_err() {
        return;
    }
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
}

/// The raw 503 answer to a connection over the limit, with the documented JSON body.
fn busy_answer() -> Vec<u8> {
    let body = serde_json::json!({
        "error": "the dashboard has as many connections as it serves at once, all busy; try again in a moment"
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         retry-after: 1\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The open connections, oldest first.
#[derive(Default)]
struct Open {
    inner: Mutex<OpenInner>,
}

#[derive(Default)]
struct OpenInner {
    next_id: u64,
    connections: BTreeMap<u64, Arc<Connection>>,
}

impl Open {
    /// Registers a new connection, closing the oldest one without a request in
    /// progress if the limit is reached; `None` if every connection has one.
    fn admit(&self, max_connections: usize) -> Option<Arc<Connection>> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.connections.len() >= max_connections {
            let idle =
                inner.connections.iter().find(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0).map(|(id, _)| *id)?;
            if let Some(oldest) = inner.connections.remove(&idle) {
                oldest.close.notify_one();
            }
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let connection = Arc::new(Connection {
            id,
            opened: Instant::now(),
            last_activity_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            close: Notify::new(),
        });
        inner.connections.insert(id, Arc::clone(&connection));
        Some(connection)
    }

    fn remove(&self, id: u64) {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).connections.remove(&id);
    }
}

/// What the accept loop knows about one open connection.
struct Connection {
    id: u64,
    opened: Instant,
    /// When a byte last moved, in milliseconds since `opened`.
    last_activity_ms: AtomicU64,
    /// Requests being handled (zero or one: HTTP/1 handles them in turn).
    in_flight: AtomicUsize,
    /// Told to close, to make room for a new connection.
    close: Notify,
}

impl Connection {
    fn touch(&self) {
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_activity_ms.store(now, Ordering::Release);
    }

    fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_activity_ms.load(Ordering::Acquire));
        self.opened.elapsed().saturating_sub(last)
    }
}

/// The application, counting the requests in progress on its connection.
struct Counted {
    app: TowerToHyperService<Router>,
    connection: Arc<Connection>,
}

/// Marks a request in progress until dropped.
struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.0.touch();
    }
}

impl hyper::service::Service<hyper::Request<Incoming>> for Counted {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        self.connection.in_flight.fetch_add(1, Ordering::AcqRel);
        let in_flight = InFlight(Arc::clone(&self.connection));
        let answer = self.app.call(request);
        Box::pin(async move {
            let response = answer.await;
            drop(in_flight);
            response
        })
    }
}

/// A client socket that notes when bytes move, for the idle timeout.
struct Tracked {
    stream: TcpStream,
    connection: Arc<Connection>,
}

impl AsyncRead for Tracked {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.connection.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.connection.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.connection.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
