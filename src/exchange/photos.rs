//! The photo folder (走访图片影像) of a period: one sub-folder per village and group, files named
//! `组-户主-日期-序号.jpg`, written beside the ledger for an inspector to look through.

use super::error::ExchangeError;
use super::package::safe_file_part;
use crate::progress::Progress;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, ExchangeError>;

/// What a photo export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotosWritten {
    /// Photos written.
    pub photos: usize,
    /// Of them, written as thumbnails because only the thumbnail is in this database (a package
    /// came without full photos).
    pub thumbnails: usize,
    /// Folders made or reused (one per village and group).
    pub folders: usize,
}

/// The file name of a photo: `一组-张三-2026-11-03-1.jpg` (no group: `张三-2026-11-03-1.jpg`).
pub fn photo_file_name(group: &str, head: &str, date: NaiveDate, seq: usize) -> String {
    let group = safe_file_part(group);
    let stem = format!("{}-{}-{seq}", safe_file_part(head), date.format("%Y-%m-%d"));
    if group.is_empty() { format!("{stem}.jpg") } else { format!("{group}-{stem}.jpg") }
}

/// Writes the photos of visits dated `from..=to` (in `village_id`, or everywhere) under `out`.
/// Existing files of the same name are replaced (the same export run again gives the same
/// folder); `progress` hears each photo, and cancelling stops before the next one.
pub fn export(
    store: &Store,
    village_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    out: &Path,
    progress: &Progress,
) -> Result<PhotosWritten> {
    let photos = store.photos_between(village_id, from, to)?;
    progress.step(crate::i18n::t("photos.exporting"), photos.len() as u64);
    let mut done = PhotosWritten::default();
    let mut folders: Vec<PathBuf> = Vec::new();
    for (i, p) in photos.iter().enumerate() {
        if progress.cancelled() {
            return Err(StoreError::Cancelled.into());
        }
        progress.set_done(i as u64);
        let group = if p.group.is_empty() { crate::i18n::t("photos.no_group").to_string() } else { p.group.clone() };
        let dir = out.join(safe_file_part(&p.village)).join(safe_file_part(&group));
        if !folders.contains(&dir) {
            std::fs::create_dir_all(&dir).map_err(|e| ExchangeError::io(&dir, e))?;
            folders.push(dir.clone());
        }
        let bytes = match store.picture(&p.sha256)? {
            Some(full) => full,
            None => {
                done.thumbnails += 1;
                store.thumbnail(&p.sha256)?.unwrap_or_default()
            }
        };
        let file = dir.join(photo_file_name(&p.group, &p.head, p.date, p.seq));
        std::fs::write(&file, bytes).map_err(|e| ExchangeError::io(&file, e))?;
        done.photos += 1;
    }
    progress.set_done(photos.len() as u64);
    done.folders = folders.len();
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_group_head_date_number() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(photo_file_name("一组", "张三", day, 2), "一组-张三-2026-11-03-2.jpg");
        assert_eq!(photo_file_name("", "李/四", day, 1), "李_四-2026-11-03-1.jpg");
    }
}
