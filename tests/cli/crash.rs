//! Crash safety: a child process saves visits and a draft in a loop, printing each after its
//! commit; it is killed with SIGKILL at random moments, and after every kill the database must
//! pass `integrity_check`, hold every visit it acknowledged with all its answers, and keep the
//! newest acknowledged draft. `ZOUFANG_KILLS` sets the number of kills (`scripts/kill-test.sh`).
#![cfg(unix)]

use crate::support::{ok, zoufang};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use zoufang::store::Store;

/// A small xorshift: the seed is printed so a failing run can be repeated (`ZOUFANG_SEED`).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// Runs the loop and kills it: `wait` after its first acknowledged save when `after_first`
/// (a kill in the middle of saving, whatever the machine's load), else `wait` after it started
/// (often in start-up or opening). Returns what it acknowledged.
fn run_and_kill(db: &Path, wait: Duration, after_first: bool) -> String {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoufang"))
        .arg("--db")
        .arg(db)
        .arg("crash-loop")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if after_first {
        let _ = rx.recv_timeout(Duration::from_secs(20));
    }
    std::thread::sleep(wait);
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    reader.join().unwrap()
}

/// Checks the database after a kill against everything acknowledged so far.
fn verify(db: &Path, acked: &HashMap<String, usize>, draft: Option<(&str, u64)>, kill: u64) {
    let store = Store::open(db).unwrap_or_else(|e| panic!("kill {kill}: the database does not open: {e}"));
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "kill {kill}");
    let mut st = conn
        .prepare("SELECT (SELECT count(*) FROM visit_answers a WHERE a.visit_id = v.id) FROM visits v WHERE v.id = ?1 AND v.deleted_at IS NULL")
        .unwrap();
    for (id, answers) in acked {
        let found: Option<usize> = st.query_row([id], |r| r.get::<_, i64>(0)).ok().map(|n| n as usize);
        assert_eq!(found, Some(*answers), "kill {kill}: acknowledged visit {id} lost or not whole");
    }
    if let Some((household, n)) = draft {
        let (body, _) = store.draft(household, None).unwrap().unwrap_or_else(|| panic!("kill {kill}: draft lost"));
        let kept: u64 = body
            .split("draft ")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("kill {kill}: draft unreadable"));
        assert!(kept >= n, "kill {kill}: draft {n} was acknowledged, {kept} kept");
    }
}

#[test]
fn killed_at_random_moments_the_database_keeps_every_acknowledged_visit_and_draft() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    ok(zoufang(&db, &["demo", "--households", "6", "--months", "1"]));
    let kills = env_number("ZOUFANG_KILLS").unwrap_or(50);
    let seed = env_number("ZOUFANG_SEED")
        .unwrap_or_else(|| SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64)
        | 1;
    println!("crash test: {kills} kills, ZOUFANG_SEED={seed}");
    let mut rng = Rng(seed);
    let mut acked: HashMap<String, usize> = HashMap::new();
    let mut draft: Option<(String, u64)> = None;
    let started = Instant::now();
    let mut landed = 0;
    for kill in 0..kills {
        // One kill in four at a moment from the start (start-up, opening, migration checks);
        // the others in the middle of saving.
        let after_first = rng.below(4) != 0;
        let wait = Duration::from_millis(if after_first { rng.below(60) } else { 10 + rng.below(140) });
        let said = run_and_kill(&db, wait, after_first);
        let before = acked.len();
        for line in said.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["visit", id, n] => {
                    acked.insert(id.to_string(), n.parse().unwrap());
                }
                ["draft", household, n] => draft = Some((household.to_string(), n.parse().unwrap())),
                _ => {}
            }
        }
        landed += usize::from(acked.len() > before);
        verify(&db, &acked, draft.as_ref().map(|(h, n)| (h.as_str(), *n)), kill);
    }
    println!(
        "crash test: survived {kills} kills in {:.1} s; {} visits acknowledged, {landed} runs killed while saving",
        started.elapsed().as_secs_f64(),
        acked.len()
    );
    assert!(landed as u64 * 2 >= kills, "most kills should land while visits are being saved: {landed}");
}
