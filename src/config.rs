//! Layered configuration: compiled-in defaults (`config/default.toml`) → `--config` file →
//! `ORDERLINE__SECTION__KEY` environment variables → command-line flags.
//!
//! Everything is validated once, at start-up, into typed values; an invalid setting stops the
//! program with a message that names it. Tests build a `Config` from the defaults and change
//! fields directly.

use std::{fmt, net::SocketAddr, path::Path, str::FromStr};

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;

use crate::domain::PhoneRegion;

pub mod admin;
pub mod workspace;

/// The defaults, the same text as `config/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// The whole validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `[server]`.
    pub server: ServerConfig,
    /// `[database]`.
    pub database: DatabaseConfig,
    /// `[phone]` default region.
    pub default_region: PhoneRegion,
    /// `[business]` time zone.
    pub time_zone: chrono_tz::Tz,
    /// `[business]` currency (ISO 4217).
    pub currency: String,
    /// `[ui]` default language.
    pub language: Language,
    /// `[auth]`.
    pub auth: AuthConfig,
    /// `[log]`.
    pub log: LogConfig,
    /// `[calls]`.
    pub calls: CallsConfig,
    /// `[workspace]`.
    pub workspace: workspace::WorkspaceConfig,
    /// `[reports]`.
    pub reports: ReportsConfig,
    /// `[privacy]`: roles that see full phone numbers.
    pub full_numbers_roles: Vec<crate::domain::Role>,
    /// `[privacy]`: roles whose CSV exports carry full phone numbers (default: the roles with
    /// `Permission::ExportFullNumbers`).
    pub export_full_numbers_roles: Vec<crate::domain::Role>,
    /// `[[sources]]`: the PBXs that post events.
    pub sources: Vec<SourceConfig>,
    /// `[aggregates]`, `[retention]`, `[secrets]` (administration; src/config/admin.rs).
    pub aggregates: admin::AggregatesConfig,
    /// `[retention]`.
    pub retention: admin::RetentionConfig,
    /// `[secrets]`.
    pub secrets: admin::SecretsConfig,
}

/// `[calls]` settings.
#[derive(Clone, Debug)]
pub struct CallsConfig {
    /// Ringing calls without news for this long are closed (ms).
    pub ring_timeout_ms: i64,
    /// Answered calls without news for this long are closed (ms).
    pub answered_timeout_ms: i64,
    /// Missed calls shorter than this are short abandons (seconds).
    pub short_abandon_seconds: i64,
    /// Whether short abandons create callback tasks.
    pub short_abandons_create_callbacks: bool,
}

/// `[reports]` settings: the thresholds of the KPIs and the client segmentation.
#[derive(Clone, Debug)]
pub struct ReportsConfig {
    /// T of the service level: answered calls that waited at most this long count as answered
    /// in time (seconds).
    pub service_level_seconds: i64,
    /// The RFM / ABC scoring period, in months back from now.
    pub rfm_months: u32,
    /// How often the segmentation is recomputed in the background (minutes).
    pub segments_refresh_minutes: u64,
}

/// The wire format a source posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// orderline's own JSON.
    Generic,
    /// Zammad Generic CTI (form or JSON).
    Zammad,
    /// Raw SIP messages (`message/sip`).
    Sip,
}

impl SourceFormat {
    /// Parses the configured name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "generic" => Some(SourceFormat::Generic),
            "zammad" => Some(SourceFormat::Zammad),
            "sip" => Some(SourceFormat::Sip),
            _ => None,
        }
    }
}

/// One PBX source. Secrets are `SecretString`: `Debug` prints `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct SourceConfig {
    /// The id in the URL.
    pub id: String,
    /// Its format.
    pub format: SourceFormat,
    /// Bearer token (or URL token for zammad).
    pub token: secrecy::SecretString,
    /// HMAC key for `X-Orderline-Signature` (generic only).
    pub hmac_secret: Option<secrecy::SecretString>,
    /// Disabled sources answer 404.
    pub enabled: bool,
}

/// `[server]` settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The public base URL, without a trailing slash.
    pub public_base_url: String,
    /// Whether cookies get the Secure flag (the base URL is https).
    pub cookie_secure: bool,
    /// JSON API body limit in bytes.
    pub api_body_limit_bytes: usize,
    /// Webhook body limit in bytes.
    pub webhook_body_limit_bytes: usize,
}

