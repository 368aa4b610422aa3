//! Any bytes as a roster file (xlsx, xls, csv…): read within the limits, header found, planned.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use zoufang::exchange::roster::{LIMITS, Limits, Workbook};

fuzz_target!(|data: &[u8]| {
    // Small bounds keep each run quick; the reader must refuse, not allocate, beyond them.
    let limits = Limits { seconds: 5, ..LIMITS };
    if let Ok(book) = Workbook::from_bytes(Path::new("fuzz.xlsx"), data.to_vec(), limits) {
        for sheet in &book.sheets {
            for r in 0..sheet.height().min(50) {
                for c in 0..sheet.width().min(50) {
                    let cell = sheet.cell(r, c);
                    let _ = (cell.text(), cell.is_inexact_number());
                }
            }
        }
    }
});
