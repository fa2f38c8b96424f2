//! orderline — the backend of a telephone order line.
//!
//! # Layout
//! - [`config`]: layered configuration (defaults → file → environment → flags).
//! - [`app`]: `AppState`, the router and the server lifecycle.
//! - [`calls`]: the call lifecycle (state machine, ingest service, writer, sweeper).
//! - [`error`]: the one error type every handler returns, mapped to HTTP.
//! - [`domain`]: newtypes parsed at the boundary (phone numbers, roles, money).
//! - [`db`]: the only place SQL lives; one `Db` handle over SQLite or PostgreSQL.
//! - [`auth`]: passwords, sessions, API tokens and the extractors that check them.
//! - [`api`]: the JSON API under `/api/v1`.
//! - [`web`]: server-rendered pages (login, …).
//! - [`import`]: CSV import and export of the client base.
//! - [`ingest`]: call events in (PBX webhook formats and raw SIP).
//! - [`matching`]: caller matching (who is behind a number).
//! - [`orders`]: taking an order (pricing and validation).
//! - [`outbound`]: handing out outbound call lists fairly (daily caps, personal managers).
//! - [`realtime`]: live events to browsers (hub, SSE, PostgreSQL fan-out).
//! - [`workspace`]: the operator's desk rules (outcomes, worklist claims, status).
//! - [`reports`]: the KPIs, distributions, per-operator table and SVG charts.
//! - [`segments`]: the client base by value and risk (RFM, ABC, overdue) and the badge.
//! - [`cli`]: the `orderline` subcommands.
//! - [`demo`]: the demo data set loaded by `serve --demo`.
//! - [`telemetry`]: logging, metrics and PII masking.

pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod calls;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_calls;
pub mod domain;
pub mod error;
pub mod import;
pub mod ingest;
pub mod matching;
pub mod orders;
pub mod outbound;
pub mod realtime;
pub mod reports;
pub mod retention;
pub mod segments;
pub mod telemetry;
pub mod web;
pub mod workspace;
