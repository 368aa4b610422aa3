//! Any text as a checklist template: parsed or refused with a line and a reason.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = zoufang::checklist::parse(&text) {
        let _ = e.to_string();
    }
});
