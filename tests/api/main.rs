//! The integration test binary: every test starts its own server on port 0 with a fresh
//! database — SQLite by default, PostgreSQL when `TEST_DATABASE_URL=postgres://…` is set
//! (`.ci/run` runs the suite both ways).

mod helpers;

mod admin;
mod aggregates;
mod auth;
mod call_export;
mod call_log;
mod callback_speed;
mod calls_flow;
mod calls_lifecycle;
mod clients;
mod concurrent_ingest;
mod form_errors_i18n;
mod formats;
mod health;
mod live;
mod lookup;
mod manager;
mod manager_i18n;
mod orders;
mod outbound;
mod report_queues;
mod reports;
mod retention;
mod seed_bench;
mod storage;
mod webhooks;
mod workspace;
