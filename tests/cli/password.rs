//! The lost-laptop test from the command line: a database, its backups and a package made with
//! passwords show no name or ID number and do not open without them; wrong passwords are refused
//! with one sentence; the password can be changed and removed; a sealed package merges only with
//! its passphrase.

use crate::support::{failed, ok, zoufang};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs the binary with `env` set and `stdin` piped in (never a terminal).
fn run(db: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoufang"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("ZOUFANG_PASSWORD")
        .env_remove("ZOUFANG_PACKAGE_PASSPHRASE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("村.db");
    ok(zoufang(&db, &["demo", "--households", "12", "--months", "1"]));
    db
}

/// A name and a full ID number that the demo database holds.
fn secrets(db: &Path) -> (String, String) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT name, id_number FROM members WHERE id_number <> '' LIMIT 1", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

fn readable(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What `strings` would find: no SQLite header, name or ID number in the file.
fn assert_unreadable(file: &Path, name: &str, id: &str) {
    let bytes = std::fs::read(file).unwrap();
    for needle in ["SQLite format 3", name, id] {
        assert!(!readable(&bytes, needle), "{} shows {needle}", file.display());
    }
}

const PW: &str = "黄堡镇2026走访";

#[test]
fn a_database_with_a_password_and_its_backups_reveal_nothing_and_need_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let (name, id) = secrets(&db);
    ok(zoufang(&db, &["backup"]));

    let said = ok(run(&db, &["password", "set"], &[], &format!("{PW}\n")));
    assert!(said.contains("恢复密钥") && said.contains("忘记密码"), "{said}");
    let code = said.lines().map(str::trim).find(|l| l.len() == 29 && l.matches('-').count() == 5).unwrap().to_string();

    // Every file it made: the database, the backup from before, a backup made now.
    ok(run(&db, &["backup"], &[("ZOUFANG_PASSWORD", PW)], ""));
    let backups: Vec<PathBuf> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    assert!(backups.len() >= 2, "{backups:?}");
    for f in std::iter::once(&db).chain(&backups) {
        assert_unreadable(f, &name, &id);
    }
    // SQLite without the key cannot read it.
    let raw = rusqlite::Connection::open(&db).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM members", [], |r| r.get::<_, i64>(0)).is_err());
    drop(raw);

    // No password: one sentence saying how to give it.
    let said = failed(run(&db, &["status"], &[], ""));
    assert!(said.contains("已设密码") && said.contains("ZOUFANG_PASSWORD"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let before = std::fs::read(&db).unwrap();
    let said = failed(run(&db, &["status"], &[("ZOUFANG_PASSWORD", "猜一个密码")], ""));
    assert!(said.contains("数据库密码不正确"), "{said}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "a wrong password changes nothing");

    let status = ok(run(&db, &["status"], &[("ZOUFANG_PASSWORD", PW)], ""));
    assert!(status.contains("农户"), "{status}");
    ok(run(&db, &["check"], &[("ZOUFANG_PASSWORD", &code)], ""));
}

#[test]
fn the_password_is_changed_and_removed_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let said = failed(run(&db, &["password", "set"], &[], "短\n"));
    assert!(said.contains("太短"), "{said}");
    ok(run(&db, &["password", "set"], &[], &format!("{PW}\n")));
    let said = failed(run(&db, &["password", "set"], &[], &format!("{PW}\n")));
    assert!(said.contains("已经设了密码"), "{said}");

    let said = failed(run(&db, &["password", "change"], &[("ZOUFANG_PASSWORD", "不对的密码")], "另一个密码123\n"));
    assert!(said.contains("数据库密码不正确"), "{said}");
    ok(run(&db, &["password", "change"], &[("ZOUFANG_PASSWORD", PW)], "另一个密码123\n"));
    failed(run(&db, &["status"], &[("ZOUFANG_PASSWORD", PW)], ""));
    ok(run(&db, &["status"], &[("ZOUFANG_PASSWORD", "另一个密码123")], ""));

    failed(run(&db, &["password", "remove"], &[("ZOUFANG_PASSWORD", PW)], ""));
    ok(run(&db, &["password", "remove"], &[("ZOUFANG_PASSWORD", "另一个密码123")], ""));
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
    ok(zoufang(&db, &["status"]));
    let said = failed(zoufang(&db, &["password", "remove"]));
    assert!(said.contains("没有设密码"), "{said}");
}

#[test]
fn a_sealed_package_merges_only_with_its_passphrase_and_says_who_made_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let (name, id) = secrets(&db);
    let package = dir.path().join("村.zfp");
    let pkg = package.to_str().unwrap();
    let said = failed(run(&db, &["pack", "--out", pkg, "--encrypt"], &[], ""));
    assert!(said.contains("ZOUFANG_PACKAGE_PASSPHRASE"), "{said}");
    let phrase = [("ZOUFANG_PACKAGE_PASSPHRASE", "乡镇和村约定的口令")];
    let said = ok(run(&db, &["pack", "--out", pkg, "--encrypt"], &phrase, ""));
    assert!(said.contains("制作设备") && said.contains("加密"), "{said}");
    assert_unreadable(&package, &name, &id);

    let township = dir.path().join("乡镇.db");
    let said = failed(run(&township, &["merge", pkg], &[], ""));
    assert!(said.contains("已用口令加密"), "{said}");
    let said = failed(run(&township, &["merge", pkg], &[("ZOUFANG_PACKAGE_PASSPHRASE", "猜的口令猜的口令")], ""));
    assert!(said.contains("口令不正确"), "{said}");
    let mut changed = std::fs::read(&package).unwrap();
    let middle = changed.len() / 2;
    changed[middle] ^= 1;
    let forged = dir.path().join("改过.zfp");
    std::fs::write(&forged, &changed).unwrap();
    let said = failed(run(&township, &["merge", forged.to_str().unwrap()], &phrase, ""));
    assert!(said.contains("被改动"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");

    let said = ok(run(&township, &["merge", pkg], &phrase, ""));
    assert!(said.contains("设备"), "{said}");
}

/// How many households `status` reports, opening with `password` when the file needs one.
fn household_line(db: &Path, password: Option<&str>) -> Option<String> {
    let env: Vec<(&str, &str)> = password.map(|p| ("ZOUFANG_PASSWORD", p)).into_iter().collect();
    let out = run(db, &["status"], &env, "");
    out.status.success().then(|| {
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.lines().find(|l| l.trim().starts_with("农户：")).unwrap_or_default().trim().to_string()
    })
}

#[test]
fn a_password_set_killed_at_any_moment_leaves_the_database_plain_or_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let expected = household_line(&original, None).unwrap();
    let (mut plain, mut encrypted) = (0, 0);
    // Killed at once (nothing done yet), at moments across the run (Argon2id, the copies, the
    // renames), and never (finished): the first is plain, the last encrypted, whatever the speed.
    let delays = [Some(0u64), Some(150), Some(400), Some(700), Some(1000), Some(1300), Some(1700), Some(2200), None];
    for (round, delay) in delays.into_iter().enumerate() {
        let here = dir.path().join(format!("round-{round}"));
        std::fs::create_dir_all(&here).unwrap();
        let db = here.join("村.db");
        std::fs::copy(&original, &db).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_zoufang"))
            .arg("--db")
            .arg(&db)
            .args(["password", "set"])
            .env_remove("ZOUFANG_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{PW}\n").as_bytes()).unwrap();
        if let Some(ms) = delay {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let _ = child.kill();
        }
        let _ = child.wait();
        // Whatever moment it died at, the database opens — plain without a password, or
        // encrypted with it — and holds every household.
        let found = match household_line(&db, None) {
            Some(line) => {
                plain += 1;
                assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
                line
            }
            None => {
                encrypted += 1;
                household_line(&db, Some(PW)).unwrap_or_else(|| panic!("round {round}: opens neither way"))
            }
        };
        assert_eq!(found, expected, "round {round} ({delay:?} ms)");
        let leftovers: Vec<_> = std::fs::read_dir(&here)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("converting") || n.ends_with(".convert"))
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
    assert!(plain > 0 && encrypted > 0, "killed both before and after: {plain} plain, {encrypted} encrypted");
}
