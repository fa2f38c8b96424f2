//! `import-clients`: the report, the counts, re-imports and dry runs, on every backend.

use crate::helpers::{TestDb, arg, every_backend, fixture};

const MESSY_REPORT: [&str; 8] = [
    "header: column 9 `Город` is not a known column and is ignored",
    "rejected: line 8, column Код: `1001` is a duplicate of line 2",
    "rejected: line 9: no name (the name and company cells are both empty)",
    "rejected: line 10: has 10 fields, the header has 9",
    "warning: line 6, column ФИО: is empty; the company is used as the name",
    "warning: line 6, column E-mail: `sidorov` is not an e-mail address (no `@`) and is left out",
    "warning: line 7, column Телефоны: `уточнить` is not a valid number (contains letters)",
    "created 6, updated 0, unchanged 0, rejected 3",
];

#[test]
fn the_windows_1251_file_is_imported_and_every_problem_reported_with_its_line() {
    for db in every_backend() {
        let csv = fixture("messy_cp1251.csv");

        let run = db.run(&["import-clients", arg(&csv)]).ok();

        let lines = run.lines();
        let detected = format!("{}: encoding windows-1251, delimiter `;`", csv.display());
        assert_eq!(lines[0], detected, "{}", db.backend);
        assert_eq!(lines[1..], MESSY_REPORT, "{}", db.backend);
        let export = db.export_lines();
        assert_eq!(export.len(), 1 + 6, "{}: {export:#?}", db.backend);
        assert_eq!(
            phones_of(&export, "1001"),
            "+74951234567, +79161234567, +49301234567"
        );
        assert_eq!(phones_of(&export, "1002"), "+74951234567 доб. 12");
        assert_eq!(phones_of(&export, "1004"), "+78123159883");
    }
}

#[test]
fn the_utf8_file_is_imported_and_every_problem_reported_with_its_line() {
    for db in every_backend() {
        let csv = fixture("utf8_bom_comma.csv");

        let run = db.run(&["import-clients", arg(&csv)]).ok();

        let detected = format!("{}: encoding UTF-8, delimiter `,`", csv.display());
        assert_eq!(
            run.lines(),
            [
                detected.as_str(),
                "rejected: line 7, column external_id: `A-1` is a duplicate of line 2",
                "rejected: line 8: has 3 fields, the header has 8",
                "rejected: line 9: no name (the name and company cells are both empty)",
                "warning: line 5, column phones: `unknown` is not a valid number (contains letters)",
                "created 4, updated 0, unchanged 0, rejected 3",
            ],
            "{}",
            db.backend
        );
        let export = db.export_lines();
        assert_eq!(phones_of(&export, "A-1"), "+79161234567, +74951234567");
        assert_eq!(phones_of(&export, "A-3"), "", "a client without phones");
        assert!(
            export
                .iter()
                .any(|l| l.starts_with(";John Smith;;+12125550123;"))
        );
    }
}

#[test]
fn a_second_import_of_the_same_file_changes_nothing() {
    for db in every_backend() {
        for (name, clients) in [("messy_cp1251.csv", 6), ("utf8_bom_comma.csv", 4)] {
            let csv = fixture(name);
            db.run(&["import-clients", arg(&csv)]).ok();
            let before = db.export_lines();

            let run = db.run(&["import-clients", arg(&csv)]).ok();

            let expected = format!("created 0, updated 0, unchanged {clients}, rejected 3");
            assert_eq!(run.totals(), expected, "{} {name}", db.backend);
            assert_eq!(db.export_lines(), before, "{} {name}", db.backend);
        }
    }
}

#[test]
fn a_dry_run_reports_the_same_counts_and_writes_nothing() {
    for db in every_backend() {
        let csv = fixture("messy_cp1251.csv");

        let dry = db.run(&["import-clients", arg(&csv), "--dry-run"]).ok();

        assert_eq!(dry.lines()[1..8], MESSY_REPORT[..7], "{}", db.backend);
        assert_eq!(
            dry.totals(),
            "dry run: created 6, updated 0, unchanged 0, rejected 3"
        );
        assert_eq!(
            db.export_lines().len(),
            1,
            "{}: only the header",
            db.backend
        );
        let real = db.run(&["import-clients", arg(&csv)]).ok();
        assert_eq!(
            real.totals(),
            "created 6, updated 0, unchanged 0, rejected 3"
        );
    }
}

#[test]
fn a_changed_row_updates_its_client_and_keeps_the_phones_it_had() {
    for db in every_backend() {
        db.run(&["import-clients", arg(&fixture("utf8_bom_comma.csv"))])
            .ok();
        let changed = db.path("changed.csv");
        std::fs::write(
            &changed,
            "external_id;name;phones;email;notes\n\
             A-1;Ivan Petrov;+7 903 111-22-33;;new note\n\
             ;John Smith;+1 212 555 0123;john@example.com;\n\
             ;Новый Клиент;;;\n",
        )
        .unwrap();

        let run = db.run(&["import-clients", arg(&changed)]).ok();

        assert_eq!(
            run.totals(),
            "created 1, updated 1, unchanged 1, rejected 0",
            "{}",
            db.backend
        );
        let export = db.export_lines();
        let ivan = line_of(&export, "A-1");
        assert!(
            ivan.contains(";+79161234567, +74951234567, +79031112233;"),
            "{ivan}"
        );
        assert!(
            ivan.contains("Acme Ltd") && ivan.contains("new note"),
            "{ivan}"
        );
    }
}

