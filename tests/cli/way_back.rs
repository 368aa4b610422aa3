//! A way back and faults spoken plainly: backups, restore, a mistyped `--db`, read-only files.

use crate::support::{failed, ok, zoufang};
use std::path::{Path, PathBuf};

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("村.db");
    ok(zoufang(&db, &["demo", "--households", "10", "--months", "1"]));
    db
}

fn households(db: &Path) -> String {
    let status = ok(zoufang(db, &["status"]));
    status.lines().find(|l| l.trim().starts_with("农户：")).unwrap_or_default().trim().to_string()
}

fn backups(db: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(db.parent().unwrap().join("backups"))
        .map(|rd| rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_mistyped_db_for_a_command_that_reads_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("没有这个文件夹").join("村.db");
    let out = dir.path().join("x.zfp");
    let out = out.to_str().unwrap();
    for args in [
        &["status"][..],
        &["check"],
        &["problems"],
        &["pack", "--out", out],
        &["export-ledger", "--out", out],
        &["backup"],
        &["template", "list"],
    ] {
        let said = failed(zoufang(&db, args));
        assert!(said.contains("不存在") && said.contains("村.db"), "{args:?}: {said}");
        assert_eq!(said.trim().lines().count(), 1, "{said}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no folder, no database made");
}

#[test]
fn backup_out_never_overwrites_another_file_but_replaces_its_own_earlier_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let other = dir.path().join("other.db");
    ok(zoufang(&other, &["demo", "--households", "3", "--seed", "9"]));
    let before = std::fs::read(&other).unwrap();
    for target in [&other, &db] {
        let said = failed(zoufang(&db, &["backup", "--out", target.to_str().unwrap()]));
        assert!(said.contains("没有覆盖"), "{said}");
    }
    assert_eq!(std::fs::read(&other).unwrap(), before);
    let mine = dir.path().join("mine.db");
    ok(zoufang(&db, &["backup", "--out", mine.to_str().unwrap()]));
    ok(zoufang(&db, &["backup", "--out", mine.to_str().unwrap()]));
    assert!(!dir.path().join("mine.db.partial").exists());
}

#[cfg(unix)]
#[test]
fn a_read_only_database_is_backed_up_at_once_and_refused_for_writing_in_words() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    assert_eq!(std::fs::metadata(&db).unwrap().permissions().mode() & 0o777, 0o600, "the database is its owner's");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let started = std::time::Instant::now();
    let copy = dir.path().join("copy.db");
    ok(zoufang(&db, &["backup", "--out", copy.to_str().unwrap()]));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!dir.path().join("村.db-wal").exists(), "no read-only journal left beside it");
    let said = failed(zoufang(&db, &["demo", "--households", "2"]));
    assert!(said.contains("只读") && said.contains("村.db"), "{said}");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(households(&copy), households(&db));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    let package = dir.path().join("p.zfp");
    ok(zoufang(&db, &["pack", "--out", package.to_str().unwrap()]));
    for file in [&copy, &package] {
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is readable by its owner only", file.display());
    }
}

#[cfg(unix)]
#[test]
fn a_database_in_a_read_only_folder_is_refused_in_words_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("只读");
    std::fs::create_dir(&folder).unwrap();
    let db = demo(&folder);
    let before = std::fs::read(&db).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let said = failed(zoufang(&db, &["demo", "--households", "2"]));
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("不允许写入") && said.contains("只读"), "{said}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_merge_is_undone_by_restoring_the_backup_made_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let package = other_village_package(dir.path());
    let before = households(&db);
    ok(zoufang(&db, &["merge", package.to_str().unwrap()]));
    assert_ne!(households(&db), before);
    let made = backups(&db);
    let merge = made.iter().find(|n| n.ends_with("-merge.db")).expect("a backup before the merge");
    let backup = db.parent().unwrap().join("backups").join(merge);

    let said = failed(zoufang(&db, &["restore", backup.to_str().unwrap()]));
    assert!(said.contains("--yes"), "no terminal to ask on: {said}");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let said = failed(zoufang(&db, &["restore", "--yes", junk.to_str().unwrap()]));
    assert!(said.contains("不是走访的数据库备份"), "{said}");

    let done = ok(zoufang(&db, &["restore", "--yes", backup.to_str().unwrap()]));
    assert!(done.contains("撤销"), "{done}");
    assert_eq!(households(&db), before);
    assert!(backups(&db).iter().any(|n| n.ends_with("-restore.db")));
    ok(zoufang(&db, &["check"]));
}

