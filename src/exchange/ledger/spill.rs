//! Rows kept on disk while a sheet is read: a list sheet's title must be written first, and its
//! height depends on how wide the columns end up, which only the last row tells. The rows wait in
//! an unnamed temporary file (removed when dropped) in a compact binary form and are read back
//! in order, so a township's 24 months of visits never sit in memory.

use super::sheet::{Cell, Emphasis, Value};
use chrono::NaiveDate;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Rows written to a temporary file.
pub(super) struct Spill {
    file: BufWriter<File>,
}

/// The rows of a [`Spill`], read back in the order they were written.
pub(super) struct Replay {
    file: BufReader<File>,
}

impl Spill {
    /// An empty spill in the system's temporary folder.
    pub fn new() -> std::io::Result<Spill> {
        Ok(Spill { file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?) })
    }

    /// Appends a row.
    pub fn push(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        let f = &mut self.file;
        f.write_all(&(cells.len() as u32).to_le_bytes())?;
        for cell in cells {
            let emphasis = match cell.emphasis {
                Emphasis::Plain => 0,
                Emphasis::Alert => 1,
                Emphasis::Total => 2,
            };
            let kind: u8 = match &cell.value {
                Value::Empty => 0,
                Value::Text(_) => 1,
                Value::Int(_) => 2,
                Value::Number(_) => 3,
                Value::Percent(_) => 4,
                Value::Date(_) => 5,
            };
            f.write_all(&[kind * 3 + emphasis])?;
            match &cell.value {
                Value::Empty => {}
                Value::Text(s) => {
                    f.write_all(&(s.len() as u32).to_le_bytes())?;
                    f.write_all(s.as_bytes())?;
                }
                Value::Int(n) => f.write_all(&n.to_le_bytes())?,
                Value::Number(n) | Value::Percent(n) => f.write_all(&n.to_le_bytes())?,
                Value::Date(d) => f.write_all(&d.to_epoch_days().to_le_bytes())?,
            }
        }
        Ok(())
    }

    /// Takes the rows of `other` after these.
    pub fn append(&mut self, other: Spill) -> std::io::Result<()> {
        let mut file = other.file.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut file, &mut self.file)?;
        Ok(())
    }

    /// The rows written, from the first.
    pub fn replay(self) -> std::io::Result<Replay> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        Ok(Replay { file: BufReader::with_capacity(1 << 16, file) })
    }
}

impl Replay {
    /// Reads the next row into `cells` (replacing what it held); false after the last.
    pub fn next(&mut self, cells: &mut Vec<Cell>) -> std::io::Result<bool> {
        let mut count = [0; 4];
        match self.file.read_exact(&mut count) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
        cells.clear();
        for _ in 0..u32::from_le_bytes(count) {
            let mut tag = [0; 1];
            self.file.read_exact(&mut tag)?;
            let emphasis = match tag[0] % 3 {
                0 => Emphasis::Plain,
                1 => Emphasis::Alert,
                _ => Emphasis::Total,
            };
            let value = match tag[0] / 3 {
                0 => Value::Empty,
                1 => {
                    let mut len = [0; 4];
                    self.file.read_exact(&mut len)?;
                    let mut bytes = vec![0; u32::from_le_bytes(len) as usize];
                    self.file.read_exact(&mut bytes)?;
                    Value::Text(String::from_utf8(bytes).map_err(std::io::Error::other)?)
                }
                2 => Value::Int(i64::from_le_bytes(self.eight()?)),
                3 => Value::Number(f64::from_le_bytes(self.eight()?)),
                4 => Value::Percent(f64::from_le_bytes(self.eight()?)),
                _ => {
                    let mut days = [0; 4];
                    self.file.read_exact(&mut days)?;
                    let day = NaiveDate::from_epoch_days(i32::from_le_bytes(days));
                    Value::Date(day.ok_or_else(|| std::io::Error::other("date out of range"))?)
                }
            };
            cells.push(Cell { value, emphasis });
        }
        Ok(true)
    }

    fn eight(&mut self) -> std::io::Result<[u8; 8]> {
        let mut b = [0; 8];
        self.file.read_exact(&mut b)?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_they_went_in() {
        let rows = vec![
            vec![
                Cell::int(1),
                Cell::text("张三\n第二行"),
                Cell::text(""),
                Cell::date(NaiveDate::from_ymd_opt(2026, 3, 5)),
            ],
            vec![],
            vec![Cell::from(Value::Number(-3500.5)).alert(), Cell::share(1, 3).total(), Cell::int(0).total()],
        ];
        let mut spill = Spill::new().unwrap();
        for r in &rows {
            spill.push(r).unwrap();
        }
        let mut replay = spill.replay().unwrap();
        let mut got = Vec::new();
        let mut cells = Vec::new();
        while replay.next(&mut cells).unwrap() {
            got.push(cells.clone());
        }
        assert_eq!(got, rows);
    }
}
