//! The dashboard's HTTP interface: the page, the scenario list and the simulate
//! endpoint, with the limits that keep a room's worth of clients from hurting
//! the machine.
//!
//! | route | answer |
//! |---|---|
//! | `GET /`, `/app.js`, `/style.css` | the page |
//! | `GET /api/scenarios` | the shipped scenarios, what their levers offer, the indicators |
//! | `POST /api/simulate` | `{"scenario": id, "levers": {...}}` → baseline, reform, daily backlog, what changed |
//!
//! Errors are JSON `{"error": message}` with 400 (bad request), 403 (a path
//! outside `scenarios/`), 404, 405, 413 (body over [`MAX_BODY_BYTES`]), 415 (not
//! sent as JSON, as a cross-site form would be), 421 (a host name other than the
//! server's, against DNS rebinding), 503 (busy or too slow) or 500 (a bug); an
//! error answer made without a body (by axum itself) gets one on its way out.
//! The connection limits and timeouts are in [`super::connections`].

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};

use super::ServeError;
use super::catalogue::{Catalogue, Offers, Refusal, ShippedScenario};
use super::explain;
use super::levers::{Levers, MAX_CONTRACT_STAFF};
use super::outcome::{ABANDONMENT_CAVEAT_POINTS, Outcome, SPECS, Spec};

/// Largest request body accepted, bytes (a lever request is about 300).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Longest a request may take, queueing for a simulation included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Simulations running at once (the project's machine has two cores).
pub const MAX_CONCURRENT_RUNS: usize = 2;

/// Results kept for lever positions already asked for (baselines are always kept).
pub const MAX_CACHED_RUNS: usize = 256;

/// Seed of every dashboard run: baseline and reform face the same applicants
/// (common random numbers).
pub const SEED: u64 = 1;

/// The scenario the page opens with, when shipped.
const DEFAULT_SCENARIO: &str = "small-department.ron";

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Everything the server shares between requests.
pub struct Dashboard {
    catalogue: Catalogue,
    runs: Runs,
    limiter: Arc<Semaphore>,
}

impl Dashboard {
    /// Finds and prepares the scenarios of `folder` (the repository's `scenarios/`).
    pub fn open(folder: &Path) -> Result<Dashboard, ServeError> {
        let catalogue =
            Catalogue::open(folder).map_err(|source| ServeError::Scenarios { path: folder.to_path_buf(), source })?;
        if catalogue.scenarios.is_empty() {
            return Err(ServeError::NoScenarios { path: folder.to_path_buf() });
        }
        Ok(Dashboard { catalogue, runs: Runs::default(), limiter: Arc::new(Semaphore::new(MAX_CONCURRENT_RUNS)) })
    }

    /// The scenarios offered.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Starts the default scenario's baseline in the background, so that the first
    /// page load finds it ready. Needs a Tokio runtime.
    pub fn warm_up(self: &Arc<Self>) {
        let id = if self.catalogue.find(DEFAULT_SCENARIO).is_ok() {
            DEFAULT_SCENARIO.to_string()
        } else {
            self.catalogue.scenarios.first().map(|s| s.id.clone()).unwrap_or_default()
        };
        let dashboard = Arc::clone(self);
        tokio::spawn(async move {
            if let Ok(scenario) = dashboard.catalogue.find(&id) {
                let text = Levers::baseline().scenario_text(scenario);
                let _ = dashboard.outcome(scenario, text, true).await;
            }
        });
    }

    /// The outcome of one scenario text: from the cache, or simulated on the
    /// blocking pool once a run slot is free.
    async fn outcome(&self, scenario: &ShippedScenario, text: String, keep: bool) -> Result<Arc<Outcome>, Failure> {
        let key = format!("{}\n{}", scenario.id, text);
        let cell = self.runs.cell(&key, keep);
        let path = scenario.generated_path();
        let limiter = Arc::clone(&self.limiter);
        let result = cell
            .get_or_try_init(|| async move {
                let permit = limiter.acquire_owned().await.map_err(|_| Failure::Busy)?;
                // The permit moves into the run: a run that outlives its request
                // (timeout, closed connection) still counts against the limit.
                let run = tokio::task::spawn_blocking(move || {
                    let _permit = permit;
                    simulate(&path, &text)
                });
                match run.await {
                    Ok(result) => result.map(Arc::new),
                    Err(e) => Err(Failure::Internal(format!("the simulation stopped unexpectedly: {e}"))),
                }
            })
            .await;
        match result {
            Ok(outcome) => Ok(Arc::clone(outcome)),
            Err(e) => {
                self.runs.forget(&key);
                Err(e)
            }
        }
    }
}

