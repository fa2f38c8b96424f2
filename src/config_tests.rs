//! Tests of `config.rs`.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_compiled_in_defaults_are_valid() {
    let c = Config::defaults();
    assert_eq!(c.database.url, "sqlite://data/orderline.db");
    assert_eq!(c.time_zone, chrono_tz::Europe::Moscow);
    assert!(!c.server.cookie_secure);
}

#[test]
fn environment_overrides_nested_keys_and_flags_override_environment() {
    let e = env(&[
        ("ORDERLINE__DATABASE__URL", "postgres://a@b/c"),
        ("ORDERLINE__UI__LANGUAGE", "ru"),
    ]);
    let c = Config::load_from(None, &e, &Overrides::default()).unwrap();
    assert_eq!(c.database.url, "postgres://a@b/c");
    assert_eq!(c.language, Language::Ru);
    let o = Overrides {
        database_url: Some("sqlite://x.db".into()),
        listen: Some("0.0.0.0:9".into()),
    };
    let c = Config::load_from(None, &e, &o).unwrap();
    assert_eq!(c.database.url, "sqlite://x.db");
    assert_eq!(c.server.listen.port(), 9);
}

#[test]
fn an_empty_file_is_valid_and_a_file_overrides_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    Config::load_from(Some(&empty), &[], &Overrides::default()).unwrap();
    let f = dir.path().join("c.toml");
    std::fs::write(
        &f,
        "[server]\npublic_base_url = \"https://crm.example.com/\"\n",
    )
    .unwrap();
    let c = Config::load_from(Some(&f), &[], &Overrides::default()).unwrap();
    assert!(c.server.cookie_secure);
    assert_eq!(c.server.public_base_url, "https://crm.example.com");
}

#[test]
fn invalid_settings_are_named_in_the_error() {
    for (key, value, needle) in [
        (
            "ORDERLINE__BUSINESS__TIME_ZONE",
            "Mars/Olympus",
            "business.time_zone",
        ),
        (
            "ORDERLINE__PHONE__DEFAULT_REGION",
            "XX",
            "phone.default_region",
        ),
        ("ORDERLINE__SERVER__LISTEN", "nowhere", "server.listen"),
        ("ORDERLINE__UI__LANGUAGE", "fr", "ui.language"),
        ("ORDERLINE__DATABASE__URL", "mysql://x", "database.url"),
        ("ORDERLINE__SERVER__NO_SUCH_KEY", "1", "no_such_key"),
    ] {
        let err =
            Config::load_from(None, &env(&[(key, value)]), &Overrides::default()).unwrap_err();
        assert!(format!("{err:#}").contains(needle), "{key}: {err:#}");
    }
}

#[test]
fn sources_are_read_validated_and_their_secrets_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.toml");
    let text = "[[sources]]\nid = \"office\"\nformat = \"generic\"\ntoken = \"tok-0123456789abcdef\"\nhmac_secret = \"hm-very-secret\"\n";
    std::fs::write(&f, text).unwrap();
    let c = Config::load_from(Some(&f), &[], &Overrides::default()).unwrap();
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].format, SourceFormat::Generic);
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("tok-0123456789abcdef") && !shown.contains("hm-very-secret"),
        "{shown}"
    );
    std::fs::write(
        &f,
        "[[sources]]\nid = \"a b\"\nformat = \"generic\"\ntoken = \"tok-0123456789abcdef\"\n",
    )
    .unwrap();
    let err = Config::load_from(Some(&f), &[], &Overrides::default()).unwrap_err();
    assert!(format!("{err:#}").contains("sources[0].id"), "{err:#}");
}

#[test]
fn debug_output_hides_the_database_password() {
    let o = Overrides {
        database_url: Some("postgres://orderline:s3cret@db/orderline".into()),
        listen: None,
    };
    let c = Config::load_from(None, &[], &o).unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("orderline:***@db"));
}
