//! `export-clients`: a file Excel opens, which imports back without a change.

use crate::helpers::{arg, every_backend, fixture};

#[test]
fn the_export_starts_with_a_bom_uses_semicolons_and_counts_the_clients() {
    for db in every_backend() {
        db.run(&["import-clients", arg(&fixture("messy_cp1251.csv"))])
            .ok();
        let file = db.path("clients.csv");

        let run = db.run(&["export-clients", arg(&file)]).ok();

        let expected = format!("exported 6 clients to {}", file.display());
        assert_eq!(run.stdout.trim_end(), expected, "{}", db.backend);
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with("\u{FEFF}external_id;name;company;phones;".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("\r\n1007;Соколова Мария;\"ООО \"\"Вектор\"\"\";+73432223344;"),
            "{text}"
        );
    }
}

#[test]
fn re_importing_the_export_changes_nothing() {
    for db in every_backend() {
        db.run(&["import-clients", arg(&fixture("messy_cp1251.csv"))])
            .ok();
        db.run(&["import-clients", arg(&fixture("utf8_bom_comma.csv"))])
            .ok();
        let file = db.path("clients.csv");
        db.run(&["export-clients", arg(&file)]).ok();

        let run = db.run(&["import-clients", arg(&file)]).ok();

        let detected = format!("{}: encoding UTF-8, delimiter `;`", file.display());
        assert_eq!(
            run.lines(),
            [
                detected.as_str(),
                "created 0, updated 0, unchanged 10, rejected 0"
            ],
            "{}",
            db.backend
        );
    }
}

#[test]
fn an_empty_database_exports_only_the_header() {
    let db = &every_backend()[0];
    let file = db.path("clients.csv");

    db.run(&["export-clients", arg(&file)]).ok();

    let expected = "\u{FEFF}external_id;name;company;phones;email;address;notes;tags\r\n";
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
}
