//! The sealed stream of a package: Argon2id turns the passphrase into a key, and
//! XChaCha20-Poly1305 in the STREAM construction (the `aead` crate's `StreamBE32`) encrypts and
//! authenticates it chunk by chunk, so a large package is sealed and opened in constant memory.

use super::{CHUNK, TAG};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use std::io::{Read, Write};
use zeroize::Zeroizing;

/// The io error a chunk that fails authentication becomes (wrong passphrase or changed bytes).
#[derive(Debug)]
struct Forged;

impl std::fmt::Display for Forged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sealed chunk failed authentication")
    }
}

impl std::error::Error for Forged {}

fn forged() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, Forged)
}

/// Whether `e` is a chunk that failed authentication.
pub fn is_forged(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Forged>())
}

/// The 32-byte key of `passphrase` with `salt` and Argon2id's (memory KiB, passes, lanes).
pub fn derive(passphrase: &str, salt: &[u8], (m, t, p): (u32, u32, u32)) -> std::io::Result<Zeroizing<[u8; 32]>> {
    let bad = |e: argon2::Error| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string());
    let params = Params::new(m, t, p, Some(32)).map_err(bad)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(bad)?;
    Ok(key)
}

/// Writes the sealed stream of what is written into it to `inner`; [`SealWriter::finish`]
/// seals the last chunk.
pub struct SealWriter<W: Write> {
    inner: W,
    stream: Option<EncryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    buf: Vec<u8>,
}

impl<W: Write> SealWriter<W> {
    /// A sealing writer with `key`, the 19-byte nonce `prefix` and the header as `aad`.
    pub fn new(inner: W, key: &[u8; 32], prefix: &[u8], aad: Vec<u8>) -> Self {
        let cipher = XChaCha20Poly1305::new(key.into());
        let stream = EncryptorBE32::from_aead(cipher, prefix.into());
        SealWriter { inner, stream: Some(stream), aad, buf: Vec::with_capacity(2 * CHUNK) }
    }

    /// Seals the last chunk and returns the inner writer, flushed.
    pub fn finish(mut self) -> std::io::Result<W> {
        let stream = self.stream.take().ok_or_else(forged)?;
        let sealed = stream.encrypt_last(Payload { msg: &self.buf, aad: &self.aad }).map_err(|_| forged())?;
        self.inner.write_all(&sealed)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        // A chunk is sealed once more follows it: the last one is sealed as last by `finish`.
        while self.buf.len() > CHUNK {
            let stream = self.stream.as_mut().ok_or_else(forged)?;
            let sealed =
                stream.encrypt_next(Payload { msg: &self.buf[..CHUNK], aad: &self.aad }).map_err(|_| forged())?;
            self.inner.write_all(&sealed)?;
            self.buf.drain(..CHUNK);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads the plain stream out of a sealed one, refusing any chunk that fails authentication
/// (and a stream that ends without its last chunk).
pub struct SealReader<R: Read> {
    inner: R,
    stream: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    plain: Vec<u8>,
    pos: usize,
    peeked: Option<u8>,
}

impl<R: Read> SealReader<R> {
    /// An opening reader with `key`, the 19-byte nonce `prefix` and the header as `aad`.
    pub fn new(inner: R, key: &[u8; 32], prefix: &[u8], aad: Vec<u8>) -> Self {
        let cipher = XChaCha20Poly1305::new(key.into());
        let stream = DecryptorBE32::from_aead(cipher, prefix.into());
        SealReader { inner, stream: Some(stream), aad, plain: Vec::new(), pos: 0, peeked: None }
    }

    /// Reads and opens the next chunk into `plain`; false after the last one.
    fn next_chunk(&mut self) -> std::io::Result<bool> {
        if self.stream.is_none() {
            return Ok(false);
        }
        let mut sealed = Vec::with_capacity(CHUNK + TAG);
        sealed.extend(self.peeked.take());
        let mut part = [0u8; 8192];
        while sealed.len() < CHUNK + TAG {
            let want = (CHUNK + TAG - sealed.len()).min(part.len());
            match self.inner.read(&mut part[..want])? {
                0 => break,
                n => sealed.extend_from_slice(&part[..n]),
            }
        }
        let mut one = [0u8; 1];
        let last = sealed.len() < CHUNK + TAG || self.inner.read(&mut one)? == 0;
        let payload = Payload { msg: &sealed, aad: &self.aad };
        self.plain = if last {
            let stream = self.stream.take().ok_or_else(forged)?;
            stream.decrypt_last(payload).map_err(|_| forged())?
        } else {
            self.peeked = Some(one[0]);
            let stream = self.stream.as_mut().ok_or_else(forged)?;
            stream.decrypt_next(payload).map_err(|_| forged())?
        };
        self.pos = 0;
        Ok(true)
    }
}

impl<R: Read> Read for SealReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.plain.len() {
            if !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
