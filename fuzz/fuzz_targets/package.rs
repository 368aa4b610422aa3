//! Any bytes as a village package: opened, verified, validated and merged into an empty
//! database as a preview (rolled back) — refused with a sentence, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoufang::exchange::merge::{Settlement, preview};
use zoufang::store::Store;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile_dir() else { return };
    let path = dir.join("fuzz.zfp");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    // A forged checksum is what a hostile sender writes: reseal so the fuzzer reaches the rows.
    let _ = zoufang::exchange::package::forge(&path, "");
    if let Ok(mut store) = Store::open_in_memory() {
        if let Err(e) = preview(&mut store, std::slice::from_ref(&path), &Settlement::newest()) {
            let _ = e.to_string();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
});

/// A fresh folder per run (the fuzzer runs one input at a time).
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("zoufang-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
