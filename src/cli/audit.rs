//! `zoufang audit` (the log of who changed what, readably) and `zoufang pin set` (a cadre's PIN
//! for sign-off, read from standard input so it never shows in the shell's history).

use crate::i18n::{t, tf};
use crate::store::Store;
use anyhow::{Context, anyhow};
use std::io::BufRead;

/// Prints the log: of one household (id, 户编号 or 户主姓名), or since a date, or all of it.
pub fn audit(store: &Store, household: Option<&str>, since: Option<&str>) -> anyhow::Result<()> {
    let entries = match household {
        Some(wanted) => {
            let rows = store.household_rows(None)?;
            let found: Vec<_> =
                rows.iter().filter(|h| h.id == wanted || h.code == wanted || h.head_name == wanted).collect();
            let h = match found.as_slice() {
                [one] => one,
                [] => return Err(anyhow!(tf("cli.audit.no_household", &[("what", wanted)]))),
                _ => return Err(anyhow!(tf("cli.audit.which_household", &[("what", wanted)]))),
            };
            say!("{}", tf("cli.audit.household", &[("head", &h.head_name), ("code", &h.code)]));
            store.audit_of_household(&h.id)?
        }
        None => {
            if let Some(s) = since
                && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
            {
                return Err(anyhow!(tf("cli.audit.bad_date", &[("date", s)])));
            }
            store.audit_since(since)?
        }
    };
    let questions = crate::checklist::item_questions(store)?;
    for e in &entries {
        say!("{}", e.line(&questions));
    }
    say!("{}", tf("cli.audit.count", &[("n", &entries.len().to_string())]));
    Ok(())
}

/// `zoufang pin set --cadre C [--by A]`: the new PIN on the first line of standard input; the
/// second line is the old PIN (changing one's own) or the PIN of `--by` (an approver confirming
/// a first PIN). The very first approver PIN needs no second line.
pub fn set_pin(store: &mut Store, cadre: &str, by: Option<&str>) -> anyhow::Result<()> {
    let id = cadre_id(store, cadre)?;
    let by = by.map(|b| cadre_id(store, b)).transpose()?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let new = lines.next().transpose().context(t("cli.pin.read"))?.unwrap_or_default();
    let old = lines.next().transpose().context(t("cli.pin.read"))?.map(|l| l.trim().to_string());
    let authority = old.as_deref().filter(|p| !p.is_empty()).map(|pin| (by.as_deref().unwrap_or(&id), pin));
    store.set_pin(&id, new.trim(), authority)?;
    say!("{}", t("cli.pin.set"));
    Ok(())
}

/// A cadre by id or by a name only one cadre has.
fn cadre_id(store: &Store, wanted: &str) -> anyhow::Result<String> {
    let cadres = store.cadres(true)?;
    let found: Vec<_> = cadres.iter().filter(|c| c.cadre.id == wanted || c.cadre.name == wanted).collect();
    match found.as_slice() {
        [one] => Ok(one.cadre.id.clone()),
        [] => Err(anyhow!(tf("cli.pin.no_cadre", &[("what", wanted)]))),
        _ => Err(anyhow!(tf("cli.pin.which_cadre", &[("what", wanted)]))),
    }
}
