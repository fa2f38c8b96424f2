//! The `orderline` command line: `serve`, `migrate`, `import-clients`, `export-clients`,
//! `user add`, `token create`, `backup`.
//!
//! `--config` and `--database-url` are global; every subcommand that touches the database
//! applies pending migrations first (by opening it through `Db::connect`).

mod backup;
mod clients_csv;
pub mod seed_bench;
mod serve;
mod token;
mod user;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::{
    config::{Config, Overrides},
    db::Db,
};

/// orderline — the backend of a telephone order line.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    /// A TOML file with settings (any subset of config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL (sqlite://PATH or postgres://…); overrides the configuration.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Load the demo data set into an empty database and print its credentials.
        #[arg(long)]
        demo: bool,
        /// With --demo: leave out the two weeks of call history (clients, orders and users
        /// only), for a desk that starts quiet — the browser tests start this way.
        #[arg(long, requires = "demo")]
        no_demo_calls: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Import clients from a CSV file (UTF-8 or Windows-1251, `,` or `;`).
    ImportClients {
        /// The CSV file.
        file: PathBuf,
        /// Report what would happen without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export all clients to a CSV file that Excel opens (UTF-8 with BOM, `;`).
    ExportClients {
        /// The file to write.
        file: PathBuf,
    },
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Write a consistent copy of the SQLite database while the service runs.
    Backup {
        /// The file to write.
        file: PathBuf,
    },
    /// Fill an empty database with synthetic clients, calls and orders (benchmarks).
    SeedBench {
        /// Clients.
        #[arg(long, default_value_t = 1_000_000)]
        clients: u64,
        /// Calls over the last 365 days.
        #[arg(long, default_value_t = 5_000_000)]
        calls: u64,
        /// Orders (linked to answered calls).
        #[arg(long, default_value_t = 3_000_000)]
        orders: u64,
    },
}

/// Parses the command line and runs it; errors are printed, never a panic.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let overrides = Overrides {
        listen,
        database_url: cli.database_url.clone(),
    };
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    crate::telemetry::init_tracing(&config.log);
    match cli.command {
        Command::Serve {
            demo,
            no_demo_calls,
            ..
        } => serve::run(config, demo, !no_demo_calls).await,
        Command::Migrate => {
            let db = Db::connect(&config.database).await?;
            db.close().await;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::ImportClients { file, dry_run } => {
            clients_csv::import(&config, &file, dry_run).await
        }
        Command::ExportClients { file } => clients_csv::export(&config, &file).await,
        Command::User(cmd) => user::run(&config, cmd).await,
        Command::Token(cmd) => token::run(&config, cmd).await,
        Command::Backup { file } => backup::run(&config, &file).await,
        Command::SeedBench {
            clients,
            calls,
            orders,
        } => seed_bench::run(&config, clients, calls, orders).await,
    }
}
