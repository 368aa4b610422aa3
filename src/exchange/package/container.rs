//! The envelope of a village package on disk: a short versioned header, then the package's
//! SQLite file compressed with DEFLATE (zlib stream, whose Adler-32 catches a damaged copy).
//! A village's 26 MB of rows travels as a few MB — small enough for a chat app or a USB stick.
//!
//! Layout (little-endian): the magic `ZOUFANG-PKG\0` (12 bytes), the container version (u16),
//! the codec (u8: 1 = DEFLATE), the seal (u8: 0 = open, 1 = sealed with a passphrase), the
//! length of the SQLite file (u64), then the stream. Packages written before the envelope are
//! plain SQLite files and are still read as they are.
//!
//! A sealed package (container version 2, so an older build says "made by a newer zoufang"
//! instead of misreading it) follows the header with the Argon2id parameters (memory KiB,
//! passes, lanes: 3 × u32), a random 16-byte salt and a random 19-byte nonce prefix, then the
//! compressed stream encrypted with XChaCha20-Poly1305 in the STREAM construction (`aead`'s
//! `StreamBE32`: 64 KiB chunks, each with its counter and a last-chunk flag in its nonce, each
//! authenticated with the whole header as associated data). So the passphrase is tried on the
//! first chunk alone, and a changed byte anywhere — header, middle, tail — or a cut or extended
//! file fails authentication, before one row is read.

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
/// Magic, version, codec, seal byte, length.
const HEADER_LEN: usize = 12 + 2 + 1 + 1 + 8;
/// The container version of a sealed package.
const SEALED_VERSION: u16 = 2;
/// The seal byte of a package sealed with a passphrase.
const SEALED: u8 = 1;
/// Argon2id parameters (3 × u32), salt, STREAM nonce prefix.
const SEAL_LEN: usize = 12 + 16 + 19;
/// Plaintext bytes per sealed chunk.
const CHUNK: usize = 64 * 1024;
/// Bytes of a Poly1305 tag.
const TAG: usize = 16;
/// Argon2id for a passphrase: 64 MiB, 3 passes, 1 lane.
const SEAL_KDF: (u32, u32, u32) = (64 * 1024, 3, 1);

/// Whether the enveloped package starting with `head` is sealed with a passphrase.
pub fn is_sealed(head: &[u8]) -> bool {
    is_enveloped(head) && head.len() > 15 && head[15] == SEALED
}

