//! `orderline token create --name NAME --role pbx|manager|admin`.

use clap::Subcommand;

use crate::{auth::token, config::Config, db::Db, domain::Role};

/// Token subcommands.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once on standard output (only its hash is stored).
    Create {
        /// What the token is for ("office PBX").
        #[arg(long)]
        name: String,
        /// pbx (lookups and call events), manager (reads calls and reports) or admin.
        #[arg(long)]
        role: String,
    },
}

/// Runs a token subcommand.
pub async fn run(config: &Config, cmd: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { name, role } = cmd;
    let role = match Role::parse(&role) {
        Some(r @ (Role::Pbx | Role::Manager | Role::Admin)) => r,
        _ => anyhow::bail!("--role must be pbx, manager or admin"),
    };
    if name.trim().is_empty() {
        anyhow::bail!("--name must not be empty");
    }
    let db = Db::connect(&config.database).await?;
    let secret = token::create_token(&db, name.trim(), role).await?;
    db.close().await;
    println!("{secret}");
    Ok(())
}
