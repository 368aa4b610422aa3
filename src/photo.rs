//! Photos and signatures as pictures: a file's bytes checked, decoded within limits, turned
//! upright, scaled down and re-encoded; a signature's strokes drawn into a PNG.
//!
//! Pure work on bytes (no database, no window): the store keeps what this makes, the window and
//! the command line call it on a worker thread. Anything that is not a JPEG, PNG or WebP this
//! build can read — random bytes, a truncated file, an empty file, an image declaring huge
//! dimensions (an "image bomb") — is refused with one sentence before any large buffer is made.

use crate::i18n::{t, tf};
pub use crate::model::digest::sha256_hex;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// The longest side of a stored photo, in pixels.
pub const FULL_SIDE: u32 = 1600;
/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 240;
/// The largest width or height a photo may declare (a 200-megapixel phone is 16384 wide).
pub const MAX_SIDE: u32 = 20_000;
/// The most memory a decoder may allocate (a 100-megapixel RGB image is 300 MB).
pub const MAX_ALLOC: u64 = 400 * 1024 * 1024;
/// The largest file accepted as a photo.
pub const MAX_FILE: u64 = 80 * 1024 * 1024;
/// JPEG quality of stored photos and thumbnails.
const QUALITY: u8 = 85;

/// Why a file cannot be a photo: one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The file is empty.
    #[error("{}", t("photo.err.empty"))]
    Empty,
    /// Not a JPEG, PNG or WebP.
    #[error("{}", t("photo.err.not_image"))]
    NotImage,
    /// Larger than [`MAX_FILE`].
    #[error("{}", tf("photo.err.too_large_file", &[("mb", &(MAX_FILE / 1024 / 1024).to_string())]))]
    FileTooLarge,
    /// The image declares dimensions beyond the limits.
    #[error("{}", tf("photo.err.too_big", &[("width", &.0.to_string()), ("height", &.1.to_string())]))]
    TooBig(u32, u32),
    /// The image is broken (truncated or damaged); the decoder's reason.
    #[error("{}", tf("photo.err.broken", &[("reason", .0)]))]
    Broken(String),
}

/// A photo ready to store: the upright, scaled JPEG, its thumbnail and the hash of the stored
/// bytes (the same picture added twice hashes the same and is kept once).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Hex SHA-256 of `full`.
    pub sha256: String,
    /// The stored picture (JPEG for photos, PNG for signatures).
    pub full: Vec<u8>,
    /// Its thumbnail (JPEG).
    pub thumb: Vec<u8>,
    /// MIME type of `full`.
    pub mime: &'static str,
    /// Width of `full`.
    pub width: u32,
    /// Height of `full`.
    pub height: u32,
}

/// Decodes a photo file's bytes within the limits, applies its EXIF orientation, scales it to at
/// most [`FULL_SIDE`] and re-encodes it as JPEG with a thumbnail.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, PhotoError> {
    // A decoder bug met by a hostile file is one refused photo, never a crashed program.
    std::panic::catch_unwind(|| prepare_unguarded(bytes))
        .unwrap_or_else(|_| Err(PhotoError::Broken(t("photo.err.decoder").to_string())))
}

fn prepare_unguarded(bytes: &[u8]) -> Result<Prepared, PhotoError> {
    let image = decode(bytes)?;
    let full_image = fit(&image, FULL_SIDE);
    let full = jpeg(&full_image)?;
    let thumb = jpeg(&fit(&full_image, THUMB_SIDE))?;
    Ok(Prepared {
        sha256: sha256_hex(&full),
        full,
        thumb,
        mime: "image/jpeg",
        width: full_image.width(),
        height: full_image.height(),
    })
}

/// Decodes `bytes` as JPEG, PNG or WebP, refusing anything beyond the limits before allocating
/// for it, and turns the picture upright as its EXIF orientation says.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() as u64 > MAX_FILE {
        return Err(PhotoError::FileTooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(PhotoError::NotImage);
    }
    if format == ImageFormat::Jpeg && !jpeg_complete(bytes) {
        return Err(PhotoError::Broken(t("photo.err.truncated").to_string()));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, declared(bytes, format)))?;
    let dims = decoder.dimensions();
    let orientation = decoder.orientation().map_err(|e| refusal(e, Some(dims)))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(e, Some(dims)))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Whether a JPEG ends its last scan with the end-of-image marker (the decoder fills a cut-off
/// file with grey instead of failing). Inside a scan 0xFF is always followed by 0x00 or a restart
/// marker, so `FF D9` after the last `FF DA` is the real end, whatever trails it.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w[0] == 0xFF && w[1] == marker);
    match (last(0xDA), last(0xD9)) {
        (Some(scan), Some(end)) => end > scan,
        _ => false,
    }
}

