//! `attach` and `photos`: photos onto a visit, and the photo folder of a period out.

use crate::exchange::photos;
use crate::i18n::tf;
use crate::photo::prepare;
use crate::progress::Progress;
use crate::store::{Added, Store, io_reason};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `zoufang attach --visit ID FILE...`: one line per file (stored, duplicate, or refused and
/// why); non-zero exit when any file was refused. A refused file changes nothing.
pub fn attach(store: &mut Store, visit: &str, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    if store.visit(visit)?.is_none() {
        anyhow::bail!(tf("photo.cli.no_visit", &[("id", visit)]));
    }
    let mut refused = 0;
    for file in files {
        let name = file.display().to_string();
        match add_one(store, visit, file) {
            Ok(Added::Stored(_)) => say!("{}", tf("photo.cli.stored", &[("file", &name)])),
            Ok(Added::Duplicate) => say!("{}", tf("photo.cli.duplicate", &[("file", &name)])),
            Err(reason) => {
                refused += 1;
                say_err!("{}", tf("photo.cli.refused", &[("file", &name), ("reason", &reason)]));
            }
        }
    }
    Ok(if refused > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn add_one(store: &mut Store, visit: &str, file: &Path) -> Result<Added, String> {
    let bytes = std::fs::read(file).map_err(|e| io_reason(&e))?;
    let prepared = prepare(&bytes).map_err(|e| e.to_string())?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    store.add_photo(visit, &name, &prepared).map_err(|e| e.to_string())
}

/// `zoufang photos --out DIR`: the photo folder of a period.
pub fn export(
    store: &Store,
    out: &Path,
    village_id: Option<&str>,
    period: crate::exchange::ledger::Period,
) -> anyhow::Result<()> {
    let done = photos::export(store, village_id, period.first_day(), period.last_day(), out, &Progress::none())?;
    say!(
        "{}",
        tf(
            "photos.cli.done",
            &[
                ("n", &done.photos.to_string()),
                ("folders", &done.folders.to_string()),
                ("path", &out.display().to_string())
            ]
        )
    );
    if done.thumbnails > 0 {
        say!("{}", tf("photos.cli.thumbnails", &[("n", &done.thumbnails.to_string())]));
    }
    Ok(())
}