/// Loads a generated scenario and runs one replication of it.
fn simulate(path: &Path, text: &str) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let model = crate::scenario::load_from_str(path, text)
        .map_err(|e| Failure::BadRequest(format!("these lever positions make an invalid scenario:\n{e}")))?;
    let output = crate::runner::Runner::in_this_thread(SEED)
        .run(&Arc::new(model), 0)
        .map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(Outcome::of(&output, started.elapsed().as_secs_f64()))
}

/// Outcomes by scenario text, each computed once even when asked for by several
/// requests at the same time.
#[derive(Default)]
struct Runs {
    inner: Mutex<RunsInner>,
}

#[derive(Default)]
struct RunsInner {
    cells: HashMap<String, Arc<OnceCell<Arc<Outcome>>>>,
    /// Keys that may be evicted, oldest first.
    order: VecDeque<String>,
}

impl Runs {
    fn cell(&self, key: &str, keep: bool) -> Arc<OnceCell<Arc<Outcome>>> {
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cell) = inner.cells.get(key) {
            return Arc::clone(cell);
        }
        let cell = Arc::new(OnceCell::new());
        inner.cells.insert(key.to_string(), Arc::clone(&cell));
        if !keep {
            inner.order.push_back(key.to_string());
            while inner.order.len() > MAX_CACHED_RUNS {
                if let Some(old) = inner.order.pop_front() {
                    inner.cells.remove(&old);
                }
            }
        }
        cell
    }

    /// Drops a failed run, so that the next request tries again.
    fn forget(&self, key: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.cells.get(key).is_some_and(|c| !c.initialized()) {
            inner.cells.remove(key);
            inner.order.retain(|k| k != key);
        }
    }
}

/// What went wrong with a request.
#[derive(Debug)]
enum Failure {
    /// The request is malformed or its values out of range.
    BadRequest(String),
    /// The request names a file outside `scenarios/`.
    Forbidden(String),
    /// No such page.
    NotFound,
    /// The page exists but does not take this method (the Allow header says which do).
    MethodNotAllowed {
        /// The method asked for.
        method: Method,
        /// The page asked for.
        path: String,
    },
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge,
    /// The body is not declared as JSON.
    NotJson,
    /// The Host header names another server.
    MisdirectedHost,
    /// No run slot within the time limit, or the run took too long.
    Busy,
    /// A bug.
    Internal(String),
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Failure::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            Failure::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Failure::NotFound => (StatusCode::NOT_FOUND, "no such page".to_string()),
            Failure::MethodNotAllowed { method, path } => (
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{method} is not allowed on {}; the Allow header lists the methods that are", clip(&path)),
            ),
            Failure::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {MAX_BODY_BYTES} bytes; a lever request needs far less"),
            ),
            Failure::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the request as JSON, with the header Content-Type: application/json".to_string(),
            ),
            Failure::MisdirectedHost => (
                StatusCode::MISDIRECTED_REQUEST,
                "this dashboard answers only to the address it was started on".to_string(),
            ),
            Failure::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the simulations did not finish within {} s (too many at once?); try again",
                    REQUEST_TIMEOUT.as_secs()
                ),
            ),
            Failure::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        };
        error_response(status, message)
    }
}

/// The documented error body, `{"error": message}`, with `status`.
fn error_response(status: StatusCode, message: String) -> Response {
    (status, axum::Json(ErrorBody { error: message })).into_response()
}

/// The same answer, with the documented JSON body if it is an error that has
/// none yet (answers axum or hyper make on their own, without a message), so
/// that every error a client sees is JSON. Headers such as Allow are kept.
fn with_error_body(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let reason = status.canonical_reason().unwrap_or("error").to_ascii_lowercase();
    let json = error_response(status, reason);
    parts.headers.remove(header::CONTENT_LENGTH);
    let (json_parts, body) = json.into_parts();
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, body)
}