/// The dimensions a file's header declares, read without limits (headers only: nothing large is
/// allocated), to say how large a refused picture claimed to be.
fn declared(bytes: &[u8], format: ImageFormat) -> Option<(u32, u32)> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    reader.into_dimensions().ok()
}

fn refusal(e: image::ImageError, dims: Option<(u32, u32)>) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => {
            let (w, h) = dims.unwrap_or((0, 0));
            PhotoError::TooBig(w, h)
        }
        image::ImageError::Unsupported(_) => PhotoError::NotImage,
        e => PhotoError::Broken(e.to_string()),
    }
}

/// `image` scaled so its longest side is at most `side` (never enlarged).
fn fit(image: &DynamicImage, side: u32) -> DynamicImage {
    if image.width().max(image.height()) <= side {
        return image.clone();
    }
    image.resize(side, side, image::imageops::FilterType::Triangle)
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY))
        .map_err(|e| PhotoError::Broken(e.to_string()))?;
    Ok(out)
}

/// A signature as drawn: strokes of points in the pad's own coordinates (0..1 on both axes, so
/// the pad's size on screen does not matter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Strokes {
    /// Each stroke is the points the pointer went through while pressed.
    pub strokes: Vec<Vec<[f32; 2]>>,
}

/// The most strokes a signature keeps (a name in Chinese is a few dozen).
pub const MAX_STROKES: usize = 300;
/// The most points all strokes of a signature keep together (minutes of drawing).
pub const MAX_POINTS: usize = 20_000;

/// Width and height of a rendered signature.
pub const SIGNATURE_SIZE: (u32, u32) = (600, 200);

impl Strokes {
    /// Whether anything was drawn (a single tap is not a signature).
    pub fn is_blank(&self) -> bool {
        self.strokes.iter().all(|s| s.len() < 2)
    }

    /// Whether the signature has as many strokes or points as it may keep: the pad takes no more
    /// (and a package bringing more is refused).
    pub fn is_full(&self) -> bool {
        self.strokes.len() >= MAX_STROKES || self.strokes.iter().map(Vec::len).sum::<usize>() >= MAX_POINTS
    }

    /// The strokes as JSON (what is stored beside the PNG).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Strokes read back from their JSON (empty when unreadable).
    pub fn from_json(text: &str) -> Strokes {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The signature drawn black on white as a PNG, with a thumbnail.
    pub fn render(&self) -> Result<Prepared, PhotoError> {
        let (w, h) = SIGNATURE_SIZE;
        let mut canvas = image::RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
        for stroke in &self.strokes {
            for pair in stroke.windows(2) {
                let at = |p: [f32; 2]| (p[0].clamp(0.0, 1.0) * (w - 1) as f32, p[1].clamp(0.0, 1.0) * (h - 1) as f32);
                line(&mut canvas, at(pair[0]), at(pair[1]));
            }
        }
        let image = DynamicImage::ImageRgb8(canvas);
        let mut full = Vec::new();
        image
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut full))
            .map_err(|e| PhotoError::Broken(e.to_string()))?;
        let thumb = jpeg(&fit(&image, THUMB_SIDE))?;
        Ok(Prepared { sha256: sha256_hex(&full), full, thumb, mime: "image/png", width: w, height: h })
    }
}

/// Draws a line three pixels wide from `a` to `b`.
fn line(canvas: &mut image::RgbImage, a: (f32, f32), b: (f32, f32)) {
    let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).max(1);
    for i in 0..=steps {
        let f = i as f32 / steps as f32;
        let (x, y) = (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
        for dx in -1i32..=1 {
            for dy in -1i32..=1 {
                let (px, py) = (x.round() as i32 + dx, y.round() as i32 + dy);
                if px >= 0 && py >= 0 && (px as u32) < canvas.width() && (py as u32) < canvas.height() {
                    canvas.put_pixel(px as u32, py as u32, image::Rgb([0, 0, 0]));
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
