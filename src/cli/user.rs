//! `orderline user add LOGIN --role … [--extension N] [--password-stdin]`.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::{
    auth::password,
    config::Config,
    db::{self, Db, users::NewUser},
    domain::Role,
};

/// User subcommands.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin the password is asked on the terminal.
    Add {
        /// Login name.
        login: String,
        /// operator, manager or admin.
        #[arg(long)]
        role: String,
        /// The operator's internal phone extension (2–6 digits).
        #[arg(long)]
        extension: Option<String>,
        /// The name shown on pages (defaults to the login).
        #[arg(long)]
        name: Option<String>,
        /// Read the password as one line from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Runs a user subcommand.
pub async fn run(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        login,
        role,
        extension,
        name,
        password_stdin,
    } = cmd;
    let role = match Role::parse(&role) {
        Some(r @ (Role::Operator | Role::Manager | Role::Admin)) => r,
        _ => bail!("--role must be operator, manager or admin"),
    };
    validate_login(&login)?;
    if let Some(x) = &extension {
        validate_extension(x)?;
    }
    let pw = if password_stdin {
        read_stdin_line()?
    } else {
        prompt_twice()?
    };
    if pw.chars().count() < 8 {
        bail!("the password must have at least 8 characters");
    }
    let db = Db::connect(&config.database).await?;
    let hash = password::hash(pw).await?;
    let display = name.unwrap_or_else(|| login.clone());
    let new = NewUser {
        login: &login,
        display_name: &display,
        role,
        extension: extension.as_deref(),
        password_hash: &hash,
    };
    let result = db::users::insert_user(&db, &new).await;
    db.close().await;
    match result {
        Ok(id) => {
            eprintln!("user {login} added (id {id}, role {role})");
            Ok(())
        }
        Err(db::DbError::Conflict { field, .. }) => {
            bail!(
                "a user with this {} already exists",
                field.as_deref().unwrap_or("login or extension")
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn validate_login(login: &str) -> anyhow::Result<()> {
    let ok = (1..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        bail!("the login must be 1–64 letters, digits or . _ - @")
    }
}

/// Extensions are 2–6 digits: the same rule the caller matching uses to tell them apart.
pub fn validate_extension(x: &str) -> anyhow::Result<()> {
    if (2..=6).contains(&x.len()) && x.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        bail!("the extension must be 2–6 digits")
    }
}

fn read_stdin_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn prompt_twice() -> anyhow::Result<String> {
    let first = rpassword::prompt_password("Password: ")
        .context("cannot read the password from the terminal")?;
    let second = rpassword::prompt_password("Repeat: ")
        .context("cannot read the password from the terminal")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}
