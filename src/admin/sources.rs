//! PBX sources: those of the configuration file (read-only) and those added at run time, kept
//! in `pbx_sources` with sealed secrets. The webhook path asks the [`SourceRegistry`]: the
//! configuration first (a configured id is never shadowed by the database), then the database
//! through a short cache, so a source added, rotated or disabled here takes effect on this
//! instance at once and on other instances within [`CACHE_TTL`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde::Serialize;

use super::seal;
use crate::{
    auth::Principal,
    config::{Config, SourceConfig, SourceFormat},
    db::{self, Db, audit, pbx_sources::SourceRow},
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// How long a database source (or its absence) is remembered.
pub const CACHE_TTL: Duration = Duration::from_secs(10);

/// Database sources by id, with when they were read (None: no such enabled source).
type Cache = HashMap<String, (Instant, Option<SourceConfig>)>;

/// Finds the source of a webhook request.
#[derive(Clone, Default)]
pub struct SourceRegistry {
    cache: Arc<Mutex<Cache>>,
}

impl SourceRegistry {
    /// The enabled source `id`, or None.
    pub async fn find(
        &self,
        db: &Db,
        config: &Config,
        id: &str,
    ) -> AppResult<Option<SourceConfig>> {
        if let Some(s) = config.sources.iter().find(|s| s.id == id) {
            return Ok(s.enabled.then(|| s.clone()));
        }
        if let Some((at, s)) = self.cache.lock().expect("cache lock").get(id)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(s.clone());
        }
        let found = match db::pbx_sources::get(db, id).await? {
            Some(row) if row.enabled => Some(open_row(config, &row)?),
            _ => None,
        };
        let mut cache = self.cache.lock().expect("cache lock");
        if cache.len() > 1000 {
            cache.clear();
        }
        cache.insert(id.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    /// Forgets what is cached for `id` (after a change made on this instance).
    pub fn forget(&self, id: &str) {
        self.cache.lock().expect("cache lock").remove(id);
    }
}

fn open_row(config: &Config, row: &SourceRow) -> AppResult<SourceConfig> {
    let key = config.secrets.key.as_ref().ok_or_else(|| {
        anyhow::anyhow!(
            "source {} is stored in the database but [secrets] key is not set",
            row.id
        )
    })?;
    let token = seal::open(key, &row.id, &row.token_sealed).map_err(anyhow::Error::new)?;
    let hmac_secret = match &row.hmac_sealed {
        Some(h) => Some(seal::open(key, &row.id, h).map_err(anyhow::Error::new)?),
        None => None,
    };
    Ok(SourceConfig {
        id: row.id.clone(),
        format: SourceFormat::parse(&row.format).unwrap_or(SourceFormat::Generic),
        token,
        hmac_secret,
        enabled: row.enabled,
    })
}

/// A source as the administration page lists it (no secrets).
#[derive(Clone, Debug, Serialize)]
pub struct SourceView {
    /// Id.
    pub id: String,
    /// generic / zammad / sip.
    pub format: String,
    /// Whether it accepts events.
    pub enabled: bool,
    /// `config` (read-only) or `database`.
    pub origin: &'static str,
    /// Whether it also accepts HMAC signatures.
    pub signed: bool,
    /// The URL to paste into the PBX.
    pub webhook_url: String,
    /// How to set the PBX up.
    pub hint: &'static str,
}

/// Secrets shown once, right after creation or rotation.
#[derive(Clone, Debug, Serialize)]
pub struct NewSecrets {
    /// The source.
    pub id: String,
    /// The bearer token.
    pub token: String,
    /// The HMAC secret (generic sources).
    pub hmac_secret: Option<String>,
    /// The URL to paste into the PBX (Zammad's carries the token).
    pub webhook_url: String,
}

fn format_name(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::Generic => "generic",
        SourceFormat::Zammad => "zammad",
        SourceFormat::Sip => "sip",
    }
}

fn hint(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::Generic => {
            "POST JSON events with Authorization: Bearer <token>, or sign the body with X-Orderline-Signature (see docs/webhooks.md)."
        }
        SourceFormat::Zammad => {
            "In the PBX's Generic CTI settings, paste the URL with the token as its last path segment (/webhooks/<id>/<token>)."
        }
        SourceFormat::Sip => {
            "Point the SIP proxy's HTTP mirror at the URL with Content-Type message/sip and Authorization: Bearer <token>."
        }
    }
}

fn url(config: &Config, id: &str) -> String {
    format!(
        "{}/webhooks/{id}",
        config.server.public_base_url.trim_end_matches('/')
    )
}