/// Whether a file starting with `head` is an enveloped package.
pub fn is_enveloped(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Compresses the SQLite file `db` into a new file `out`, on disk when this returns.
pub fn wrap(db: &Path, out: &Path) -> Result<()> {
    wrap_sealed(db, out, None)
}

/// [`wrap`], sealed with `passphrase` when one is given.
pub fn wrap_sealed(db: &Path, out: &Path, passphrase: Option<&str>) -> Result<()> {
    let mut input = BufReader::new(File::open(db).map_err(|e| ExchangeError::io(db, e))?);
    let len = std::fs::metadata(db).map_err(|e| ExchangeError::io(db, e))?.len();
    let file = crate::store::crypt::keyfile::create_owner_only(out).map_err(|e| ExchangeError::io(out, e))?;
    let (version, seal) = if passphrase.is_some() { (SEALED_VERSION, SEALED) } else { (CONTAINER_VERSION, 0) };
    let mut header = Vec::with_capacity(HEADER_LEN + SEAL_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&version.to_le_bytes());
    header.extend_from_slice(&[DEFLATE, seal]);
    header.extend_from_slice(&len.to_le_bytes());
    let mut writer = BufWriter::new(file);
    let sink = match passphrase {
        None => {
            writer.write_all(&header).map_err(|e| ExchangeError::io(out, e))?;
            Sink::Open(writer)
        }
        Some(passphrase) => {
            let mut salt = [0u8; 16];
            let mut prefix = [0u8; 19];
            crate::store::crypt::random_bytes(&mut salt)?;
            crate::store::crypt::random_bytes(&mut prefix)?;
            let (m, t, p) = SEAL_KDF;
            for n in [m, t, p] {
                header.extend_from_slice(&n.to_le_bytes());
            }
            header.extend_from_slice(&salt);
            header.extend_from_slice(&prefix);
            writer.write_all(&header).map_err(|e| ExchangeError::io(out, e))?;
            let key = seal::derive(passphrase, &salt, SEAL_KDF).map_err(|e| ExchangeError::io(out, e))?;
            Sink::Sealed(seal::SealWriter::new(writer, &key, &prefix, header))
        }
    };
    // Level 1: SQLite pages of text shrink about as well as at level 6, several times faster.
    let mut encoder = ZlibEncoder::new(sink, Compression::fast());
    std::io::copy(&mut input, &mut encoder).map_err(|e| ExchangeError::io(out, e))?;
    let writer = match encoder.finish().map_err(|e| ExchangeError::io(out, e))? {
        Sink::Open(writer) => writer,
        Sink::Sealed(sealer) => sealer.finish().map_err(|e| ExchangeError::io(out, e))?,
    };
    let file = writer.into_inner().map_err(|e| ExchangeError::io(out, e.into_error()))?;
    file.sync_all().map_err(|e| ExchangeError::io(out, e))
}

/// Where the compressed stream goes: the file, or the sealing writer in front of it.
enum Sink {
    Open(BufWriter<File>),
    Sealed(seal::SealWriter<BufWriter<File>>),
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Open(w) => w.write(data),
            Sink::Sealed(w) => w.write(data),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Open(w) => w.flush(),
            Sink::Sealed(w) => w.flush(),
        }
    }
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
    unwrap_sealed(path, None)
}

