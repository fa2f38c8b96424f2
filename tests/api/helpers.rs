//! `spawn_app()` and typed helpers shared by the integration tests.

#![allow(dead_code)]

use orderline::{
    app::App,
    auth::{password, token},
    config::Config,
    db::{self, Db, users::NewUser},
    domain::Role,
};
use serde_json::Value;

/// A running server with a fresh database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The server's database.
    pub db: Db,
    /// The configuration it runs with.
    pub config: Config,
    /// A client without cookies.
    pub client: reqwest::Client,
    /// An admin API token.
    pub admin_token: String,
    /// A pbx API token.
    pub pbx_token: String,
    /// The server's shared state (writer, hub, config).
    pub state: orderline::app::AppState,
    _guard: DbGuard,
}

/// The generic source every test app has: id `office`, this bearer token and HMAC key.
pub const SOURCE_TOKEN: &str = "office-token-0123456789";
/// The HMAC key of the `office` source.
pub const SOURCE_HMAC: &str = "office-hmac-secret";

fn office_source() -> orderline::config::SourceConfig {
    orderline::config::SourceConfig {
        id: "office".into(),
        format: orderline::config::SourceFormat::Generic,
        token: SOURCE_TOKEN.into(),
        hmac_secret: Some(SOURCE_HMAC.into()),
        enabled: true,
    }
}

/// Removes the test database when the test ends.
enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime; use a separate thread and runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut c)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// Which backend the suite runs on.
pub fn backend_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A fresh, migrated database URL and its guard.
async fn fresh_database() -> (String, DbGuard) {
    match backend_url() {
        Some(admin_url) => {
            use sqlx::Connection;
            let name = format!("orderline_test_{}", uuid::Uuid::new_v4().simple());
            let mut c = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL must be reachable");
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut c)
                .await
                .expect("create test database");
            let url = replace_db_name(&admin_url, &name);
            (url, DbGuard::Postgres { admin_url, name })
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            (url, DbGuard::Sqlite(dir))
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let head = base.rsplit_once('/').map_or(base, |(h, _)| h);
    match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    }
}

/// Test configuration: defaults, port 0, the given database.
pub fn test_config(db_url: &str) -> Config {
    let mut c = Config::defaults();
    c.server.listen = "127.0.0.1:0".parse().unwrap();
    c.database.url = db_url.to_owned();
    c.database.max_connections = 5;
    c.sources.push(office_source());
    c
}

/// Starts a server with a fresh database, an admin token and a pbx token.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, changing the configuration first.
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    // TEST_LOG=1 shows the servers' logs (e.g. the cause of a 500).
    if std::env::var("TEST_LOG").is_ok() {
        orderline::telemetry::init_tracing(&Config::defaults().log);
    }
    let (url, guard) = fresh_database().await;
    let mut config = test_config(&url);
    change(&mut config);
    let app = App::build(config.clone()).await.expect("app builds");
    let port = app.local_addr().port();
    let db = app.state().db.clone();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let admin_token = token::create_token(&db, "test admin", Role::Admin)
        .await
        .unwrap();
    let pbx_token = token::create_token(&db, "test pbx", Role::Pbx)
        .await
        .unwrap();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db,
        config,
        client: reqwest::Client::new(),
        admin_token,
        pbx_token,
        state,
        _guard: guard,
    }
}

impl TestApp {
    /// `address + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Adds a user with a password; returns the id.
    pub async fn add_user(
        &self,
        login: &str,
        role: Role,
        extension: Option<&str>,
        pw: &str,
    ) -> i64 {
        let hash = password::hash(pw.to_owned()).await.unwrap();
        let new = NewUser {
            login,
            display_name: login,
            role,
            extension,
            password_hash: &hash,
        };
        db::users::insert_user(&self.db, &new).await.unwrap()
    }