#[test]
fn a_damaged_database_is_replaced_by_a_backup_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let copy = dir.path().join("good.db");
    ok(zoufang(&db, &["backup", "--out", copy.to_str().unwrap()]));
    let before = households(&db);
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..16].copy_from_slice(b"garbage garbage!");
    std::fs::write(&db, bytes).unwrap();
    failed(zoufang(&db, &["status"]));
    ok(zoufang(&db, &["restore", "--yes", copy.to_str().unwrap()]));
    assert_eq!(households(&db), before);
    assert!(backups(&db).iter().any(|n| n.contains("restore-damaged")));
}

/// Runs zoufang with files limited to `kib` KiB (a full disk as the process sees it).
#[cfg(unix)]
fn zoufang_on_full_disk(db: &Path, kib: u64, args: &[&str]) -> std::process::Output {
    let mut command = format!("trap '' XFSZ; ulimit -f {}; exec \"$0\" --db \"$1\"", kib * 2);
    for i in 0..args.len() {
        command.push_str(&format!(" \"${}\"", i + 2));
    }
    std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .arg(env!("CARGO_BIN_EXE_zoufang"))
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_said_in_one_sentence_and_leaves_the_database_and_folder_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = households(&db);
    let size = std::fs::metadata(&db).unwrap().len() / 1024;
    let out = zoufang_on_full_disk(&db, size + 64, &["demo", "--households", "400", "--months", "6", "--seed", "3"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("磁盘") && !said.contains("disk I/O error"), "{said}");
    assert_eq!(households(&db), before, "nothing half-written");
    ok(zoufang(&db, &["check"]));

    let package = dir.path().join("p.zfp");
    let out = zoufang_on_full_disk(&db, 16, &["pack", "--out", package.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let copy = dir.path().join("copy.db");
    let out = zoufang_on_full_disk(&db, 64, &["backup", "--out", copy.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("copy.db") && said.contains("磁盘"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(!copy.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(
        left.iter().all(|n| !n.to_string_lossy().contains("partial") && !n.to_string_lossy().ends_with(".zfp")),
        "{left:?}"
    );
}

#[test]
fn merging_the_same_package_again_changes_nothing_and_copies_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let package = other_village_package(dir.path());
    let merge_backups = |db: &Path| backups(db).into_iter().filter(|n| n.contains("-merge")).count();
    ok(zoufang(&db, &["merge", package.to_str().unwrap()]));
    assert_eq!(merge_backups(&db), 1, "a backup before the merge that writes: {:?}", backups(&db));
    let again = ok(zoufang(&db, &["merge", package.to_str().unwrap()]));
    assert!(again.contains("新增 0 条，更新 0 条"), "{again}");
    assert_eq!(merge_backups(&db), 1, "no copy before a merge that changes nothing: {:?}", backups(&db));
    // A package that brings something new is backed up before again.
    let third = dir.path().join("third.db");
    ok(zoufang(&third, &["demo", "--households", "2", "--seed", "8"]));
    let other = dir.path().join("q.zfp");
    ok(zoufang(&third, &["pack", "--out", other.to_str().unwrap()]));
    ok(zoufang(&db, &["merge", other.to_str().unwrap()]));
    assert_eq!(merge_backups(&db), 2, "{:?}", backups(&db));
}

/// A package of another demo village (4 households), made in `dir`.
fn other_village_package(dir: &Path) -> std::path::PathBuf {
    let second = dir.join("second.db");
    ok(zoufang(&second, &["demo", "--households", "4", "--seed", "7"]));
    let package = dir.join("p.zfp");
    ok(zoufang(&second, &["pack", "--out", package.to_str().unwrap()]));
    package
}
