//! A scan of an .xls file's cell records before calamine reads it.
//!
//! calamine builds each sheet of an .xls as one dense grid spanning its outermost cells, and
//! reserves room for the grid its DIMENSIONS record declares; a few hundred bytes of hostile
//! records can ask for gigabytes. This walks the compound file (OLE/CFB) just far enough to find
//! the workbook stream, then checks every cell record's row and column — and each sheet's declared
//! size — against the roster [`Limits`], allocating nothing in proportion to what the file claims.

use super::book::Limits;
use crate::i18n::tf;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// Little-endian reads that say `None` past the end instead of panicking.
fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The compound file's sectors and allocation table.
struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Option<Cfb<'a>> {
        let shift = u32::from(u16_at(bytes, 0x1E)?);
        if !(7..=16).contains(&shift) {
            return None;
        }
        let sectors = bytes.len() >> shift;
        let mut fat_sectors: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 0x4C + 4 * i)).collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let per = (1usize << shift) / 4;
        for _ in 0..sectors {
            if difat >= END_OF_CHAIN {
                break;
            }
            let at = (difat as usize + 1) << shift;
            fat_sectors.extend((0..per - 1).filter_map(|i| u32_at(bytes, at + 4 * i)));
            difat = u32_at(bytes, at + 4 * (per - 1))?;
        }
        let count = (u32_at(bytes, 0x2C)? as usize).min(fat_sectors.len()).min(sectors);
        let mut fat = Vec::new();
        for &s in &fat_sectors[..count] {
            let at = (s as usize).checked_add(1)? << shift;
            fat.extend((0..per).filter_map(|i| u32_at(bytes, at + 4 * i)));
        }
        Some(Cfb { bytes, shift, fat })
    }

    /// The bytes of the chain starting at `start` in `table` (sectors of `1 << shift` bytes read
    /// by `sector`), at most `len` of them; a loop or a broken chain ends it.
    fn chain<'s>(
        table: &[u32],
        start: u32,
        len: usize,
        size: usize,
        sector: impl Fn(u32) -> Option<&'s [u8]>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut next = start;
        for _ in 0..table.len().min(len / size.max(1) + 2) {
            if next >= END_OF_CHAIN || out.len() >= len {
                break;
            }
            match sector(next) {
                Some(bytes) => out.extend_from_slice(bytes),
                None => break,
            }
            next = table.get(next as usize).copied().unwrap_or(END_OF_CHAIN);
        }
        out.truncate(len);
        out
    }

    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let at = (n as usize).checked_add(1)?.checked_mul(size)?;
        self.bytes.get(at..at.checked_add(size)?)
    }

    fn stream(&self, start: u32, len: usize) -> Vec<u8> {
        let len = len.min(self.bytes.len());
        Self::chain(&self.fat, start, len, 1 << self.shift, |n| self.sector(n))
    }

    /// The workbook stream ("Workbook", or "Book" in older files).
    fn workbook(&self) -> Option<Vec<u8>> {
        let dir = self.stream(u32_at(self.bytes, 0x30)?, self.bytes.len());
        let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
        let root = entries.first()?;
        let name_of = |e: &[u8]| {
            let n = (usize::from(u16_at(e, 0x40).unwrap_or(0)) / 2).saturating_sub(1).min(32);
            let units: Vec<u16> = (0..n).filter_map(|i| u16_at(e, 2 * i)).collect();
            String::from_utf16_lossy(&units)
        };
        let entry =
            entries.iter().find(|e| e.get(0x42) == Some(&2) && matches!(name_of(e).as_str(), "Workbook" | "Book"))?;
        let (start, len) = (u32_at(entry, 0x74)?, u32_at(entry, 0x78)? as usize);
        if len >= u32_at(self.bytes, 0x38).unwrap_or(4096) as usize {
            return Some(self.stream(start, len));
        }
        // Small streams live in 64-byte sectors of the root's mini stream.
        let mini = self.stream(u32_at(root, 0x74)?, u32_at(root, 0x78)? as usize);
        let minifat: Vec<u32> = self
            .stream(u32_at(self.bytes, 0x3C)?, self.bytes.len())
            .chunks_exact(4)
            .filter_map(|c| u32_at(c, 0))
            .collect();
        let sector = |n: u32| {
            let at = (n as usize).checked_mul(64)?;
            mini.get(at..at.checked_add(64)?)
        };
        Some(Self::chain(&minifat, start, len, 64, sector))
    }
}