    /// A client that keeps cookies, logged in as `login`.
    pub async fn logged_in(&self, login: &str, pw: &str) -> reqwest::Client {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = c
            .post(self.url("/login"))
            .form(&[("login", login), ("password", pw)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "login as {login} should redirect");
        c
    }

    /// Chooses the language of a logged-in user's pages, with the form the pages offer.
    pub async fn choose_language(&self, c: &reqwest::Client, lang: &str) {
        let r = c
            .post(self.url("/desk/settings"))
            .form(&[("pop_on", "ring"), ("language", lang)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }

    /// A token of the given role.
    pub async fn token(&self, role: Role) -> String {
        token::create_token(&self.db, "test", role).await.unwrap()
    }

    /// `GET path` with a bearer token; returns status and JSON (Null if the body is not JSON).
    pub async fn get_json(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// `POST path` with a JSON body and a bearer token.
    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// `PATCH path` with a JSON body and a bearer token.
    pub async fn patch_json(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// Creates a client through the API (admin token); returns its JSON.
    pub async fn create_client(&self, body: Value) -> Value {
        let (status, json) = self
            .post_json("/api/v1/clients", &self.admin_token, &body)
            .await;
        assert_eq!(status, 201, "{json}");
        json
    }

    /// Creates a product through the API; returns its id.
    pub async fn create_product(&self, sku: &str, price_minor: i64) -> i64 {
        let body = serde_json::json!({ "sku": sku, "name": format!("Product {sku}"), "price_minor": price_minor });
        let (status, json) = self
            .post_json("/api/v1/products", &self.admin_token, &body)
            .await;
        assert_eq!(status, 201, "{json}");
        json["id"].as_i64().unwrap()
    }

    /// The lookup answer for a raw number.
    pub async fn lookup(&self, raw: &str) -> Value {
        let r = self
            .client
            .get(self.url("/api/v1/lookup"))
            .query(&[("number", raw)])
            .bearer_auth(&self.pbx_token)
            .send()
            .await
            .unwrap();
        let (status, json) = status_json(r).await;
        assert_eq!(status, 200, "{json}");
        json
    }
}

impl TestApp {
    /// Posts generic-format events to `/webhooks/office` with the bearer token.
    pub async fn post_events(&self, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url("/webhooks/office"))
            .bearer_auth(SOURCE_TOKEN)
            .json(body)
            .send()
            .await
            .unwrap();
        status_json(r).await
    }

    /// Opens an SSE stream with the given client (cookies) or token.
    pub async fn sse(
        &self,
        client: &reqwest::Client,
        token: Option<&str>,
        last_event_id: Option<&str>,
    ) -> SseStream {
        sse_url(client, self.url("/api/v1/events"), token, last_event_id).await
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    /// `id:`.
    pub id: Option<String>,
    /// `event:`.
    pub event: String,
    /// `data:` parsed as JSON.
    pub data: Value,
}

/// A reader of an SSE response.
pub struct SseStream {
    response: reqwest::Response,
    buffer: String,
    /// Whether the hub's coalesced `worklist.changed` ticks and the managers' `desk.status`
    /// notices are returned. They arrive on their own clock, so most tests, which check what
    /// comes next, skip them.
    ticks: bool,
}

impl SseStream {
    /// Returns `worklist.changed` ticks and `desk.status` notices too.
    pub fn with_ticks(mut self) -> SseStream {
        self.ticks = true;
        self
    }

    /// The next event (keep-alive comments skipped), or `None` if none arrives within `secs`
    /// seconds (a guard against hanging tests, not a performance threshold).
    pub async fn next(&mut self, secs: u64) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            if let Some(pos) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..pos + 2).collect();
                if let Some(e) = parse_block(&block)
                    && (self.ticks || (e.event != "worklist.changed" && e.event != "desk.status"))
                {
                    return Some(e);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Events until none arrives for `secs` seconds.
    pub async fn drain(&mut self, secs: u64) -> Vec<SseEvent> {
        let mut out = Vec::new();
        while let Some(e) = self.next(secs).await {
            out.push(e);
        }
        out
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, None, String::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("event:") {
            event = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        }
    }
    Some(SseEvent {
        id,
        event: event?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
    })
}

/// Status and JSON body of a response.
pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Helpers for the call-event tests (webhooks, lifecycle, live events).
impl TestApp {
    /// `POST path` with raw bytes and the given headers (no bearer unless a header says so).
    pub async fn post_raw(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let mut req = self.client.post(self.url(path));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        status_json(req.body(body).send().await.unwrap()).await
    }

    /// Posts each event of a fixture (a JSON array of generic events) as its own request, in
    /// order; every answer must be 200. Returns the answers.
    pub async fn post_each(&self, events: &[Value]) -> Vec<Value> {
        let mut answers = Vec::with_capacity(events.len());
        for e in events {
            let (status, answer) = self.post_events(e).await;
            assert_eq!(status, 200, "posting {e}: {answer}");
            answers.push(answer);
        }
        answers
    }

    /// Every call (newest first), as `GET /api/v1/calls` shows them to the admin.
    pub async fn calls(&self) -> Vec<Value> {
        let (status, page) = self.get_json("/api/v1/calls", &self.admin_token).await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().cloned().unwrap_or_default()
    }

    /// One call by the PBX's call id, with its timeline.
    pub async fn call_by_pbx_id(&self, pbx_call_id: &str) -> Value {
        let path = format!("/api/v1/calls?pbx_call_id={pbx_call_id}");
        let (status, page) = self.get_json(&path, &self.admin_token).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "one call {pbx_call_id}: {page}");
        let id = items[0]["id"].as_i64().unwrap();
        let (status, call) = self
            .get_json(&format!("/api/v1/calls/{id}"), &self.admin_token)
            .await;
        assert_eq!(status, 200, "{call}");
        call
    }

    /// Callback tasks with the given status (`open` or `closed`), newest first.
    pub async fn callbacks(&self, status: &str) -> Vec<Value> {
        let path = format!("/api/v1/callbacks?status={status}");
        let (code, page) = self.get_json(&path, &self.admin_token).await;
        assert_eq!(code, 200, "{page}");
        page["items"].as_array().cloned().unwrap_or_default()
    }
}

/// The events of a fixture file: a JSON array of generic-format events.
pub fn fixture_events(text: &str) -> Vec<Value> {
    match serde_json::from_str(text).expect("fixture is JSON") {
        Value::Array(items) => items,
        other => panic!("a fixture is an array of events, not {other}"),
    }
}

/// Opens an SSE stream on any server (`base` is `http://127.0.0.1:PORT`), e.g. a second
/// instance on the same database.
pub async fn sse_at(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    last_event_id: Option<&str>,
) -> SseStream {
    sse_url(
        client,
        format!("{base}/api/v1/events"),
        token,
        last_event_id,
    )
    .await
}

/// Opens an SSE stream at a full URL (which may carry `?last_event_id=`), with a token and a
/// `Last-Event-ID` header when given.
pub async fn sse_url(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    last_event_id: Option<&str>,
) -> SseStream {
    let mut req = client.get(&url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200, "SSE subscribe at {url}");
    SseStream {
        response: r,
        buffer: String::new(),
        ticks: false,
    }
}

/// An RFC 3339 instant in milliseconds.
pub fn ms(rfc: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc)
        .unwrap()
        .timestamp_millis()
}

/// Runs a fixture statement with integer arguments (`$1`, …) on the test database.
pub async fn exec(db: &Db, sql: &str, args: &[i64]) {
    match db {
        Db::Sqlite(p) => {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.execute(p).await.expect(sql);
        }
        Db::Postgres(p) => {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.execute(p).await.expect(sql);
        }
    }
}