/// Every source: configuration first, then the database.
pub async fn list(db: &Db, config: &Config) -> AppResult<Vec<SourceView>> {
    let mut out: Vec<SourceView> = config
        .sources
        .iter()
        .map(|s| SourceView {
            id: s.id.clone(),
            format: format_name(s.format).into(),
            enabled: s.enabled,
            origin: "config",
            signed: s.hmac_secret.is_some(),
            webhook_url: url(config, &s.id),
            hint: hint(s.format),
        })
        .collect();
    for r in db::pbx_sources::list(db).await? {
        let f = SourceFormat::parse(&r.format).unwrap_or(SourceFormat::Generic);
        out.push(SourceView {
            webhook_url: url(config, &r.id),
            id: r.id,
            format: r.format,
            enabled: r.enabled,
            origin: "database",
            signed: r.hmac_sealed.is_some(),
            hint: hint(f),
        });
    }
    Ok(out)
}

fn random_secret() -> String {
    hex::encode(rand::random::<[u8; 24]>())
}

fn key(config: &Config) -> AppResult<&secrecy::SecretBox<[u8; 32]>> {
    config
        .secrets
        .key
        .as_deref()
        .ok_or_else(|| AppError::Conflict {
            message: "set [secrets] key in the configuration before adding sources here".into(),
            field: None,
        })
}

fn secrets(
    config: &Config,
    id: &str,
    f: SourceFormat,
) -> AppResult<(NewSecrets, String, Option<String>)> {
    let k = key(config)?;
    let token = random_secret();
    let hmac = (f == SourceFormat::Generic).then(random_secret);
    let sealed_token = seal::seal(k, id, &token);
    let sealed_hmac = hmac.as_deref().map(|h| seal::seal(k, id, h));
    let webhook_url = match f {
        SourceFormat::Zammad => format!("{}/{token}", url(config, id)),
        _ => url(config, id),
    };
    let shown = NewSecrets {
        id: id.to_owned(),
        token,
        hmac_secret: hmac,
        webhook_url,
    };
    Ok((shown, sealed_token, sealed_hmac))
}

/// Adds a source; returns its secrets (shown once).
pub async fn create(
    db: &Db,
    config: &Config,
    registry: &SourceRegistry,
    by: &Principal,
    id: &str,
    format: &str,
) -> AppResult<NewSecrets> {
    let id = id.trim();
    let ok = (1..=40).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(AppError::invalid(
            "id",
            "1–40 lowercase letters, digits, - or _",
        ));
    }
    let f = SourceFormat::parse(format.trim())
        .ok_or_else(|| AppError::invalid("format", "expected generic, zammad or sip"))?;
    if config.sources.iter().any(|s| s.id == id) {
        return Err(AppError::Conflict {
            message: "a source with this id is in the configuration file".into(),
            field: Some("id".into()),
        });
    }
    let (shown, token_sealed, hmac_sealed) = secrets(config, id, f)?;
    let now = now_ms();
    let row = SourceRow {
        id: id.to_owned(),
        format: format_name(f).into(),
        token_sealed,
        hmac_sealed,
        enabled: true,
        created_at: now,
        updated_at: now,
    };
    db::pbx_sources::insert(db, &row, by.user.as_ref().map(|u| u.id)).await?;
    registry.forget(id);
    audit::record(
        db,
        by.actor,
        "source.create",
        Some(&format!("source:{id}")),
        &serde_json::json!({ "format": row.format }),
    )
    .await?;
    Ok(shown)
}

/// Replaces a database source's secrets; the old ones stop working at once on this instance.
pub async fn rotate(
    db: &Db,
    config: &Config,
    registry: &SourceRegistry,
    by: &Principal,
    id: &str,
) -> AppResult<NewSecrets> {
    let row = db::pbx_sources::get(db, id)
        .await?
        .ok_or(AppError::NotFound("source"))?;
    let f = SourceFormat::parse(&row.format).unwrap_or(SourceFormat::Generic);
    let (shown, token_sealed, hmac_sealed) = secrets(config, id, f)?;
    db::pbx_sources::set_secrets(db, id, &token_sealed, hmac_sealed.as_deref(), now_ms()).await?;
    registry.forget(id);
    audit::record(
        db,
        by.actor,
        "source.rotate",
        Some(&format!("source:{id}")),
        &serde_json::json!({}),
    )
    .await?;
    Ok(shown)
}

/// Enables or disables a database source.
pub async fn set_enabled(
    db: &Db,
    registry: &SourceRegistry,
    by: &Principal,
    id: &str,
    enabled: bool,
) -> AppResult<()> {
    db::pbx_sources::set_enabled(db, id, enabled, now_ms()).await?;
    registry.forget(id);
    let action = if enabled {
        "source.enable"
    } else {
        "source.disable"
    };
    audit::record(
        db,
        by.actor,
        action,
        Some(&format!("source:{id}")),
        &serde_json::json!({}),
    )
    .await?;
    Ok(())
}
