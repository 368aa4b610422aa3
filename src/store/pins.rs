//! PINs for sign-off: approving or returning a visit, 销号, and changing the village's settings
//! need the PIN of the village's approver (第一书记 by default, or a 驻村工作队员 when the village
//! so decides) — picking a name under 我是… is no longer enough.
//!
//! A PIN is 4–8 digits, kept as an Argon2id hash (a PHC string with its own salt), never as it
//! is; PINs stay on this laptop (they never travel in packages). Entering the right PIN signs the
//! cadre in on this connection for [`SIGNED_FOR`] after the last signed action; five wrong tries
//! make the next one wait [`LOCKOUT`].

use super::{Result, Store, StoreError};
use crate::i18n::{t, tf};
use crate::model::coded::Role;
use crate::model::ids::now_stamp;
use crate::model::ledger::Actor;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{OptionalExtension, params};
use std::time::{Duration, Instant};

/// How long a signed-in approver stays signed in after their last signed action.
pub const SIGNED_FOR: Duration = Duration::from_secs(5 * 60);
/// Wrong tries in a row before a wait.
pub const MAX_TRIES: u32 = 5;
/// The wait after [`MAX_TRIES`] wrong tries.
pub const LOCKOUT: Duration = Duration::from_secs(30);
/// The setting holding the role whose PIN signs off (a [`Role`] code).
const APPROVER_KEY: &str = "setting.approver_role";

/// Who signed in with a PIN on this connection, and until when.
#[derive(Debug, Clone)]
pub(super) struct Signed {
    actor: Actor,
    until: Instant,
}

/// Wrong PIN tries on this connection.
#[derive(Debug, Default)]
pub(super) struct Tries {
    wrong: u32,
    wait_until: Option<Instant>,
}

/// Whether `pin` is a valid PIN: 4–8 ASCII digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

fn hash_pin(pin: &str) -> Result<String> {
    // 16 bytes from the system's random source (what a v4 UUID is made of).
    let salt =
        SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).map_err(|e| StoreError::NotAllowed(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::NotAllowed(e.to_string()))
}

fn matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(pin.as_bytes(), &h).is_ok())
}

impl Store {
    /// The role whose PIN signs off in this village (第一书记 unless set otherwise).
    pub fn approver_role(&self) -> Result<Role> {
        Ok(super::meta::get(self.db(), APPROVER_KEY)?.and_then(|c| Role::from_code(&c)).unwrap_or(Role::FirstSecretary))
    }

    /// Sets which role signs off (第一书记 or 驻村工作队员); itself a sign-off.
    pub fn set_approver_role(&mut self, role: Role) -> Result<()> {
        if !matches!(role, Role::FirstSecretary | Role::TeamMember) {
            return Err(StoreError::NotAllowed(t("pin.err.approver_role").to_string()));
        }
        self.require_signed_if_any_pin()?;
        self.write(|w| Ok(super::meta::put(&w.tx, APPROVER_KEY, role.code())?))
    }

    /// Whether the cadre has a PIN.
    pub fn has_pin(&self, cadre_id: &str) -> Result<bool> {
        Ok(self.pin_hash(cadre_id)?.is_some())
    }

