//! Administration pages, continued: retention (read-only; managers too), merging two client
//! records, and PBX sources (configuration sources read-only; sources added here can have
//! their secret rotated and be disabled). See `web::admin` for the conventions.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    admin::{Notice, form_error, notice_text, respond, shell},
    format,
    shell::{PageUser, Shell},
};
use crate::{
    admin::{
        self,
        sources::{self, NewSecrets, SourceView},
    },
    app::AppState,
    db,
    domain::{role::Permission, text::fill, time::now_ms},
    error::{AppError, AppPath, AppResult},
};

#[derive(Template, WebTemplate)]
#[template(path = "admin_retention.html")]
struct RetentionPage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    rows: Vec<(&'static str, String, String)>,
    last_run: String,
    aggregates: String,
}

/// `GET /admin/retention`: the settings, how far each has been applied, the last run.
pub async fn retention(
    State(state): State<AppState>,
    pu: PageUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let s = shell(&state, &pu, Permission::ReadReports).await?;
    let t = s.a;
    let r = &state.config.retention;
    let st = db::retention::state(&state.db).await?;
    let agg = db::aggregates::state(&state.db).await?;
    let (tz, lang) = (state.config.time_zone, pu.lang);
    let when = |t: Option<i64>| {
        t.filter(|t| *t > 0)
            .map_or_else(|| "—".to_owned(), |t| format::when(t, tz, lang))
    };
    let age = |d: i64| {
        if d == 0 {
            t.kept_forever.to_owned()
        } else {
            fill(t.days, &[&d])
        }
    };
    let rows = vec![
        (t.events, age(r.events_days), when(Some(st.events_until))),
        (
            t.raw_payloads,
            age(r.raw_payload_days),
            when(Some(st.raw_until)),
        ),
        (
            t.recordings,
            age(r.recording_days),
            when(Some(st.recordings_until)),
        ),
        (
            t.caller_numbers,
            age(r.caller_numbers_days),
            when(Some(st.numbers_until)),
        ),
        // No watermark: the last run removed every entry older than its cutoff.
        (
            t.audit_entries,
            age(r.audit_days),
            when(
                st.last_run_at
                    .filter(|_| r.audit_days > 0)
                    .map(|at| at - r.audit_days * crate::segments::rhythm::DAY),
            ),
        ),
    ];
    let last_run = match st.last_run_at {
        None => t.never.to_owned(),
        Some(at) => fill(
            t.run_text,
            &[
                &format::when(at, tz, lang),
                &st.last_run_ms.unwrap_or(0),
                &st.last_removed,
                &st.last_error
                    .map(|e| fill(t.failed, &[&e]))
                    .unwrap_or_default(),
            ],
        ),
    };
    let aggregates = if agg.ready {
        fill(
            t.aggregates_ready,
            &[
                &(agg.slot_ms / 60_000),
                &when(agg.built_at),
                &when(agg.refreshed_at),
            ],
        )
    } else {
        t.aggregates_not.to_owned()
    };
    let page = RetentionPage {
        s,
        section: "retention",
        notice: notice_text(&pu, n.done.as_deref()),
        error: String::new(),
        rows,
        last_run,
        aggregates,
    };
    Ok(page.into_response())
}

