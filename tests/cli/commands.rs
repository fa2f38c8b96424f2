//! `migrate`, `token create`, `user add`, configuration errors and `backup`.

use crate::helpers::{arg, every_backend, fixture, orderline, sqlite};

#[test]
fn migrate_creates_the_database_file_in_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not/yet/there/orderline.db");
    let url = format!("sqlite://{}", file.display());

    let run = orderline(&["--database-url", &url, "migrate"])
        .output()
        .ok();

    assert!(file.is_file(), "{run:#?}");
    assert!(run.stderr.contains("migrations applied"), "{run:#?}");
}

#[test]
fn token_create_prints_only_the_token_on_stdout() {
    for db in every_backend() {
        let run = db
            .run(&["token", "create", "--name", "pbx", "--role", "pbx"])
            .ok();

        let lines = run.lines();
        assert_eq!(lines.len(), 1, "{}: {run:#?}", db.backend);
        assert!(lines[0].starts_with("olt_"), "{}: {run:#?}", db.backend);
        assert!(lines[0].len() > 40, "{run:#?}");
    }
}

#[test]
fn token_create_with_an_unknown_role_fails_with_a_clear_message() {
    let db = sqlite();

    let run = db
        .run(&["token", "create", "--name", "x", "--role", "operator"])
        .failed();

    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains("--role must be pbx, manager or admin"),
        "{run:#?}"
    );
}

#[test]
fn user_add_reads_the_password_as_one_line_from_stdin() {
    let db = sqlite();
    let args = [
        "user",
        "add",
        "alice",
        "--role",
        "operator",
        "--extension",
        "101",
    ];

    let run = db_with_stdin(&db.url, &args, "correct horse 1\r\nsecond line\n").ok();

    assert!(run.stderr.contains("user alice added"), "{run:#?}");
    let hash = stored_password_hash(&db.path("x.db"), "alice");
    assert!(
        verify("correct horse 1", &hash),
        "the first line, without its CRLF"
    );
    assert!(!verify("correct horse 1\r\nsecond line", &hash));
}

#[test]
fn user_add_with_a_taken_login_fails_clearly() {
    for db in every_backend() {
        let add = |extension: &str| {
            let args = [
                "user",
                "add",
                "alice",
                "--role",
                "operator",
                "--extension",
                extension,
            ];
            db_with_stdin(&db.url, &args, "long enough password\n")
        };
        add("101").ok();

        let run = add("102").failed();

        assert!(
            run.stderr.contains("a user with this login already exists"),
            "{}: {run:#?}",
            db.backend
        );
    }
}

#[test]
fn an_invalid_time_zone_stops_with_a_message_naming_the_setting() {
    let db = sqlite();

    let run = orderline(&["--database-url", &db.url, "migrate"])
        .env("ORDERLINE__BUSINESS__TIME_ZONE", "Mars/X")
        .output()
        .failed();

    assert!(run.stderr.contains("business.time_zone"), "{run:#?}");
    assert!(run.stderr.contains("Mars/X"), "{run:#?}");
    assert!(
        !db.path("x.db").exists(),
        "nothing is touched before the check"
    );
}

#[test]
fn an_empty_config_file_is_valid() {
    let db = sqlite();
    let config = db.path("empty.toml");
    std::fs::write(&config, "").unwrap();

    orderline(&[
        "--config",
        arg(&config),
        "--database-url",
        &db.url,
        "migrate",
    ])
    .output()
    .ok();

    assert!(db.path("x.db").is_file());
}

#[test]
fn backup_writes_an_sqlite_file_that_opens_and_holds_the_clients() {
    let db = sqlite();
    let csv = fixture("messy_cp1251.csv");
    db.run(&["import-clients", arg(&csv)]).ok();
    let backup = db.path("backup.db");

    let run = db.run(&["backup", arg(&backup)]).ok();

    assert!(run.stderr.contains("backup written"), "{run:#?}");
    let count: i64 = crate::helpers::block_on(async {
        use sqlx::{ConnectOptions, sqlite::SqliteConnectOptions};
        let mut c = SqliteConnectOptions::new()
            .filename(&backup)
            .read_only(true)
            .connect()
            .await
            .expect("the backup opens as SQLite");
        sqlx::query_scalar("SELECT COUNT(*) FROM clients")
            .fetch_one(&mut c)
            .await
            .unwrap()
    });
    assert_eq!(count, 6);
}

fn db_with_stdin(url: &str, args: &[&str], stdin: &str) -> crate::helpers::Run {
    let mut full = vec!["--database-url", url];
    full.extend_from_slice(args);
    full.push("--password-stdin");
    orderline(&full).stdin(stdin).output()
}

fn stored_password_hash(file: &std::path::Path, login: &str) -> String {
    crate::helpers::block_on(async {
        use sqlx::{ConnectOptions, sqlite::SqliteConnectOptions};
        let mut c = SqliteConnectOptions::new()
            .filename(file)
            .connect()
            .await
            .unwrap();
        sqlx::query_scalar("SELECT password_hash FROM users WHERE login = $1")
            .bind(login)
            .fetch_one(&mut c)
            .await
            .unwrap()
    })
}

fn verify(password: &str, hash: &str) -> bool {
    crate::helpers::block_on(orderline::auth::password::verify(
        password.to_owned(),
        hash.to_owned(),
    ))
}
