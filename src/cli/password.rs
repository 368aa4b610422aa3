//! `zoufang password set|change|remove`, and the password every command that opens an
//! encrypted database needs: `ZOUFANG_PASSWORD`, else asked on the terminal (no echo).
//!
//! New passwords are read from standard input, one line (asked twice, unechoed, when it is a
//! terminal), so a script can pipe them in and they never appear in the process list.

use crate::i18n::{t, tf};
use crate::progress::Progress;
use crate::store::crypt::{self, convert};
use crate::store::{Key, Store, StoreError};
use std::io::{BufRead, IsTerminal};
use std::path::Path;

/// The environment variable holding the database password (or its recovery key).
pub const PASSWORD_VAR: &str = "ZOUFANG_PASSWORD";

/// What `zoufang password` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Subcommand)]
pub enum PasswordAction {
    /// Set a password on a database that has none: it, its photos and its backups are
    /// encrypted; the recovery key is printed once.
    Set,
    /// Change the password (the current one from ZOUFANG_PASSWORD or the terminal, the new one
    /// from standard input).
    Change,
    /// Remove the password: the database and its backups are decrypted.
    Remove,
}

/// Opens the database at `db`, asking its password when it has one.
pub fn open_store(db: &Path) -> anyhow::Result<Store> {
    if crypt::is_encrypted(db) {
        let secret = current_password(db)?;
        return Ok(crypt::unlock(db, &secret)?);
    }
    Ok(Store::open(db)?)
}

/// The data key of `db` when it has a password (asked as for opening), else `None`.
pub fn key_of(db: &Path) -> anyhow::Result<Option<Key>> {
    if !crypt::is_encrypted(db) {
        return Ok(None);
    }
    let secret = current_password(db)?;
    Ok(Some(crypt::keyfile::unlock(db, &secret)?))
}

/// The password of the encrypted database `db`: `ZOUFANG_PASSWORD`, else asked on the
/// terminal, else an error saying how to give it.
pub fn current_password(db: &Path) -> anyhow::Result<String> {
    if let Ok(secret) = std::env::var(PASSWORD_VAR) {
        return Ok(secret);
    }
    if std::io::stdin().is_terminal() {
        let prompt = tf("cli.password.ask", &[("path", &db.display().to_string())]);
        return Ok(rpassword::prompt_password(prompt)?);
    }
    Err(StoreError::PasswordNeeded(db.to_path_buf()).into())
}

/// A new password from standard input: asked twice on a terminal, else one line.
fn new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(t("cli.password.new"))?;
        convert::check_password(&first)?;
        let again = rpassword::prompt_password(t("cli.password.again"))?;
        if first != again {
            anyhow::bail!(t("cli.password.mismatch"));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\n', '\r']).to_string();
    if line.is_empty() {
        anyhow::bail!(t("cli.password.none_given"));
    }
    convert::check_password(&line)?;
    Ok(line)
}

/// `zoufang password set|change|remove --db F`.
pub fn run(db: &Path, action: PasswordAction) -> anyhow::Result<()> {
    if !db.is_file() {
        return Err(StoreError::NotFound(db.to_path_buf()).into());
    }
    let path = db.display().to_string();
    match action {
        PasswordAction::Set => {
            if crypt::is_encrypted(db) {
                return Err(StoreError::AlreadyEncrypted(db.to_path_buf()).into());
            }
            // Opening first refuses a foreign or newer file before anything is converted.
            drop(Store::open(db)?);
            let password = new_password()?;
            let code = convert::set_password(db, &password, &Progress::none())?;
            say!("{}", tf("cli.password.set_done", &[("path", &path)]));
            say!("");
            say!("    {}", code.display());
            say!("");
            say!("{}", t("cli.password.warning"));
        }
        PasswordAction::Change => {
            if !crypt::is_encrypted(db) {
                return Err(StoreError::NotEncrypted(db.to_path_buf()).into());
            }
            let old = current_password(db)?;
            crypt::keyfile::unlock(db, &old)?;
            let new = new_password()?;
            convert::change_password(db, &old, &new)?;
            say!("{}", tf("cli.password.changed", &[("path", &path)]));
        }
        PasswordAction::Remove => {
            if !crypt::is_encrypted(db) {
                return Err(StoreError::NotEncrypted(db.to_path_buf()).into());
            }
            let secret = current_password(db)?;
            convert::remove_password(db, &secret, &Progress::none())?;
            say!("{}", tf("cli.password.removed", &[("path", &path)]));
        }
    }
    Ok(())
}
