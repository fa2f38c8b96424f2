//! The command-line test binary: every test runs the real `orderline` executable against a
//! fresh database, SQLite in a temporary folder; the import tests run again on a fresh
//! PostgreSQL database when `TEST_DATABASE_URL=postgres://…` is set.

mod helpers;

mod commands;
mod export;
mod import;