    /// Whether any cadre of the approver role has a PIN.
    pub fn approver_has_pin(&self) -> Result<bool> {
        let role = self.approver_role()?;
        Ok(self.db().query_row(
            "SELECT EXISTS (SELECT 1 FROM cadre_pins p JOIN cadres c ON c.id = p.cadre_id
                             WHERE c.role = ?1 AND c.deleted_at IS NULL AND c.archived_at IS NULL)",
            [role.code()],
            |r| r.get(0),
        )?)
    }

    fn pin_hash(&self, cadre_id: &str) -> Result<Option<String>> {
        Ok(self
            .db()
            .query_row("SELECT hash FROM cadre_pins WHERE cadre_id = ?1", [cadre_id], |r| r.get(0))
            .optional()?)
    }

    fn cadre_actor(&self, cadre_id: &str) -> Result<Actor> {
        let (name, role): (String, String) = self
            .db()
            .query_row("SELECT name, role FROM cadres WHERE id = ?1 AND deleted_at IS NULL", [cadre_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::Missing(cadre_id.to_string()))?;
        Ok(Actor { cadre_id: Some(cadre_id.to_string()), name, role: Role::from_code(&role) })
    }

    /// Sets the PIN of `cadre_id` to `new_pin`. Changing a PIN needs the old one (`authority` is
    /// the cadre's own id and old PIN); a first PIN needs the approver's PIN (`authority` an
    /// approver and their PIN) — except the very first approver PIN of the village, which anyone
    /// may set for a cadre of the approver role.
    pub fn set_pin(&mut self, cadre_id: &str, new_pin: &str, authority: Option<(&str, &str)>) -> Result<()> {
        if !valid_pin(new_pin) {
            return Err(StoreError::NotAllowed(t("pin.err.format").to_string()));
        }
        let cadre = self.cadre_actor(cadre_id)?;
        let approver = self.approver_role()?;
        if self.has_pin(cadre_id)? {
            match authority {
                Some((id, pin)) if id == cadre_id => self.verify_pin(id, pin)?,
                _ => return Err(StoreError::NotAllowed(t("pin.err.needs_old").to_string())),
            }
        } else if self.approver_has_pin()? {
            match authority {
                Some((id, pin)) if self.cadre_actor(id)?.role == Some(approver) => self.verify_pin(id, pin)?,
                _ => {
                    let role = approver.label();
                    return Err(StoreError::NotAllowed(tf("pin.err.needs_approver", &[("role", role)])));
                }
            }
        } else if cadre.role != Some(approver) {
            return Err(StoreError::NotAllowed(tf("pin.err.approver_first", &[("role", approver.label())])));
        }
        let hash = hash_pin(new_pin)?;
        self.write(|w| {
            w.exec(
                "INSERT INTO cadre_pins(cadre_id, hash, set_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(cadre_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
                params![cadre_id, hash, now_stamp()],
            )?;
            Ok(())
        })
    }

    /// Checks `pin` against the cadre's; wrong tries count towards the wait.
    pub fn verify_pin(&mut self, cadre_id: &str, pin: &str) -> Result<()> {
        if let Some(until) = self.pin_tries.wait_until {
            let now = Instant::now();
            if now < until {
                let secs = (until - now).as_secs().max(1).to_string();
                return Err(StoreError::NotAllowed(tf("pin.err.wait", &[("secs", &secs)])));
            }
            self.pin_tries = Tries::default();
        }
        let Some(hash) = self.pin_hash(cadre_id)? else {
            let name = self.cadre_actor(cadre_id)?.name;
            return Err(StoreError::NotAllowed(tf("pin.err.no_pin", &[("name", &name)])));
        };
        if matches(&hash, pin) {
            self.pin_tries = Tries::default();
            return Ok(());
        }
        self.pin_tries.wrong += 1;
        let left = MAX_TRIES.saturating_sub(self.pin_tries.wrong);
        if left == 0 {
            self.pin_tries.wait_until = Some(Instant::now() + LOCKOUT);
            let secs = LOCKOUT.as_secs().to_string();
            return Err(StoreError::NotAllowed(tf("pin.err.wrong_wait", &[("secs", &secs)])));
        }
        Err(StoreError::NotAllowed(tf("pin.err.wrong", &[("left", &left.to_string())])))
    }

    /// Signs `cadre_id` in as the approver with their PIN: reviews, 销号 and village settings are
    /// then recorded under them for [`SIGNED_FOR`] after the last one.
    pub fn sign_in(&mut self, cadre_id: &str, pin: &str) -> Result<()> {
        let actor = self.cadre_actor(cadre_id)?;
        let approver = self.approver_role()?;
        if actor.role != Some(approver) {
            return Err(StoreError::NotAllowed(tf("pin.err.not_approver", &[("role", approver.label())])));
        }
        self.verify_pin(cadre_id, pin)?;
        self.signed = Some(Signed { actor, until: Instant::now() + SIGNED_FOR });
        Ok(())
    }

    /// Ends the approver's signed-in time at once.
    pub fn sign_out(&mut self) {
        self.signed = None;
    }

    /// The approver signed in with their PIN on this connection, if still within their time.
    pub fn signed_approver(&self) -> Option<Actor> {
        self.signed.as_ref().filter(|s| Instant::now() < s.until).map(|s| s.actor.clone())
    }

    /// The signed-in approver for a sign-off (their time renewed), or why there is none.
    pub(super) fn require_signed(&mut self) -> Result<Actor> {
        let Some(actor) = self.signed_approver() else {
            let role = self.approver_role()?.label();
            let key = if self.approver_has_pin()? { "pin.err.needs_sign_in" } else { "pin.err.no_approver_pin" };
            return Err(StoreError::NotAllowed(tf(key, &[("role", role)])));
        };
        if let Some(s) = self.signed.as_mut() {
            s.until = Instant::now() + SIGNED_FOR;
        }
        Ok(actor)
    }

    /// [`Store::require_signed`] once the village has an approver PIN; before that, nothing is
    /// required (a new village must be set up before anyone has a PIN).
    pub(super) fn require_signed_if_any_pin(&mut self) -> Result<Option<Actor>> {
        if self.approver_has_pin()? { self.require_signed().map(Some) } else { Ok(None) }
    }
}