#[test]
fn a_row_without_external_id_that_repeats_a_client_merges_into_it() {
    for db in every_backend() {
        let csv = db.path("repeats.csv");
        let text =
            "name;phones;tags\nИван;+7 916 123 45 67;a\nИван;8 916 123-45-67, 8 495 123-45-67;b\n";
        std::fs::write(&csv, text).unwrap();

        let first = db.run(&["import-clients", arg(&csv)]).ok();
        let second = db.run(&["import-clients", arg(&csv)]).ok();

        let (backend, export) = (db.backend, db.export_lines());
        assert_eq!(
            first.totals(),
            "created 1, updated 1, unchanged 0, rejected 0",
            "{backend}"
        );
        assert_eq!(
            second.totals(),
            "created 0, updated 0, unchanged 2, rejected 0",
            "{backend}"
        );
        assert_eq!(
            export[1..],
            [";Иван;;+79161234567, +74951234567;;;;a, b"],
            "{backend}"
        );
    }
}

#[test]
fn a_row_the_database_refuses_is_reported_and_the_other_rows_are_imported() {
    for db in every_backend() {
        let csv = fixture("utf8_bom_comma.csv");
        db.run(&["import-clients", arg(&csv)]).ok();
        delete_client_with_external_id(&db, "A-2");

        let run = db.run(&["import-clients", arg(&csv)]).ok();

        assert!(
            run.lines().contains(
                &"rejected: line 3: not saved: a deleted client has the external id `A-2`"
            ),
            "{}: {run:#?}",
            db.backend
        );
        assert_eq!(
            run.totals(),
            "created 0, updated 0, unchanged 3, rejected 4",
            "{}",
            db.backend
        );
    }
}

#[test]
fn a_nul_character_rejects_its_row_alike_on_every_backend() {
    for db in every_backend() {
        let csv = db.path("nul.csv");
        std::fs::write(&csv, "name;notes\nИван;a\0b\nПётр;\n").unwrap();

        let run = db.run(&["import-clients", arg(&csv)]).ok();

        assert_eq!(
            run.lines()[1..],
            [
                "rejected: line 2: contains a NUL character, which cannot be stored",
                "created 1, updated 0, unchanged 0, rejected 1",
            ],
            "{}",
            db.backend
        );
    }
}

#[test]
fn a_file_that_cannot_be_imported_fails_with_the_reason() {
    let db = &every_backend()[0];
    let missing = db.path("missing.csv");
    let run = db.run(&["import-clients", arg(&missing)]).failed();
    assert!(run.stderr.contains("cannot open"), "{run:#?}");

    let no_name = db.path("no_name.csv");
    std::fs::write(&no_name, "id;phone\n1;+7 916 123 45 67\n").unwrap();
    let run = db.run(&["import-clients", arg(&no_name)]).failed();
    assert!(
        run.stderr.contains("the header has no name column"),
        "{run:#?}"
    );
}

#[test]
fn a_file_that_cannot_be_read_to_the_end_fails_after_importing_the_rows_before() {
    let db = &every_backend()[0];
    let csv = db.path("unclosed.csv");
    let runaway = "x".repeat(1_100_000);
    let text = format!("name;notes\nИван;\nПётр;\"{runaway}\nОлег;\n");
    std::fs::write(&csv, text).unwrap();

    let run = db.run(&["import-clients", arg(&csv)]).failed();

    assert_eq!(
        run.totals(),
        "created 1, updated 0, unchanged 0, rejected 1"
    );
    assert!(
        run.lines()[1].starts_with("rejected: line 3: a record starting here is longer than 1 MiB"),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("could not be read to the end (line 3: a record"),
        "{run:#?}"
    );
}

#[test]
fn twenty_thousand_generated_rows_are_imported_in_batches() {
    for db in every_backend() {
        let csv = db.path("big.csv");
        std::fs::write(&csv, generated_rows(20_000)).unwrap();

        let run = db.run(&["import-clients", arg(&csv)]).ok();
        let again = db.run(&["import-clients", arg(&csv), "--dry-run"]).ok();

        // Every 1,000th row has no name.
        assert_eq!(
            run.totals(),
            "created 19980, updated 0, unchanged 0, rejected 20",
            "{}",
            db.backend
        );
        assert_eq!(
            again.totals(),
            "dry run: created 0, updated 0, unchanged 19980, rejected 20"
        );
        assert_eq!(db.export_lines().len(), 1 + 19_980);
    }
}

/// `external_id;name;phones` rows with distinct mobile numbers; row `i` is on line `i + 2`.
fn generated_rows(count: u32) -> String {
    let mut text = String::from("external_id;name;phones\n");
    for i in 0..count {
        let name = if i % 1_000 == 999 {
            String::new()
        } else {
            format!("Клиент {i}")
        };
        text.push_str(&format!("E{i};{name};+7 916 {i:07}\n"));
    }
    text
}

/// The export line of the client with this external id.
fn line_of<'a>(export: &'a [String], external_id: &str) -> &'a str {
    let prefix = format!("{external_id};");
    export
        .iter()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no client {external_id} in {export:#?}"))
}

/// The phones cell (the fourth) of the client with this external id.
fn phones_of<'a>(export: &'a [String], external_id: &str) -> &'a str {
    line_of(export, external_id).split(';').nth(3).unwrap()
}

fn delete_client_with_external_id(db: &TestDb, external_id: &str) {
    crate::helpers::block_on(async {
        let mut config = orderline::config::Config::defaults();
        config.database.url.clone_from(&db.url);
        config.database.max_connections = 1;
        let pool = orderline::db::Db::connect(&config.database).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        let id = orderline::db::clients::find_by_external_id(&mut tx, external_id)
            .await
            .unwrap()
            .expect("the client exists");
        drop(tx);
        orderline::db::clients::soft_delete_client(&pool, id)
            .await
            .unwrap();
        pool.close().await;
    });
}
