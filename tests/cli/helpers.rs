//! Running the `orderline` binary, and the fresh databases it runs against.

#![allow(dead_code)]

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// A fresh database; removed when dropped.
pub struct TestDb {
    /// What `--database-url` gets.
    pub url: String,
    /// `sqlite` or `postgres`, for assertion messages.
    pub backend: &'static str,
    /// A folder for the test's files (CSV files, exports, backups).
    pub dir: tempfile::TempDir,
    postgres: Option<PgDatabase>,
}

impl TestDb {
    /// A path in the test's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `orderline --database-url URL ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut full = vec!["--database-url", self.url.as_str()];
        full.extend_from_slice(args);
        orderline(&full).output()
    }

    /// The lines of an `export-clients` file (header first; a cell may hold a bare `\n`).
    pub fn export_lines(&self) -> Vec<String> {
        let file = self.path("export.csv");
        self.run(&["export-clients", arg(&file)]).ok();
        let text = String::from_utf8(std::fs::read(&file).expect("the export")).expect("UTF-8");
        text.split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// A fresh SQLite database in a new temporary folder (the file is created by the binary).
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    TestDb {
        url,
        backend: "sqlite",
        dir,
        postgres: None,
    }
}

/// SQLite, and a fresh PostgreSQL database when `TEST_DATABASE_URL` names a server.
pub fn every_backend() -> Vec<TestDb> {
    let mut dbs = vec![sqlite()];
    if let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        dbs.push(postgres(admin_url));
    }
    dbs
}

fn postgres(admin_url: String) -> TestDb {
    let name = format!("orderline_cli_{}", uuid::Uuid::new_v4().simple());
    admin_sql(&admin_url, &format!("CREATE DATABASE \"{name}\""));
    TestDb {
        url: replace_db_name(&admin_url, &name),
        backend: "postgres",
        dir: tempfile::tempdir().expect("temp dir"),
        postgres: Some(PgDatabase { admin_url, name }),
    }
}

/// A PostgreSQL test database, dropped (with its connections) when the test ends.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        admin_sql(&self.admin_url, &sql);
    }
}

/// Runs one statement on the PostgreSQL server (the tests themselves are synchronous).
fn admin_sql(admin_url: &str, sql: &str) {
    use sqlx::Connection;
    block_on(async {
        let mut c = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("TEST_DATABASE_URL must be reachable");
        sqlx::query(sql).execute(&mut c).await.expect(sql);
    });
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

/// Runs a future to completion on a small runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A command line for the binary, not yet run.
pub struct Invocation {
    command: Command,
    stdin: Option<String>,
}

/// `orderline ARGS…`, with no `ORDERLINE__*` variables from the caller's environment.
pub fn orderline(args: &[&str]) -> Invocation {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orderline"));
    command.args(args);
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("ORDERLINE__")) {
        command.env_remove(key);
    }
    Invocation {
        command,
        stdin: None,
    }
}

impl Invocation {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// Text for standard input (otherwise it is empty).
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Runs the binary to its end.
    pub fn output(mut self) -> Run {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the orderline binary starts");
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(stdin);
        let out = child.wait_with_output().expect("the binary ends");
        Run {
            success: out.status.success(),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// What a run printed, and whether it succeeded.
#[derive(Debug)]
pub struct Run {
    /// Exit status 0.
    pub success: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error (logs, messages).
    pub stderr: String,
}

impl Run {
    /// Panics with both outputs unless the run succeeded.
    pub fn ok(self) -> Self {
        assert!(self.success, "the command failed: {self:#?}");
        self
    }

    /// Panics with both outputs unless the run failed.
    pub fn failed(self) -> Self {
        assert!(!self.success, "the command succeeded: {self:#?}");
        self
    }

    /// The lines of standard output.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The last line of standard output: an import's totals.
    pub fn totals(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

/// A fixture file under `tests/fixtures/import`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
