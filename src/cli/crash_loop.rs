//! `zoufang crash-loop` (hidden): saves visits and a visit-form draft in a loop, printing each
//! after its commit, until killed. The crash-safety test (`tests/cli/crash.rs`) and
//! `scripts/kill-test.sh` kill it at random moments and check that everything it printed is
//! there and whole.

use crate::model::visit::{Visit, VisitKind};
use crate::store::Store;
use chrono::NaiveDate;
use std::io::Write;

/// Runs until killed (or `rounds` rounds, for a quick try). Prints `visit ID ANSWERS` after a
/// visit's transaction committed and `draft HOUSEHOLD N` after draft N (the time in µs) was
/// kept.
pub fn run(store: &mut Store, today: NaiveDate, rounds: Option<u64>) -> anyhow::Result<()> {
    let households = store.household_rows(None)?;
    let model = households
        .iter()
        .find_map(|h| store.latest_visit(&h.id).ok().flatten())
        .ok_or_else(|| anyhow::anyhow!("crash-loop needs a database with visits (zoufang demo)"))?;
    let Some(drafted) = households.last() else { anyhow::bail!("crash-loop needs households") };
    let visited: Vec<_> = households.iter().filter(|h| h.id != drafted.id).collect();
    if visited.is_empty() {
        anyhow::bail!("crash-loop needs two households");
    }
    let mut out = std::io::stdout().lock();
    for n in 0..rounds.unwrap_or(u64::MAX) {
        let household = visited[n as usize % visited.len()];
        let mut visit = Visit::new(&household.id, &model.cadre_id, model.date, VisitKind::Monthly, &model.template_id);
        visit.measures = format!("crash-loop {n}");
        visit.answers = model.answers.clone();
        store.save_visit(&mut visit, today)?;
        writeln!(out, "visit {} {}", visit.id, visit.answers.len())?;
        let mut draft = visit.clone();
        draft.id = String::new();
        draft.household_id = drafted.id.clone();
        // Drafts are numbered by the clock, so a later run's draft is a larger number.
        let mark = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_micros();
        draft.measures = format!("draft {mark}");
        store.save_draft(&drafted.id, None, &serde_json::to_string(&draft)?)?;
        writeln!(out, "draft {} {mark}", drafted.id)?;
        out.flush()?;
    }
    Ok(())
}