/// `[database]` settings.
#[derive(Clone)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; may hold a password, so `Debug` hides it.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// SQLite `synchronous=FULL` instead of NORMAL.
    pub sqlite_synchronous_full: bool,
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("sqlite_synchronous_full", &self.sqlite_synchronous_full)
            .finish()
    }
}

/// `[auth]` settings.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// Session lifetime without activity.
    pub session_idle_hours: u32,
    /// Failed logins per minute per address and per login.
    pub login_attempts_per_minute: u32,
}

/// `[log]` settings.
#[derive(Clone, Debug)]
pub struct LogConfig {
    /// JSON lines instead of human-readable output.
    pub json: bool,
    /// The tracing filter directive.
    pub level: String,
}

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// English.
    En,
    /// Russian.
    Ru,
}

impl Language {
    /// Parses `en` / `ru`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }
}

/// Values given on the command line; they win over every other layer.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--database-url`.
    pub database_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    server: RawServer,
    database: RawDatabase,
    phone: RawPhone,
    business: RawBusiness,
    ui: RawUi,
    auth: RawAuth,
    log: RawLog,
    calls: RawCalls,
    workspace: workspace::RawWorkspace,
    reports: RawReports,
    privacy: RawPrivacy,
    #[serde(default)]
    sources: Vec<RawSource>,
    aggregates: admin::RawAggregates,
    retention: admin::RawRetention,
    secrets: admin::RawSecrets,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalls {
    ring_timeout_minutes: i64,
    answered_timeout_hours: i64,
    short_abandon_seconds: i64,
    short_abandons_create_callbacks: bool,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReports {
    service_level_seconds: i64,
    rfm_months: u32,
    segments_refresh_minutes: u64,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    full_numbers_roles: Vec<String>,
    #[serde(default)]
    export_full_numbers_roles: Option<Vec<String>>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    format: String,
    token: String,
    hmac_secret: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}
fn enabled_by_default() -> bool {
    true
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: String,
    public_base_url: String,
    api_body_limit_bytes: usize,
    webhook_body_limit_bytes: usize,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
    max_connections: u32,
    sqlite_synchronous: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhone {
    default_region: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBusiness {
    time_zone: String,
    currency: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    language: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    session_idle_hours: u32,
    login_attempts_per_minute: u32,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: String,
    level: String,
}

impl Config {
    /// Loads all layers: defaults, the optional file, the process environment, then `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file, &env, overrides)
    }

    /// The compiled-in defaults alone (what tests start from).
    pub fn defaults() -> Config {
        Self::load_from(None, &[], &Overrides::default())
            .expect("the compiled-in defaults are valid")
    }

    /// Loads with an explicit environment (so tests need not touch the process environment).
    pub fn load_from(
        file: Option<&Path>,
        env: &[(String, String)],
        overrides: &Overrides,
    ) -> anyhow::Result<Config> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the configuration file {}", path.display())
            })?;
            builder = builder.add_source(config::File::from_str(&text, config::FileFormat::Toml));
        }
        let env_map: config::Map<String, String> = env
            .iter()
            .filter(|(k, _)| k.starts_with("ORDERLINE__"))
            .cloned()
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("ORDERLINE")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(env_map)),
        );
        if let Some(listen) = &overrides.listen {
            builder = builder.set_override("server.listen", listen.as_str())?;
        }
        if let Some(url) = &overrides.database_url {
            builder = builder.set_override("database.url", url.as_str())?;
        }
        let raw: Raw = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| anyhow!("invalid configuration: {e}"))?;
        Self::validate(raw)
    }

    fn validate(raw: Raw) -> anyhow::Result<Config> {
        let listen = SocketAddr::from_str(&raw.server.listen).map_err(|e| {
            anyhow!(
                "invalid setting server.listen = {:?}: {e}",
                raw.server.listen
            )
        })?;
        let base = raw.server.public_base_url.trim_end_matches('/').to_owned();
        let cookie_secure = match base.split_once("://") {
            Some(("https", rest)) if !rest.is_empty() => true,
            Some(("http", rest)) if !rest.is_empty() => false,
            _ => bail!(
                "invalid setting server.public_base_url = {base:?}: expected an http:// or https:// URL"
            ),
        };
        let db_url = raw.database.url.trim().to_owned();
        if !(db_url.starts_with("sqlite:")
            || db_url.starts_with("postgres://")
            || db_url.starts_with("postgresql://"))
        {
            bail!(
                "invalid setting database.url: expected sqlite://PATH or postgres://…, got {}",
                redact_url(&db_url)
            );
        }
        if raw.database.max_connections < 2 {
            bail!(
                "invalid setting database.max_connections = {}: at least 2",
                raw.database.max_connections
            );
        }
        let sqlite_synchronous_full = match raw.database.sqlite_synchronous.as_str() {
            "normal" => false,
            "full" => true,
            other => bail!(
                "invalid setting database.sqlite_synchronous = {other:?}: expected \"normal\" or \"full\""
            ),
        };
        let default_region = PhoneRegion::parse(&raw.phone.default_region)
            .map_err(|e| anyhow!("invalid setting phone.default_region: {e}"))?;
        let time_zone = chrono_tz::Tz::from_str(&raw.business.time_zone).map_err(|_| {
            anyhow!(
                "invalid setting business.time_zone = {:?}: not an IANA time zone name",
                raw.business.time_zone
            )
        })?;
        let currency = raw.business.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            bail!(
                "invalid setting business.currency = {:?}: expected a three-letter ISO 4217 code",
                raw.business.currency
            );
        }
        let language = Language::parse(&raw.ui.language).ok_or_else(|| {
            anyhow!(
                "invalid setting ui.language = {:?}: expected \"en\" or \"ru\"",
                raw.ui.language
            )
        })?;
        let json = match raw.log.format.as_str() {
            "pretty" => false,
            "json" => true,
            other => {
                bail!("invalid setting log.format = {other:?}: expected \"pretty\" or \"json\"")
            }
        };
        tracing_subscriber::EnvFilter::try_new(&raw.log.level)
            .map_err(|e| anyhow!("invalid setting log.level = {:?}: {e}", raw.log.level))?;
        for (name, v) in [
            (
                "server.api_body_limit_bytes",
                raw.server.api_body_limit_bytes,
            ),
            (
                "server.webhook_body_limit_bytes",
                raw.server.webhook_body_limit_bytes,
            ),
        ] {
            if v < 1024 {
                bail!("invalid setting {name} = {v}: at least 1024");
            }
        }
        if raw.auth.session_idle_hours == 0 || raw.auth.login_attempts_per_minute == 0 {
            bail!(
                "invalid setting in [auth]: session_idle_hours and login_attempts_per_minute must be at least 1"
            );
        }
        let calls = validate_calls(&raw.calls)?;
        let reports = validate_reports(&raw.reports)?;
        let full_numbers_roles = raw
            .privacy
            .full_numbers_roles
            .iter()
            .map(|r| {
                crate::domain::Role::parse(r).ok_or_else(|| {
                    anyhow!("invalid setting privacy.full_numbers_roles: unknown role {r:?}")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let export_full_numbers_roles = export_roles(raw.privacy.export_full_numbers_roles)?;
        let sources = validate_sources(raw.sources)?;
        Ok(Config {
            calls,
            workspace: raw.workspace.validate()?,
            reports,
            full_numbers_roles,
            export_full_numbers_roles,
            sources,
            aggregates: raw.aggregates.validate()?,
            retention: raw.retention.validate()?,
            secrets: raw.secrets.validate()?,
            server: ServerConfig {
                listen,
                public_base_url: base,
                cookie_secure,
                api_body_limit_bytes: raw.server.api_body_limit_bytes,
                webhook_body_limit_bytes: raw.server.webhook_body_limit_bytes,
            },
            database: DatabaseConfig {
                url: db_url,
                max_connections: raw.database.max_connections,
                sqlite_synchronous_full,
            },
            default_region,
            time_zone,
            currency,
            language,
            auth: AuthConfig {
                session_idle_hours: raw.auth.session_idle_hours,
                login_attempts_per_minute: raw.auth.login_attempts_per_minute,
            },
            log: LogConfig {
                json,
                level: raw.log.level,
            },
        })
    }
}

fn validate_calls(c: &RawCalls) -> anyhow::Result<CallsConfig> {
    if !(1..=1440).contains(&c.ring_timeout_minutes) {
        bail!(
            "invalid setting calls.ring_timeout_minutes = {}: 1 to 1440",
            c.ring_timeout_minutes
        );
    }
    if !(1..=72).contains(&c.answered_timeout_hours) {
        bail!(
            "invalid setting calls.answered_timeout_hours = {}: 1 to 72",
            c.answered_timeout_hours
        );
    }
    if !(0..=60).contains(&c.short_abandon_seconds) {
        bail!(
            "invalid setting calls.short_abandon_seconds = {}: 0 to 60",
            c.short_abandon_seconds
        );
    }
    Ok(CallsConfig {
        ring_timeout_ms: c.ring_timeout_minutes * 60_000,
        answered_timeout_ms: c.answered_timeout_hours * 3_600_000,
        short_abandon_seconds: c.short_abandon_seconds,
        short_abandons_create_callbacks: c.short_abandons_create_callbacks,
    })
}

fn validate_reports(r: &RawReports) -> anyhow::Result<ReportsConfig> {
    if !(1..=3600).contains(&r.service_level_seconds) {
        bail!(
            "invalid setting reports.service_level_seconds = {}: 1 to 3600",
            r.service_level_seconds
        );
    }
    if !(1..=120).contains(&r.rfm_months) {
        bail!(
            "invalid setting reports.rfm_months = {}: 1 to 120",
            r.rfm_months
        );
    }
    if !(1..=1440).contains(&r.segments_refresh_minutes) {
        bail!(
            "invalid setting reports.segments_refresh_minutes = {}: 1 to 1440",
            r.segments_refresh_minutes
        );
    }
    Ok(ReportsConfig {
        service_level_seconds: r.service_level_seconds,
        rfm_months: r.rfm_months,
        segments_refresh_minutes: r.segments_refresh_minutes,
    })
}

fn validate_sources(raw: Vec<RawSource>) -> anyhow::Result<Vec<SourceConfig>> {
    let mut out: Vec<SourceConfig> = Vec::new();
    for (i, s) in raw.into_iter().enumerate() {
        let at = format!("sources[{i}]");
        let id_ok = (1..=64).contains(&s.id.len())
            && s.id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            bail!(
                "invalid setting {at}.id = {:?}: 1–64 letters, digits, - or _",
                s.id
            );
        }
        if out.iter().any(|o| o.id == s.id) {
            bail!("invalid setting {at}.id: the id {:?} is used twice", s.id);
        }
        let format = SourceFormat::parse(&s.format).ok_or_else(|| {
            anyhow!(
                "invalid setting {at}.format = {:?}: expected generic, zammad or sip",
                s.format
            )
        })?;
        if s.token.len() < 16 {
            bail!("invalid setting {at}.token: at least 16 characters");
        }
        if s.hmac_secret.is_some() && format != SourceFormat::Generic {
            bail!("invalid setting {at}.hmac_secret: only the generic format signs requests");
        }
        out.push(SourceConfig {
            id: s.id,
            format,
            token: s.token.into(),
            hmac_secret: s.hmac_secret.map(Into::into),
            enabled: s.enabled,
        });
    }
    Ok(out)
}

/// Hides the password of a database URL (`postgres://user:***@host/db`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                url.to_owned()
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

/// `privacy.export_full_numbers_roles`, or the roles that have the permission by default.
fn export_roles(raw: Option<Vec<String>>) -> anyhow::Result<Vec<crate::domain::Role>> {
    use crate::domain::{Role, role::Permission};
    let Some(names) = raw else {
        return Ok([Role::Operator, Role::Manager, Role::Admin]
            .into_iter()
            .filter(|r| r.can(Permission::ExportFullNumbers))
            .collect());
    };
    names
        .iter()
        .map(|r| {
            Role::parse(r).ok_or_else(|| {
                anyhow!("invalid setting privacy.export_full_numbers_roles: unknown role {r:?}")
            })
        })
        .collect()
}
