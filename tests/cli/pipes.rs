//! Output into a pipe whose reader has gone (`zoufang status | head -1`) ends quietly.

use crate::support::{ok, zoufang};

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    ok(zoufang(&db, &["demo", "--households", "5", "--months", "1"]));
    let err = dir.path().join("err.txt");
    for command in ["status", "problems", "check"] {
        // `true` exits without reading: every line zoufang writes meets a closed pipe.
        let script = format!(
            "'{}' --db '{}' {command} 2>'{}' | true; echo ${{PIPESTATUS[0]}}",
            env!("CARGO_BIN_EXE_zoufang"),
            db.display(),
            err.display()
        );
        let out = std::process::Command::new("bash").arg("-c").arg(&script).output().unwrap();
        let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let stderr = std::fs::read_to_string(&err).unwrap();
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        assert_ne!(code, "101", "{command} panicked: {stderr}");
    }
}
