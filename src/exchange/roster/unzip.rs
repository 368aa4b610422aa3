//! A check of a zipped workbook's (.xlsx, .ods) unpacked size before calamine reads it.
//!
//! calamine unpacks a workbook's shared strings, styles and sheet list into memory whole, so a
//! few megabytes of compressed text can claim gigabytes (a "zip bomb"). The parts' declared
//! sizes are summed from the archive's directory; a part holding more than it declares is cut
//! off by the zip library with an error (see the tests), so the sum bounds what calamine gets.

use std::io::Cursor;

/// Checks that the archive in `bytes` declares at most `max` bytes unpacked in all, and returns
/// the total; `Err(())` when it is larger. An archive this cannot read is left to calamine.
pub fn check_bounds(bytes: &[u8], max: u64) -> Result<u64, ()> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(0) };
    let mut total = 0u64;
    for i in 0..archive.len() {
        if let Ok(part) = archive.by_index_raw(i) {
            total = total.saturating_add(part.size());
        }
    }
    if total > max { Err(()) } else { Ok(total) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zipped(parts: &[(&str, &[u8], usize)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, chunk, times) in parts {
            out.start_file(*name, opts).unwrap();
            for _ in 0..*times {
                out.write_all(chunk).unwrap();
            }
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn an_ordinary_workbook_passes_with_its_unpacked_size() {
        let bytes = zipped(&[("xl/workbook.xml", b"<workbook/>", 1), ("xl/sharedStrings.xml", b"<si/>", 10)]);
        assert_eq!(check_bounds(&bytes, 1 << 20), Ok(11 + 50));
    }

    #[test]
    fn a_part_that_unpacks_past_the_bound_is_refused() {
        // 8 MB of one repeated string compresses to a few kilobytes.
        let bytes = zipped(&[("xl/sharedStrings.xml", &[b'a'; 1024], 8 * 1024)]);
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        assert_eq!(check_bounds(&bytes, 4 << 20), Err(()));
        assert!(check_bounds(&bytes, 16 << 20).is_ok());
    }

    #[test]
    fn a_part_holding_more_than_it_declares_is_cut_off_by_the_zip_library() {
        let mut bytes = zipped(&[("xl/sharedStrings.xml", &[b'a'; 1024], 8 * 1024)]);
        // Forge every uncompressed-size field (local header at 22, central directory at 24) to 1 byte.
        let forge = |bytes: &mut Vec<u8>, sig: &[u8], at: usize| {
            let starts: Vec<usize> = bytes.windows(4).enumerate().filter(|(_, w)| *w == sig).map(|(i, _)| i).collect();
            for s in starts {
                bytes[s + at..s + at + 4].copy_from_slice(&1u32.to_le_bytes());
            }
        };
        forge(&mut bytes, b"PK\x03\x04", 22);
        forge(&mut bytes, b"PK\x01\x02", 24);
        assert_eq!(check_bounds(&bytes, 4 << 20), Ok(1));
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut part = archive.by_index(0).unwrap();
        let read = std::io::copy(&mut part, &mut std::io::sink());
        assert!(read.is_err(), "{read:?}");
    }

    #[test]
    fn what_is_not_a_zip_is_left_to_calamine() {
        assert_eq!(check_bounds(b"PK\x03\x04 not really", 10), Ok(0));
    }
}
