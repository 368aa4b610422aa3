//! One writer per database file, whatever name it is opened under.
//!
//! On Unix the lock is an advisory `flock` on the database file itself: it belongs to the file
//! (its inode), so a second zoufang reaching the same file through another path, a symlink or a
//! hard link is refused. `flock` locks are independent of the POSIX record locks SQLite takes on
//! the same file, so SQLite's own locking is untouched, and the process's own connections (the
//! window's and its background jobs' through [`super::Store::worker`]) share the one lock the store
//! holds. SQLite's `locking_mode=EXCLUSIVE` was not used: it would also shut out those workers.
//!
//! Elsewhere (Windows locks are mandatory and would block SQLite's own reads) the lock is a
//! `.lock` file beside the database's canonical path, which follows symlinks but not hard links.

use super::{Result, StoreError};
use std::fs::File;
use std::path::Path;

/// Takes the lock of the database at `path`, creating the (empty) file owner-only if absent.
///
/// A lock found taken is tried again for a moment: a child process this program starts holds a
/// copy of every open file until it runs its own program, so a store closed and opened again
/// while a child starts (a file dialog, a test's subprocess) could otherwise meet its own lock.
pub(super) fn take(path: &Path) -> Result<File> {
    let (file, at) = open_lock_file(path)?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < RETRY_FOR => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Locked(path.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(&at, &e)),
        }
    }
}

/// How long a taken lock is tried again before the database is said to be in use.
const RETRY_FOR: std::time::Duration = std::time::Duration::from_millis(750);

#[cfg(unix)]
fn open_lock_file(path: &Path) -> Result<(File, std::path::PathBuf)> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = if path.exists() {
        File::open(path)
    } else {
        File::options().read(true).write(true).create(true).truncate(false).mode(0o600).open(path)
    };
    file.map(|f| (f, path.to_path_buf())).map_err(|e| StoreError::io(path, &e))
}

#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> Result<(File, std::path::PathBuf)> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut name = real.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let at = real.with_file_name(name);
    let file =
        File::options().create(true).truncate(false).write(true).open(&at).map_err(|e| StoreError::io(&at, &e))?;
    Ok((file, at))
}

/// Whether a file can be made in `dir` (SQLite needs its `-wal` and `-shm` files beside the
/// database): tried for real, since permission bits do not tell (a read-only mount, root).
pub(super) fn dir_writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".zoufang-probe-{}", std::process::id()));
    match File::options().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == std::io::ErrorKind::AlreadyExists,
    }
}

/// Makes a file this program wrote (a backup, a package) readable by its owner only.
pub fn owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}