/// Checks the cell records of the .xls in `bytes` against `limits`; the phrase of the bound
/// exceeded on failure. A file this cannot make sense of is left to calamine to refuse.
pub fn check_bounds(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Some(stream) = Cfb::open(bytes).and_then(|c| c.workbook()) else {
        return Ok(());
    };
    let n = |key: &str, n: usize| tf(key, &[("n", &n.to_string())]);
    let mut at = 0usize;
    let mut merges = 0usize;
    let (mut last_row, mut last_col) = (0usize, 0usize);
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + usize::from(len)).unwrap_or(&[]);
        at += 4 + usize::from(len);
        let row = usize::from(u16_at(data, 0).unwrap_or(0));
        let cols = match typ {
            // DIMENSIONS: the size calamine reserves room for.
            0x0200 => {
                let (rows, cols) = match data.len() {
                    10 => (u16_at(data, 2).map(u32::from), u16_at(data, 6)),
                    _ => (u32_at(data, 4), u16_at(data, 10)),
                };
                let (rows, cols) = (rows.unwrap_or(0) as usize, usize::from(cols.unwrap_or(0)));
                if rows.saturating_mul(cols) > limits.cells {
                    return Err(n("roster.limit.cells", limits.cells));
                }
                continue;
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => u16_at(data, 2),
            // MULRK: first column at 2, last in the final two bytes.
            0x00BD => data.len().checked_sub(2).and_then(|end| u16_at(data, end)),
            0x00E5 => {
                merges += usize::from(u16_at(data, 0).unwrap_or(0));
                if merges > limits.merges {
                    let cells = limits.merge_cells.to_string();
                    return Err(tf("roster.limit.merges", &[("n", &limits.merges.to_string()), ("cells", &cells)]));
                }
                continue;
            }
            _ => continue,
        };
        let Some(col) = cols.map(usize::from) else { continue };
        if col >= limits.cols {
            return Err(n("roster.limit.cols", limits.cols));
        }
        (last_row, last_col) = (last_row.max(row), last_col.max(col));
        // calamine's grid spans every sheet's cells from (0, 0) at worst.
        if (last_row + 1).saturating_mul(last_col + 1) > limits.cells {
            return Err(n("roster.limit.cells", limits.cells));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::roster::book::LIMITS;

    /// A compound file of 512-byte sectors holding one 4,096-byte "Workbook" stream that
    /// starts with `records` (the rest zero).
    fn xls(records: &[u8]) -> Vec<u8> {
        const END: u32 = 0xFFFF_FFFE;
        let mut f = vec![0u8; 512 * 11];
        f[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        let mut put = |at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put(0x1C, 0xFFFE | (9 << 16)); // byte order, sector shift 9
        put(0x20, 6);
        put(0x2C, 1); // one FAT sector
        put(0x30, 1); // directory in sector 1
        put(0x38, 4096);
        put(0x3C, END);
        put(0x44, END);
        put(0x4C, 0); // the FAT is sector 0
        for i in 1..109 {
            put(0x4C + 4 * i, u32::MAX);
        }
        let fat = 512;
        put(fat, 0xFFFF_FFFD);
        put(fat + 4, END);
        for s in 2..9 {
            put(fat + 4 * s, s as u32 + 1);
        }
        put(fat + 4 * 9, END);
        for s in 10..128 {
            put(fat + 4 * s, u32::MAX);
        }
        let entry = |f: &mut Vec<u8>, at: usize, name: &str, kind: u8, start: u32, size: u32| {
            let units: Vec<u16> = name.encode_utf16().collect();
            for (i, u) in units.iter().enumerate() {
                f[at + 2 * i..at + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            f[at + 0x40..at + 0x42].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            f[at + 0x42] = kind;
            f[at + 0x74..at + 0x78].copy_from_slice(&start.to_le_bytes());
            f[at + 0x78..at + 0x7C].copy_from_slice(&size.to_le_bytes());
        };
        entry(&mut f, 1024, "Root Entry", 5, END, 0);
        entry(&mut f, 1024 + 128, "Workbook", 2, 2, 4096);
        f[1536..1536 + records.len()].copy_from_slice(records);
        f
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    #[test]
    fn a_huge_declared_dimension_is_refused_before_calamine_reserves_it() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(1_000_000u32.to_le_bytes());
        dims.extend([0, 0, 255, 0, 0, 0]);
        let err = check_bounds(&xls(&record(0x0200, &dims)), &LIMITS).unwrap_err();
        assert!(err.contains("单元格不超过"), "{err}");
        let path = std::path::Path::new("huge.xls");
        let err = crate::exchange::roster::Workbook::from_bytes(path, xls(&record(0x0200, &dims)), LIMITS).unwrap_err();
        assert!(err.to_string().contains("huge.xls") && err.to_string().contains("读取上限"), "{err}");
    }

    #[test]
    fn cells_far_apart_are_refused_and_near_ones_pass() {
        // NUMBER records: row, column, format, value.
        let number = |row: u16, col: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(col.to_le_bytes());
            d.extend([0u8; 10]);
            record(0x0203, &d)
        };
        let near: Vec<u8> = [number(0, 0), number(10, 5)].concat();
        assert!(check_bounds(&xls(&near), &LIMITS).is_ok());
        let wide = number(0, 600);
        assert!(check_bounds(&xls(&wide), &LIMITS).unwrap_err().contains("列"));
        let far: Vec<u8> = [number(65_000, 0), number(0, 500)].concat();
        assert!(check_bounds(&xls(&far), &LIMITS).unwrap_err().contains("单元格不超过"));
        // Not a compound file at all: left to calamine.
        assert!(check_bounds(b"not ole", &LIMITS).is_ok());
    }
}
