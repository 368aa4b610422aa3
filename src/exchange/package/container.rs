//! The envelope of a village package on disk: a short versioned header, then the package's
//! SQLite file compressed with DEFLATE (zlib stream, whose Adler-32 catches a damaged copy).
//! A village's 26 MB of rows travels as a few MB — small enough for a chat app or a USB stick.
//!
//! Layout (little-endian): the magic `ZOUFANG-PKG\0` (12 bytes), the container version (u16),
//! the codec (u8: 1 = DEFLATE), one reserved byte (0; issue 11 will use it for sealing with a
//! passphrase), the length of the SQLite file (u64), then the stream. Packages written before
//! the envelope are plain SQLite files and are still read as they are.

use super::super::error::ExchangeError;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

type Result<T> = std::result::Result<T, ExchangeError>;

/// The first bytes of an enveloped package.
const MAGIC: &[u8; 12] = b"ZOUFANG-PKG\0";
/// The newest envelope this build writes and reads.
pub const CONTAINER_VERSION: u16 = 1;
/// The codec byte of DEFLATE.
const DEFLATE: u8 = 1;
/// Magic, version, codec, reserved byte, length.
const HEADER_LEN: usize = 12 + 2 + 1 + 1 + 8;

/// Whether a file starting with `head` is an enveloped package.
pub fn is_enveloped(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Compresses the SQLite file `db` into a new file `out`, on disk when this returns.
pub fn wrap(db: &Path, out: &Path) -> Result<()> {
    let mut input = BufReader::new(File::open(db).map_err(|e| ExchangeError::io(db, e))?);
    let len = std::fs::metadata(db).map_err(|e| ExchangeError::io(db, e))?.len();
    let file = File::create(out).map_err(|e| ExchangeError::io(out, e))?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&CONTAINER_VERSION.to_le_bytes());
    header.extend_from_slice(&[DEFLATE, 0]);
    header.extend_from_slice(&len.to_le_bytes());
    let mut writer = BufWriter::new(file);
    writer.write_all(&header).map_err(|e| ExchangeError::io(out, e))?;
    // Level 1: SQLite pages of text shrink about as well as at level 6, several times faster.
    let mut encoder = ZlibEncoder::new(writer, Compression::fast());
    std::io::copy(&mut input, &mut encoder).map_err(|e| ExchangeError::io(out, e))?;
    let writer = encoder.finish().map_err(|e| ExchangeError::io(out, e))?;
    let file = writer.into_inner().map_err(|e| ExchangeError::io(out, e.into_error()))?;
    file.sync_all().map_err(|e| ExchangeError::io(out, e))
}

/// The SQLite file of an enveloped package, unpacked into the temporary folder and removed
/// when this is dropped.
pub struct Unwrapped {
    path: PathBuf,
}

impl Unwrapped {
    /// Where the SQLite file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Unwrapped {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Unpacks the enveloped package at `path`; a newer envelope, an unknown codec, a cut or a
/// damaged stream is refused with one sentence naming `path`.
pub fn unwrap(path: &Path) -> Result<Unwrapped> {
    let mut input = BufReader::new(File::open(path).map_err(|e| ExchangeError::io(path, e))?);
    let mut header = [0u8; HEADER_LEN];
    input.read_exact(&mut header).map_err(|_| ExchangeError::Truncated(path.to_path_buf()))?;
    let version = u16::from_le_bytes([header[12], header[13]]);
    if version > CONTAINER_VERSION {
        return Err(ExchangeError::Newer {
            path: path.to_path_buf(),
            found: version.to_string(),
            known: CONTAINER_VERSION.to_string(),
        });
    }
    if header[14] != DEFLATE {
        let reason = crate::i18n::tf("exchange.err.codec", &[("codec", &header[14].to_string())]);
        return Err(ExchangeError::Damaged(path.to_path_buf(), reason));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[16..24]);
    let len = u64::from_le_bytes(len);
    let out = Unwrapped { path: temporary_path() };
    let file = File::create(&out.path).map_err(|e| ExchangeError::io(&out.path, e))?;
    let mut writer = BufWriter::new(file);
    // Never unpack more than the header declares (+1 to notice a stream that goes on).
    let mut decoder = ZlibDecoder::new(input).take(len.saturating_add(1));
    let written = std::io::copy(&mut decoder, &mut writer).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => ExchangeError::Truncated(path.to_path_buf()),
        _ => ExchangeError::Damaged(path.to_path_buf(), e.to_string()),
    })?;
    writer.flush().map_err(|e| ExchangeError::io(&out.path, e))?;
    if written != len {
        return Err(ExchangeError::Truncated(path.to_path_buf()));
    }
    Ok(out)
}

/// A fresh file name in the temporary folder.
fn temporary_path() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("zoufang-package-{}-{n}-{nanos}.db", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_file_unwraps_to_the_same_bytes_and_a_cut_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("zoufang-envelope-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (db, wrapped) = (dir.join("a.db"), dir.join("a.zfp"));
        let bytes: Vec<u8> = (0..200_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        std::fs::write(&db, &bytes).unwrap();
        wrap(&db, &wrapped).unwrap();
        let packed = std::fs::read(&wrapped).unwrap();
        assert!(is_enveloped(&packed) && packed.len() < bytes.len() / 4, "{}", packed.len());
        let back = unwrap(&wrapped).unwrap();
        assert_eq!(std::fs::read(back.path()).unwrap(), bytes);
        let temp = back.path().to_path_buf();
        drop(back);
        assert!(!temp.exists(), "the unpacked copy is removed");

        std::fs::write(&wrapped, &packed[..packed.len() / 2]).unwrap();
        assert!(matches!(unwrap(&wrapped), Err(ExchangeError::Truncated(_))));
        let mut newer = packed.clone();
        newer[12] = 9;
        std::fs::write(&wrapped, &newer).unwrap();
        assert!(matches!(unwrap(&wrapped), Err(ExchangeError::Newer { .. })));
        let mut flipped = packed;
        let at = flipped.len() - 10;
        flipped[at] ^= 0xff;
        std::fs::write(&wrapped, &flipped).unwrap();
        assert!(unwrap(&wrapped).is_err(), "a damaged stream is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
