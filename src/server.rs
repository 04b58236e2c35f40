//! Browser mode: the HTTP twin of the desktop shell. It serves the built UI and the same command
//! list as the desktop app (`POST /api/<command>` with a JSON body), bound to 127.0.0.1 only, and
//! refuses every request that does not carry the per-run token.
//!
//! Like the desktop app it syncs every connection in the background (unless told not to); the page
//! follows the runs through `GET /api/events`, a stream of server-sent `sync-progress` events.
//!
//! The token reaches the browser in the URL printed at start (`/?token=...`); the first request
//! with it gets an HttpOnly, SameSite=Strict cookie, so the page's own scripts and assets need not
//! carry it. Scripts may send it as `Authorization: Bearer <token>` instead.
//!
//! Beyond the token, every request must name the served loopback address and port as its `Host`
//! (a page on another site cannot reach the server through a rebound DNS name), and every command
//! must come from the app's own origin (`Origin`), or carry no `Origin` and the bearer token (a
//! script); command bodies are JSON only, so a cross-site `text/plain` form post never runs. Every
//! refusal, 413 included, answers in the one `{code, message}` shape.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde_json::Value;
use tower_http::services::{ServeDir, ServeFile};

use tokio::sync::broadcast;

use crate::api::{Session, commands};
use crate::error::{ApiError, Error, ErrorCode};
use crate::store::Store;
use crate::sync::scheduler::SchedulerOptions;

const COOKIE: &str = "mlops_portfolio_token";

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// The built UI (`ui/dist`).
    pub ui_dir: PathBuf,
    /// Sync every connection in the background, as the desktop app does.
    pub background_sync: bool,
}

struct Shared {
    session: Mutex<Session>,
    token: String,
    /// The served port: `Host` and `Origin` must name it.
    port: u16,
}

/// A bound server, not yet serving: its address and token are known.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
    pub addr: SocketAddr,
    pub token: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Server {
    /// Binds 127.0.0.1 and prepares the routes (and starts background sync, if asked).
    pub async fn bind(store: Store, options: &ServeOptions) -> crate::Result<Server> {
        let token = new_token()?;
        let session = if options.background_sync {
            Session::with_background_sync(store, &tokio::runtime::Handle::current(), SchedulerOptions::default())
        } else {
            Session::new(store)
        };
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, options.port)))
            .await
            .map_err(|e| Error::Io(format!("cannot listen on 127.0.0.1:{}: {e}", options.port)))?;
        let addr = listener.local_addr().map_err(|e| Error::Io(e.to_string()))?;
        let shared = Arc::new(Shared { session: Mutex::new(session), token: token.clone(), port: addr.port() });
        let index = options.ui_dir.join("index.html");
        let ui = ServeDir::new(&options.ui_dir).fallback(ServeFile::new(index));
        let app = Router::new()
            .route("/api/events", axum::routing::get(events))
            .route("/api/{command}", axum::routing::post(call))
            // An evidence file arrives as base64 inside its command's JSON: room for the largest
            // one kept (`api::governance::UPLOAD_LIMIT_BYTES`) and its encoding.
            .layer(axum::extract::DefaultBodyLimit::max(crate::api::governance::UPLOAD_LIMIT_BYTES / 3 * 4 + 64 * 1024))
            .fallback_service(ui)
            .layer(middleware::from_fn_with_state(shared.clone(), require_token))
            .with_state(shared);
        Ok(Server { listener, app, addr, token })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }

    /// Serves until the process is stopped (Ctrl-C).
    pub async fn serve(self) -> crate::Result<()> {
        axum::serve(self.listener, self.app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Io(format!("the server stopped: {e}")))
    }
}