/// `POST /admin/retention/run`: runs the job now.
pub async fn run_retention(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    crate::retention::run_once(&state.db, &state.config.retention, now_ms()).await?;
    Ok(Redirect::to("/admin/retention?done=ran").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_merge.html")]
struct MergePage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    keep_id: String,
    merge_id: String,
}

/// The merge form.
#[derive(Deserialize, Default)]
pub struct MergeForm {
    #[serde(default)]
    keep_id: String,
    #[serde(default)]
    merge_id: String,
}

async fn merge_page(
    state: &AppState,
    pu: &PageUser,
    notice: String,
    error: String,
    f: MergeForm,
) -> AppResult<Response> {
    let s = shell(state, pu, Permission::Administer).await?;
    let failed = !error.is_empty();
    let page = MergePage {
        s,
        section: "merge",
        notice,
        error,
        keep_id: f.keep_id,
        merge_id: f.merge_id,
    };
    Ok(respond(page, failed))
}

/// `GET /admin/merge`.
pub async fn merge(
    State(state): State<AppState>,
    pu: PageUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    merge_page(
        &state,
        &pu,
        notice_text(&pu, n.done.as_deref()),
        String::new(),
        MergeForm::default(),
    )
    .await
}

/// `POST /admin/merge`.
pub async fn merge_post(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<MergeForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    let id = |v: &str, field: &'static str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid(field, "expected a client id"))
    };
    let result = match (id(&f.keep_id, "keep_id"), id(&f.merge_id, "merge_id")) {
        (Ok(k), Ok(m)) => admin::merge_clients(&state.db, &pu.principal, k, m).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(moved) => {
            let t = super::i18n::admin::texts(pu.lang);
            let notice = fill(
                t.merged_n,
                &[&moved.phones, &moved.orders, &moved.calls, &moved.tasks],
            );
            merge_page(&state, &pu, notice, String::new(), MergeForm::default()).await
        }
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => merge_page(&state, &pu, String::new(), msg, f).await,
            None => Err(e),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_sources.html")]
struct SourcesPage {
    s: Shell,
    section: &'static str,
    notice: String,
    error: String,
    sources: Vec<SourceView>,
    shown: Option<NewSecrets>,
    can_add: bool,
    form_id: String,
}

async fn sources_page(
    state: &AppState,
    pu: &PageUser,
    error: String,
    shown: Option<NewSecrets>,
    form_id: String,
) -> AppResult<Response> {
    let s = shell(state, pu, Permission::Administer).await?;
    let failed = !error.is_empty();
    let page = SourcesPage {
        s,
        section: "sources",
        notice: String::new(),
        error,
        sources: sources::list(&state.db, &state.config).await?,
        shown,
        can_add: state.config.secrets.key.is_some(),
        form_id,
    };
    Ok(respond(page, failed))
}

/// `GET /admin/sources`.
pub async fn sources_list(State(state): State<AppState>, pu: PageUser) -> AppResult<Response> {
    sources_page(&state, &pu, String::new(), None, String::new()).await
}

/// The add form.
#[derive(Deserialize, Default)]
pub struct SourceForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    format: String,
}

/// `POST /admin/sources`: adds a source and shows its secrets once.
pub async fn create_source(
    State(state): State<AppState>,
    pu: PageUser,
    Form(f): Form<SourceForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    match sources::create(
        &state.db,
        &state.config,
        &state.sources,
        &pu.principal,
        &f.id,
        &f.format,
    )
    .await
    {
        Ok(shown) => sources_page(&state, &pu, String::new(), Some(shown), String::new()).await,
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => sources_page(&state, &pu, msg, None, f.id).await,
            None => Err(e),
        },
    }
}

/// `POST /admin/sources/{id}/rotate`: new secrets, shown once.
pub async fn rotate_source(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<String>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    match sources::rotate(&state.db, &state.config, &state.sources, &pu.principal, &id).await {
        Ok(shown) => sources_page(&state, &pu, String::new(), Some(shown), String::new()).await,
        Err(e) => match form_error(&e, &pu) {
            Some(msg) => sources_page(&state, &pu, msg, None, String::new()).await,
            None => Err(e),
        },
    }
}

/// The enable / disable form.
#[derive(Deserialize)]
pub struct EnabledForm {
    #[serde(default)]
    enabled: String,
}

/// `POST /admin/sources/{id}/enabled`.
pub async fn source_enabled(
    State(state): State<AppState>,
    pu: PageUser,
    AppPath(id): AppPath<String>,
    Form(f): Form<EnabledForm>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    sources::set_enabled(
        &state.db,
        &state.sources,
        &pu.principal,
        &id,
        f.enabled == "on",
    )
    .await?;
    Ok(Redirect::to("/admin/sources").into_response())
}