/// The application: routes, limits and headers. `address` is where it listens:
/// on a loopback address, requests must name it (or `localhost`) as their host.
pub fn router(dashboard: Arc<Dashboard>, address: SocketAddr) -> Router {
    let hosts = Arc::new(allowed_hosts(address));
    Router::new()
        .route("/", get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }))
        .route("/app.js", get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }))
        .route("/style.css", get(|| async { asset(STYLE_CSS, "text/css; charset=utf-8") }))
        .route("/api/scenarios", get(scenarios))
        .route("/api/simulate", post(simulate_handler))
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            Failure::MethodNotAllowed { method, path: uri.path().to_string() }
        })
        .fallback(|| async { Failure::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let hosts = Arc::clone(&hosts);
            async move { guard(&hosts, request, next).await }
        }))
        .with_state(dashboard)
}

/// Host names a loopback server answers to; `None`: any (the trainer chose to
/// listen on a network).
fn allowed_hosts(address: SocketAddr) -> Option<Vec<String>> {
    if !address.ip().is_loopback() {
        return None;
    }
    let port = address.port();
    Some(vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")])
}

/// Checks the host, bounds the time of every request and adds the headers that
/// keep the page to its own server.
async fn guard(hosts: &Option<Vec<String>>, request: Request, next: Next) -> Response {
    // A body announced as too large is refused before it is sent, not after a
    // client has trickled it in.
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok());
    if announced.and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return with_headers(Failure::TooLarge.into_response());
    }
    if let Some(hosts) = hosts {
        let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return with_headers(Failure::MisdirectedHost.into_response());
        }
    }
    let response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Failure::Busy.into_response(),
    };
    with_headers(response)
}

/// Gives errors their JSON body and adds the headers that keep the page to its
/// own server and out of caches.
fn with_headers(response: Response) -> Response {
    let mut response = with_error_body(response);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// One scenario as the page sees it.
#[derive(Serialize)]
struct ScenarioInfo<'a> {
    id: &'a str,
    name: &'a str,
    /// What the scenario menu shows: the description's first clause.
    title: String,
    description: &'a str,
    horizon_days: u32,
    warmup_days: u32,
    departments: usize,
    staff: u32,
    offers: &'a Offers,
    merger: Option<Vec<&'a str>>,
    stations: Vec<&'a str>,
    preset: Option<&'a Levers>,
    preset_left_out: &'a [String],
}

#[derive(Serialize)]
struct ScenariosBody<'a> {
    default: &'a str,
    seed: u64,
    max_contract_staff: u32,
    /// See [`ABANDONMENT_CAVEAT_POINTS`].
    abandonment_caveat_points: f64,
    indicators: &'static [Spec],
    scenarios: Vec<ScenarioInfo<'a>>,
}

async fn scenarios(State(dashboard): State<Arc<Dashboard>>) -> Response {
    let catalogue = &dashboard.catalogue;
    let default = catalogue
        .find(DEFAULT_SCENARIO)
        .map_or_else(|_| catalogue.scenarios.first().map_or("", |s| s.id.as_str()), |s| s.id.as_str());
    let body = ScenariosBody {
        default,
        seed: SEED,
        max_contract_staff: MAX_CONTRACT_STAFF,
        abandonment_caveat_points: ABANDONMENT_CAVEAT_POINTS,
        indicators: SPECS,
        scenarios: catalogue
            .scenarios
            .iter()
            .map(|s| ScenarioInfo {
                id: &s.id,
                name: &s.model.name,
                title: title(&s.model.description, &s.model.name),
                description: &s.model.description,
                horizon_days: s.horizon_days,
                warmup_days: s.warmup_days,
                departments: s.model.initial_departments,
                staff: s.model.headcount(),
                offers: &s.offers,
                merger: s.merger.as_ref().map(|groups| groups.iter().map(|g| g.into.as_str()).collect()),
                stations: s.stations.iter().map(|st| st.label.as_str()).collect(),
                preset: s.preset.as_ref(),
                preset_left_out: &s.preset_left_out,
            })
            .collect(),
    };
    axum::Json(body).into_response()
}

/// What the page sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateRequest {
    /// A scenario id from `/api/scenarios`.
    scenario: String,
    /// Lever positions (all off when left out).
    #[serde(default = "Levers::baseline")]
    levers: Levers,
}

#[derive(Serialize)]
struct SimulateBody<'a> {
    scenario: &'a str,
    horizon_days: u32,
    warmup_days: u32,
    seed: u64,
    baseline: &'a Outcome,
    reform: &'a Outcome,
    changes: Vec<String>,
    scenario_text: &'a str,
    server_seconds: f64,
}