fn new_token() -> crate::Result<String> {
    let mut bytes = [0u8; 24];
    OsRng.try_fill_bytes(&mut bytes).map_err(|e| Error::Internal(format!("no randomness for the token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Lets a request through only with the token (cookie, bearer header, or `?token=` on a page load,
/// which also sets the cookie), addressed to the served host and port, and — for a command — from
/// the app's own origin or a script holding the bearer token.
async fn require_token(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let from_cookie = cookie_token(headers).is_some_and(|t| constant_time_eq(t, &shared.token));
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| constant_time_eq(t, &shared.token));
    let from_query = request
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| pair.strip_prefix("token="))
        .any(|t| constant_time_eq(t, &shared.token));
    if !(from_cookie || from_header || from_query) {
        return error_response(
            StatusCode::UNAUTHORIZED,
            ApiError {
                code: ErrorCode::Auth,
                message: "this address needs the token printed by `mlops-portfolio serve`; open the URL it printed"
                    .into(),
            },
        );
    }
    let own = |host: &str| host == format!("127.0.0.1:{}", shared.port) || host == format!("localhost:{}", shared.port);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !own(host) {
        return error_response(
            StatusCode::FORBIDDEN,
            ApiError {
                code: ErrorCode::Auth,
                message: format!("this server answers only at 127.0.0.1:{}, not at `{}`", shared.port, shorten(host)),
            },
        );
    }
    if request.method() == axum::http::Method::POST {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let allowed = match origin {
            Some(origin) => origin.strip_prefix("http://").is_some_and(own),
            None => from_header,
        };
        if !allowed {
            return error_response(
                StatusCode::FORBIDDEN,
                ApiError {
                    code: ErrorCode::Auth,
                    message: match origin {
                        Some(o) => {
                            format!("commands are taken only from the app's own page, not from `{}`", shorten(o))
                        }
                        None => "a command without an Origin needs the token as `Authorization: Bearer`".into(),
                    },
                },
            );
        }
    }
    let mut response = next.run(request).await;
    if from_query && !from_cookie {
        let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", shared.token);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    response
}

/// The same policy as the desktop shell: nothing from outside, no inline scripts.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE).and_then(|rest| rest.strip_prefix('=')))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /api/<command>`: runs one command of the list on a blocking thread.
async fn call(
    State(shared): State<Arc<Shared>>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "the request is larger than the {} MB the server takes; attach evidence over {} MB as a link",
                    crate::api::governance::UPLOAD_LIMIT_BYTES / 3 * 4 / (1024 * 1024) + 1,
                    crate::api::governance::UPLOAD_LIMIT_BYTES / (1024 * 1024)
                )
            } else {
                format!("the request could not be read: {}", rejection.body_text())
            };
            return error_response(status, ApiError { code: ErrorCode::Validation, message });
        }
    };
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !body.is_empty() && !json {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError {
                code: ErrorCode::Validation,
                message: "commands take a JSON body: send Content-Type: application/json".into(),
            },
        );
    }
    let request: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    ApiError { code: ErrorCode::Validation, message: format!("the request body is not JSON: {e}") },
                );
            }
        }
    };
    let result = tokio::task::spawn_blocking(move || {
        let mut session =
            shared.session.lock().map_err(|_| Error::Internal("the portfolio lock was poisoned".into()))?;
        commands::dispatch(&mut session, &command, request)
    })
    .await
    .unwrap_or_else(|e| Err(Error::Internal(format!("the command failed: {e}"))));
    match result {
        Ok(value) => (StatusCode::OK, axum::Json(value)).into_response(),
        Err(err) => {
            let status = match err.code() {
                ErrorCode::Validation => StatusCode::BAD_REQUEST,
                ErrorCode::NotFound => StatusCode::NOT_FOUND,
                ErrorCode::Conflict => StatusCode::CONFLICT,
                ErrorCode::Auth => StatusCode::UNAUTHORIZED,
                ErrorCode::Network => StatusCode::BAD_GATEWAY,
                ErrorCode::Storage | ErrorCode::Io | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            };
            error_response(status, err.into())
        }
    }
}

/// `GET /api/events`: background sync progress as server-sent events named `sync-progress`, each
/// a [`SyncProgress`] as JSON. A listener too slow to keep up misses the oldest events, not the
/// newest; the page re-reads `connection_status` when a run finishes anyway.
async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let receiver = match shared.session.lock() {
        Ok(session) => session.subscribe(),
        Err(_) => {
            let error = ApiError { code: ErrorCode::Internal, message: "the portfolio lock was poisoned".into() };
            return error_response(StatusCode::INTERNAL_SERVER_ERROR, error);
        }
    };
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(progress) => return Some((Event::default().event("sync-progress").json_data(&progress), receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// At most 80 characters of what a request said, for messages.
fn shorten(text: &str) -> String {
    crate::domain::shorten(text, 80)
}

fn error_response(status: StatusCode, error: ApiError) -> Response {
    let body = serde_json::to_vec(&error).unwrap_or_default();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| status.into_response())
}
