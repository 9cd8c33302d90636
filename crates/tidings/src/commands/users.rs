//! `tidings user …`: create accounts (readers, moderators, admins), print one-time password
//! reset links, ban and unban, and make API tokens, without the web site running.

use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{Context as _, bail};
use chrono::{Duration, Utc};
use clap::Subcommand;
use tidings_core::{ModerationAction, ModerationEntry, NewUser, Role, StorageError, User};
use tidings_web::readers::{hash_password, hash_token, new_token};

use crate::app::App;

/// How long a token made here works (the account page's default lifetime).
const TOKEN_DAYS: i64 = 90;
/// How long a password-reset link works.
const RESET_LINK_HOURS: i64 = 24;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from --password-stdin, TIDINGS_PASSWORD or a
    /// prompt.
    Create {
        name: String,
        /// Make the account an admin.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make the account a moderator.
        #[arg(long)]
        moderator: bool,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a one-time link (valid 24 hours) where the user chooses a new password.
    ResetPassword { name: String },
    /// Ban a user: signed out everywhere, tokens revoked, no more posting.
    Ban { name: String },
    /// Lift a ban.
    Unban { name: String },
    /// Create an API token (read and comment, valid 90 days) for a user and print it (shown
    /// only once).
    Token {
        name: String,
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

/// Runs one `user` subcommand, printing its result.
pub async fn run_user_command(app: &App, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            name,
            admin,
            moderator,
            password_stdin,
        } => {
            let role = if admin {
                Role::Admin
            } else if moderator {
                Role::Moderator
            } else {
                Role::Reader
            };
            let password = read_password(password_stdin)?;
            let user = create_user(app, &name, role, &password).await?;
            println!(
                "Created {} {} (id {}).",
                user.role.as_str(),
                user.name,
                user.id
            );
        }
        UserCommand::ResetPassword { name } => {
            println!("{}", reset_link(app, &name).await?);
        }
        UserCommand::Ban { name } => {
            let user = set_banned(app, &name, true).await?;
            println!(
                "Banned {}; their sessions and tokens are revoked.",
                user.name
            );
        }
        UserCommand::Unban { name } => {
            let user = set_banned(app, &name, false).await?;
            println!("Lifted the ban on {}.", user.name);
        }
        UserCommand::Token { name, label } => {
            println!("{}", create_token(app, &name, &label).await?);
        }
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if let Ok(password) = std::env::var("TIDINGS_PASSWORD") {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password given: use --password-stdin or set TIDINGS_PASSWORD");
    }
    let password = rpassword::prompt_password("Password: ").context("cannot read the password")?;
    let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
    if password != again {
        bail!("the two passwords differ");
    }
    Ok(password)
}

async fn find_user(app: &App, name: &str) -> anyhow::Result<User> {
    match app.storage.user_credentials(name).await? {
        Some((user, _)) => Ok(user),
        None => bail!("there is no user named {name:?}"),
    }
}

pub async fn create_user(
    app: &App,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<User> {
    let hash = hash_password(password)?;
    match app
        .storage
        .create_user(NewUser {
            name: name.to_owned(),
            password_hash: hash,
            role,
        })
        .await
    {
        Ok(user) => Ok(user),
        Err(StorageError::Conflict(_)) => bail!("the name {name:?} is taken"),
        Err(other) => Err(other.into()),
    }
}

/// A one-time reset link on the configured base URL (or the listen address).
pub async fn reset_link(app: &App, name: &str) -> anyhow::Result<String> {
    let user = find_user(app, name).await?;
    let token = new_token();
    let expires = Utc::now() + Duration::hours(RESET_LINK_HOURS);
    app.storage
        .create_password_reset(user.id, &hash_token(&token), expires)
        .await?;
    let base = match app.config.server.base_url.trim_end_matches('/') {
        "" => format!("http://{}", app.config.server.listen),
        base => base.to_owned(),
    };
    Ok(format!("{base}/account/reset/{token}"))
}

pub async fn set_banned(app: &App, name: &str, banned: bool) -> anyhow::Result<User> {
    let user = find_user(app, name).await?;
    app.storage.set_banned(user.id, banned).await?;
    app.storage
        .record_moderation(ModerationEntry {
            moderator_id: None,
            action: if banned {
                ModerationAction::BanUser
            } else {
                ModerationAction::UnbanUser
            },
            comment_id: None,
            target_user_id: Some(user.id),
            note: "command line".to_owned(),
        })
        .await?;
    Ok(user)
}

pub async fn create_token(app: &App, name: &str, label: &str) -> anyhow::Result<String> {
    let user = find_user(app, name).await?;
    let token = new_token();
    app.storage
        .create_api_token(tidings_core::NewApiToken {
            user: user.id,
            token_hash: hash_token(&token),
            label: label.to_owned(),
            kind: tidings_core::TokenKind::Api,
            scopes: tidings_core::TokenScopes::new(&tidings_core::TokenScope::ALL),
            expires_at: Some(Utc::now() + Duration::days(TOKEN_DAYS)),
        })
        .await?;
    Ok(token)
}