/// [`unwrap`] for a package that may be sealed: `passphrase` opens it. A sealed package without
/// one is [`ExchangeError::PassphraseNeeded`]; a wrong passphrase or a changed byte anywhere is
/// refused with one sentence.
pub fn unwrap_sealed(path: &Path, passphrase: Option<&str>) -> Result<Unwrapped> {
    let mut input = BufReader::new(File::open(path).map_err(|e| ExchangeError::io(path, e))?);
    let mut header = [0u8; HEADER_LEN];
    input.read_exact(&mut header).map_err(|_| ExchangeError::Truncated(path.to_path_buf()))?;
    let version = u16::from_le_bytes([header[12], header[13]]);
    let sealed = header[15] == SEALED;
    if version > SEALED_VERSION || (!sealed && version > CONTAINER_VERSION) || header[15] > SEALED {
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
    let source: Box<dyn Read> = if sealed {
        let passphrase = passphrase.ok_or_else(|| ExchangeError::PassphraseNeeded(path.to_path_buf()))?;
        let mut params = [0u8; SEAL_LEN];
        input.read_exact(&mut params).map_err(|_| ExchangeError::Truncated(path.to_path_buf()))?;
        let word = |i: usize| u32::from_le_bytes([params[i], params[i + 1], params[i + 2], params[i + 3]]);
        let kdf = (word(0), word(4), word(8));
        if kdf.0 > 1024 * 1024 || kdf.1 > 64 || kdf.2 > 16 {
            return Err(ExchangeError::Sealed(path.to_path_buf()));
        }
        let key =
            seal::derive(passphrase, &params[12..28], kdf).map_err(|_| ExchangeError::Sealed(path.to_path_buf()))?;
        let mut aad = header.to_vec();
        aad.extend_from_slice(&params);
        Box::new(seal::SealReader::new(input, &key, &params[28..], aad))
    } else {
        Box::new(input)
    };
    let out = Unwrapped { path: temporary_path() };
    let file =
        crate::store::crypt::keyfile::create_owner_only(&out.path).map_err(|e| ExchangeError::io(&out.path, e))?;
    let mut writer = BufWriter::new(file);
    // Never unpack more than the header declares (+1 to notice a stream that goes on).
    let mut decoder = ZlibDecoder::new(source).take(len.saturating_add(1));
    let written = std::io::copy(&mut decoder, &mut writer).map_err(|e| match e.kind() {
        _ if seal::is_forged(&e) => ExchangeError::Sealed(path.to_path_buf()),
        std::io::ErrorKind::UnexpectedEof => ExchangeError::Truncated(path.to_path_buf()),
        _ => ExchangeError::Damaged(path.to_path_buf(), e.to_string()),
    })?;
    // Whatever follows the compressed stream must still authenticate (a sealed stream is read
    // to its last chunk) and be empty.
    let mut rest = Vec::new();
    decoder.into_inner().read_to_end(&mut rest).map_err(|e| match e {
        e if seal::is_forged(&e) => ExchangeError::Sealed(path.to_path_buf()),
        e => ExchangeError::Damaged(path.to_path_buf(), e.to_string()),
    })?;
    writer.flush().map_err(|e| ExchangeError::io(&out.path, e))?;
    if written != len || (sealed && !rest.is_empty()) {
        return Err(ExchangeError::Truncated(path.to_path_buf()));
    }
    Ok(out)
}

mod seal;

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

    #[test]
    fn a_sealed_package_opens_only_with_its_passphrase_and_every_changed_byte_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (db, sealed) = (dir.path().join("a.db"), dir.path().join("a.zfp"));
        // Incompressible bytes, so the sealed stream spans several 64 KiB chunks.
        let mut bytes = vec![0u8; 300_000];
        crate::store::crypt::random_bytes(&mut bytes).unwrap();
        bytes[1000..1012].copy_from_slice("杨秀英杨秀英".as_bytes()[..12].try_into().unwrap());
        std::fs::write(&db, &bytes).unwrap();
        wrap_sealed(&db, &sealed, Some("乡镇约定的口令")).unwrap();
        let packed = std::fs::read(&sealed).unwrap();
        assert!(is_enveloped(&packed) && is_sealed(&packed));
        assert!(packed.len() > 4 * CHUNK, "several chunks: {}", packed.len());
        assert!(!packed.windows(9).any(|w| w == "杨秀英".as_bytes()), "nothing readable");
        assert_eq!(std::fs::read(unwrap_sealed(&sealed, Some("乡镇约定的口令")).unwrap().path()).unwrap(), bytes);

        assert!(matches!(unwrap(&sealed), Err(ExchangeError::PassphraseNeeded(_))));
        assert!(matches!(unwrap_sealed(&sealed, Some("别的口令别的口令")), Err(ExchangeError::Sealed(_))));
        // One flipped bit anywhere: the header, the KDF parameters, the salt and nonce, the
        // first chunk, a middle chunk, a chunk boundary, the last tag.
        let header = HEADER_LEN + SEAL_LEN;
        let chunk = CHUNK + TAG;
        let spots = [
            0,
            13,
            15,
            17,
            HEADER_LEN + 2,
            HEADER_LEN + 20,
            header - 1,
            header,
            header + chunk / 2,
            header + chunk - 1,
            header + chunk,
            header + 2 * chunk + 7,
            packed.len() / 2,
            packed.len() - TAG,
            packed.len() - 1,
        ];
        for at in spots {
            let mut changed = packed.clone();
            changed[at] ^= 0x01;
            std::fs::write(&sealed, &changed).unwrap();
            let opened = unwrap_sealed(&sealed, Some("乡镇约定的口令"));
            assert!(opened.is_err(), "a flipped byte at {at} of {} was accepted", packed.len());
        }
        // Cut at a chunk boundary, cut inside, one byte added: refused.
        for changed in
            [packed[..header + chunk].to_vec(), packed[..packed.len() - 5].to_vec(), [packed.as_slice(), &[0]].concat()]
        {
            std::fs::write(&sealed, &changed).unwrap();
            assert!(unwrap_sealed(&sealed, Some("乡镇约定的口令")).is_err(), "{} bytes accepted", changed.len());
        }
    }
}
