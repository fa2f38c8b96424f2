//! `orderline import-clients FILE [--dry-run]` and `orderline export-clients FILE`.

use std::path::Path;

use crate::config::Config;

/// Imports clients from a CSV file.
pub async fn import(_config: &Config, _file: &Path, _dry_run: bool) -> anyhow::Result<()> {
    anyhow::bail!("import-clients is not wired yet")
}

/// Exports clients to a CSV file.
pub async fn export(_config: &Config, _file: &Path) -> anyhow::Result<()> {
    anyhow::bail!("export-clients is not wired yet")
}
