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
    _guard: DbGuard,
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
    c
}

/// Starts a server with a fresh database, an admin token and a pbx token.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, changing the configuration first.
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    let (url, guard) = fresh_database().await;
    let mut config = test_config(&url);
    change(&mut config);
    let app = App::build(config.clone()).await.expect("app builds");
    let port = app.local_addr().port();
    let db = app.state().db.clone();
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

/// Status and JSON body of a response.
pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