async fn simulate_handler(
    State(dashboard): State<Arc<Dashboard>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Failure> {
    let started = Instant::now();
    // JSON only: a page elsewhere cannot send that to this server without the
    // browser asking first (CORS), and the server never says yes.
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.trim_start().to_ascii_lowercase().starts_with("application/json") {
        return Err(Failure::NotJson);
    }
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Failure::TooLarge,
        _ => Failure::BadRequest(format!("cannot read the request body: {rejection}")),
    })?;
    let request: SimulateRequest = serde_json::from_slice(&body).map_err(|e| {
        Failure::BadRequest(format!(
            "the request is not valid JSON of the form {{\"scenario\": \"small-department.ron\", \"levers\": {{...}}}}: {e}"
        ))
    })?;
    let scenario = dashboard.catalogue.find(&request.scenario).map_err(|refusal| match refusal {
        Refusal::OutsideScenarios => Failure::Forbidden(format!(
            "`{}` is not a shipped scenario: only the files listed by /api/scenarios, under scenarios/, can be run",
            clip(&request.scenario)
        )),
        Refusal::Unknown => {
            let ids: Vec<&str> = dashboard.catalogue.scenarios.iter().map(|s| s.id.as_str()).collect();
            Failure::BadRequest(format!(
                "unknown scenario `{}`; the shipped ones are: {}",
                clip(&request.scenario),
                ids.join(", ")
            ))
        }
    })?;
    request.levers.check(scenario).map_err(Failure::BadRequest)?;
    let baseline_text = Levers::baseline().scenario_text(scenario);
    let reform_text = request.levers.scenario_text(scenario);
    // Baseline and reform run side by side when neither is cached.
    let baseline = {
        let dashboard = Arc::clone(&dashboard);
        let id = scenario.id.clone();
        tokio::spawn(async move {
            let scenario = dashboard.catalogue.find(&id).map_err(|_| Failure::NotFound)?;
            dashboard.outcome(scenario, baseline_text, true).await
        })
    };
    let reform = dashboard.outcome(scenario, reform_text.clone(), false).await?;
    let baseline = baseline.await.map_err(|e| Failure::Internal(format!("the baseline run stopped: {e}")))??;
    let changes = explain::changes(&request.levers, scenario, &baseline, &reform);
    let body = SimulateBody {
        scenario: &scenario.id,
        horizon_days: scenario.horizon_days,
        warmup_days: scenario.warmup_days,
        seed: SEED,
        baseline: &baseline,
        reform: &reform,
        changes,
        scenario_text: &reform_text,
        server_seconds: started.elapsed().as_secs_f64(),
    };
    Ok(axum::Json(body).into_response())
}

/// A requested name as quoted in a message: at most 80 characters.
fn clip(name: &str) -> String {
    let mut out: String = name.chars().take(80).collect();
    if name.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// A scenario's title for the menu: its description when short, else the
/// description up to its first `:` or `;` (or `,`) when that is short enough,
/// else its first words; the scenario's name when it has no description.
fn title(description: &str, name: &str) -> String {
    const LONGEST: usize = 80;
    let description = description.trim().trim_end_matches('.');
    if description.is_empty() {
        return name.to_string();
    }
    if description.chars().count() <= LONGEST {
        return description.to_string();
    }
    for stops in [&[':', ';'][..], &[','][..]] {
        if let Some(at) = description.find(stops)
            && description[..at].chars().count() <= LONGEST
        {
            return description[..at].to_string();
        }
    }
    let mut out = String::new();
    for word in description.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > LONGEST - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out + "…"
}

#[cfg(test)]
mod title_tests {
    use super::title;

    #[test]
    fn titles_are_short_clauses_of_the_description() {
        assert_eq!(title("M/M/3: 30 arrivals an hour", "mmc"), "M/M/3: 30 arrivals an hour");
        let long =
            "A Zhejiang county of about 550,000 people in 2017: 36 narrow departments, each with its own windows.";
        assert_eq!(title(long, "x"), "A Zhejiang county of about 550,000 people in 2017");
        assert_eq!(title("", "small-department"), "small-department");
        let words = "word ".repeat(40);
        let t = title(&words, "x");
        assert!(t.ends_with('…') && t.chars().count() <= 80, "{t}");
    }
}
