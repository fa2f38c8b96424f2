//! Killing the server with SIGKILL in the middle of a load run loses no event that was
//! answered 200: the real binary, a real kill, a restart on the same database, and a check
//! that every acknowledged event is there. SQLite by default; PostgreSQL when
//! `TEST_DATABASE_URL=postgres://…` is set.

use std::{
    collections::HashSet,
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

const TOKEN: &str = "durability-token-0123456789";
const BIN: &str = env!("CARGO_BIN_EXE_orderline");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    base: String,
}

fn start(dir: &std::path::Path, db_url: &str) -> Server {
    let port = free_port();
    let config = dir.join("orderline.toml");
    std::fs::write(
        &config,
        format!("[[sources]]\nid = \"pbx\"\nformat = \"generic\"\ntoken = \"{TOKEN}\"\n\n[log]\nlevel = \"warn\"\n"),
    )
    .unwrap();
    let child = Command::new(BIN)
        .args([
            "--config",
            config.to_str().unwrap(),
            "--database-url",
            db_url,
            "serve",
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the orderline binary starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// Waits until the server answers /healthz (a separate process: polling is the only way).
async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

fn admin_token(db_url: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "--database-url",
            db_url,
            "token",
            "create",
            "--name",
            "check",
            "--role",
            "admin",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn database_url(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin) => {
            use sqlx::Connection;
            let name = format!("orderline_test_{}", uuid::Uuid::new_v4().simple());
            let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut c)
                .await
                .unwrap();
            let head = admin.split('?').next().unwrap();
            let head = head.rsplit_once('/').unwrap().0;
            (format!("{head}/{name}"), Some((admin, name)))
        }
        None => (
            format!("sqlite://{}", dir.join("orderline.db").display()),
            None,
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_load_run_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let (db_url, pg) = database_url(dir.path()).await;
    let token = admin_token(&db_url);
    let mut server = start(dir.path(), &db_url);
    let client = reqwest::Client::new();
    wait_ready(&client, &server.base).await;

    // Eight workers post one-event calls as fast as they can; each remembers what got a 200.
    let acked = Arc::new(Mutex::new(HashSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..8 {
        let (client, base, acked, stop) = (
            client.clone(),
            server.base.clone(),
            acked.clone(),
            stop.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("k-{w}-{i}");
                i += 1;
                let body = serde_json::json!({"call_id": id, "type": "ringing", "from": "+74951234567", "extensions": ["101"]});
                let r = client.post(format!("{base}/webhooks/pbx")).bearer_auth(TOKEN).json(&body).send().await;
                match r {
                    Ok(r) if r.status() == 200 => {
                        acked.lock().unwrap().insert(id);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        }));
    }
    // Kill in the middle of the run, once a few hundred events were acknowledged.
    while acked.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    let mut server = start(dir.path(), &db_url);
    wait_ready(&client, &server.base).await;
    let stored = stored_call_ids(&client, &server.base, &token).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    if let Some((admin, name)) = pg {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut c)
            .await;
    }
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(acked.len() >= 300);
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged events lost: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
}

async fn stored_call_ids(client: &reqwest::Client, base: &str, token: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/calls?limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: serde_json::Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for c in page["items"].as_array().unwrap() {
            ids.insert(c["pbx_call_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
}
