//! `tidings user …`: create, list and delete accounts (readers, moderators, admins), change
//! roles, print one-time password reset links, ban and unban, and make API tokens, without the
//! web site running. Changes go into the moderation log, as the console's do.

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
        /// The new account's name (unique regardless of case).
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
    ResetPassword {
        /// The account's name.
        name: String,
    },
    /// Ban a user: signed out everywhere, tokens revoked, no more posting.
    Ban {
        /// The account's name.
        name: String,
    },
    /// Lift a ban.
    Unban {
        /// The account's name.
        name: String,
    },
    /// List every account with its role, whether it is banned and when it was created.
    List,
    /// Make a user a reader, moderator or admin.
    Role {
        /// The account's name.
        name: String,
        /// reader, moderator or admin.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Delete an account with its sessions, tokens and comments.
    Delete {
        /// The account's name.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Create an API token (read and comment, valid 90 days) for a user and print it (shown
    /// only once).
    Token {
        /// The account's name.
        name: String,
        /// What the token is for, shown on the account page.
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("'{s}' is not a role (reader, moderator or admin)"))
}

impl UserCommand {
    /// Whether the command only reads (and so must not create a data directory).
    pub fn only_reads(&self) -> bool {
        matches!(self, UserCommand::List)
    }
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
            let base = link_base(app)?;
            println!("{}", reset_link_on(app, &base, &name).await?);
        }
        UserCommand::List => print!("{}", format_users(&all_users(app).await?)),
        UserCommand::Role { name, role } => {
            let (before, after) = set_role(app, &name, role).await?;
            if before == after {
                println!("{name} is already {}.", after.as_str());
            } else {
                println!(
                    "{name} is now {} (was {}).",
                    after.as_str(),
                    before.as_str()
                );
            }
        }
        UserCommand::Delete { name, yes } => {
            if !yes {
                confirm(&format!(
                    "Delete {name} with their comments, sessions and tokens?"
                ))?;
            }
            let user = delete_user(app, &name).await?;
            println!("Deleted {} and their comments.", user.name);
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
    let base = match app.config.server.base_url.trim_end_matches('/') {
        "" => format!("http://{}", app.config.server.listen),
        base => base.to_owned(),
    };
    reset_link_on(app, &base, name).await
}

/// Where links printed for someone else point: `server.base_url`, or — when it is not set —
/// the address typed at the prompt (the listen address when left empty). Without a terminal
/// the listen address is used and a warning names the setting.
fn link_base(app: &App) -> anyhow::Result<String> {
    let configured = app.config.server.base_url.trim_end_matches('/');
    if !configured.is_empty() {
        return Ok(configured.to_owned());
    }
    let fallback = format!("http://{}", app.config.server.listen);
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "warning: server.base_url is not set, so the link points at {fallback}; set it to \
             the site's public URL (or TIDINGS_SERVER__BASE_URL)"
        );
        return Ok(fallback);
    }
    let line = ask(&format!(
        "server.base_url is not set. The site's public URL [{fallback}]: "
    ))?;
    match line.trim().trim_end_matches('/') {
        "" => Ok(fallback),
        typed => {
            let url = url::Url::parse(typed).with_context(|| format!("'{typed}' is not a URL"))?;
            if !matches!(url.scheme(), "http" | "https") {
                bail!("'{typed}' is not an http or https URL");
            }
            Ok(typed.to_owned())
        }
    }
}

/// Asks on the terminal; without one the command needs `--yes`.
fn confirm(question: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("{question} Add --yes to confirm");
    }
    if matches!(
        ask(&format!("{question} [y/N] "))?.trim(),
        "y" | "Y" | "yes"
    ) {
        Ok(())
    } else {
        bail!("nothing was deleted")
    }
}

/// Prints `prompt` on stderr and reads one line of the answer from the terminal.
fn ask(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the answer")?;
    Ok(line)
}

async fn reset_link_on(app: &App, base: &str, name: &str) -> anyhow::Result<String> {
    let user = find_user(app, name).await?;
    let token = new_token();
    let expires = Utc::now() + Duration::hours(RESET_LINK_HOURS);
    app.storage
        .create_password_reset(user.id, &hash_token(&token), expires)
        .await?;
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

/// Every account, by name.
pub async fn all_users(app: &App) -> anyhow::Result<Vec<User>> {
    let mut users = Vec::new();
    for page in 1.. {
        let batch = app
            .storage
            .list_users(tidings_core::PageRequest::new(page, 200))
            .await?;
        users.extend(batch.items);
        if !batch.has_more {
            break;
        }
    }
    Ok(users)
}

/// One line per account: name, role, banned, created.
pub fn format_users(users: &[User]) -> String {
    use std::fmt::Write as _;
    if users.is_empty() {
        return "No users yet: add one with `tidings user create NAME --admin`.\n".to_owned();
    }
    let width = users
        .iter()
        .map(|u| u.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<width$}  {:<9}  {:<6}  CREATED\n",
        "NAME", "ROLE", "BANNED"
    );
    for user in users {
        let _ = writeln!(
            out,
            "{:<width$}  {:<9}  {:<6}  {}",
            user.name,
            user.role.as_str(),
            if user.banned { "yes" } else { "no" },
            user.created_at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    out
}

/// Refuses a change that would leave the site without an admin.
async fn keep_an_admin(app: &App, user: &User) -> anyhow::Result<()> {
    if user.role != Role::Admin {
        return Ok(());
    }
    let admins = all_users(app)
        .await?
        .iter()
        .filter(|u| u.role == Role::Admin && !u.banned)
        .count();
    if admins <= 1 && !user.banned {
        bail!(
            "{} is the only admin: make another account admin first",
            user.name
        );
    }
    Ok(())
}

/// Sets the role; returns the role before and after.
pub async fn set_role(app: &App, name: &str, role: Role) -> anyhow::Result<(Role, Role)> {
    let user = find_user(app, name).await?;
    if user.role == role {
        return Ok((role, role));
    }
    keep_an_admin(app, &user).await?;
    app.storage.set_user_role(user.id, role).await?;
    app.storage
        .record_moderation(ModerationEntry {
            moderator_id: None,
            action: ModerationAction::AdminRoleChange,
            comment_id: None,
            target_user_id: Some(user.id),
            note: format!(
                "{} → {} from the command line",
                user.role.as_str(),
                role.as_str()
            ),
        })
        .await?;
    Ok((user.role, role))
}

/// Deletes the account with its sessions, tokens and comments.
pub async fn delete_user(app: &App, name: &str) -> anyhow::Result<User> {
    let user = find_user(app, name).await?;
    keep_an_admin(app, &user).await?;
    if !app.storage.delete_user(user.id).await? {
        bail!("there is no user named {name:?}");
    }
    app.storage
        .record_moderation(ModerationEntry {
            moderator_id: None,
            action: ModerationAction::AdminUserDelete,
            comment_id: None,
            target_user_id: None,
            note: format!("account {} from the command line", user.name),
        })
        .await?;
    Ok(user)
}
