//! Scaling, rotation, hashing and refusals of photo files.

use super::*;
use image::{ImageEncoder, RgbImage};

/// A JPEG of `w`×`h`, red on the left half and blue on the right, with EXIF `orientation`.
pub(crate) fn jpeg_of(w: u32, h: u32, orientation: Option<u16>) -> Vec<u8> {
    let img =
        RgbImage::from_fn(w, h, |x, _| if x < w / 2 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(o) = orientation {
        // A big-endian TIFF header and one IFD entry: 0x0112 Orientation, SHORT, 1, value.
        let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        exif.extend_from_slice(&o.to_be_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        enc.set_exif_metadata(exif).unwrap();
    }
    enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8).unwrap();
    out
}

fn png_of(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_pixel(w, h, image::Rgb([10, 200, 10]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A PNG whose header declares `w`×`h` (with a valid CRC) and holds almost no data.
pub(crate) fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut png = png_of(4, 4);
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_camera_photo_is_scaled_to_1600_with_a_thumbnail() {
    let p = prepare(&jpeg_of(4000, 3000, None)).unwrap();
    assert_eq!((p.width, p.height), (1600, 1200));
    let full = image::load_from_memory(&p.full).unwrap();
    assert_eq!((full.width(), full.height()), (1600, 1200));
    let thumb = image::load_from_memory(&p.thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 180));
    assert_eq!(p.mime, "image/jpeg");
}

#[test]
fn small_pictures_are_not_enlarged_and_png_becomes_jpeg() {
    let p = prepare(&png_of(300, 100)).unwrap();
    assert_eq!((p.width, p.height), (300, 100));
    assert_eq!(image::guess_format(&p.full).unwrap(), ImageFormat::Jpeg);
}

#[test]
fn exif_rotation_is_applied() {
    // Orientation 6: the camera was turned; the stored picture is upright (portrait).
    let p = prepare(&jpeg_of(400, 200, Some(6))).unwrap();
    assert_eq!((p.width, p.height), (200, 400));
    // Turned clockwise: the left half (red) is now on top.
    let img = image::load_from_memory(&p.full).unwrap().to_rgb8();
    assert!(img.get_pixel(100, 50)[0] > 150, "red on top");
    assert!(img.get_pixel(100, 350)[2] > 150, "blue below");
    let plain = prepare(&jpeg_of(400, 200, None)).unwrap();
    assert_eq!((plain.width, plain.height), (400, 200));
}

#[test]
fn the_same_picture_hashes_the_same_and_another_does_not() {
    let a = prepare(&jpeg_of(800, 600, None)).unwrap();
    let b = prepare(&jpeg_of(800, 600, None)).unwrap();
    let c = prepare(&jpeg_of(600, 800, None)).unwrap();
    assert_eq!(a.sha256, b.sha256);
    assert_ne!(a.sha256, c.sha256);
    assert_eq!(a.sha256, sha256_hex(&a.full));
    assert_eq!(a.sha256.len(), 64);
}

#[test]
fn bad_files_are_refused_with_a_sentence() {
    assert_eq!(prepare(b"").unwrap_err(), PhotoError::Empty);
    let random: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_eq!(prepare(&random).unwrap_err(), PhotoError::NotImage);
    let whole = jpeg_of(640, 480, None);
    let truncated = &whole[..whole.len() / 3];
    assert!(matches!(prepare(truncated).unwrap_err(), PhotoError::Broken(_)), "truncated JPEG");
    assert_eq!(prepare(&png_declaring(60_000, 60_000)).unwrap_err(), PhotoError::TooBig(60_000, 60_000));
    for e in [PhotoError::Empty, PhotoError::NotImage, PhotoError::TooBig(1, 2), PhotoError::Broken("x".into())] {
        assert!(!e.to_string().is_empty() && !e.to_string().contains("photo.err"), "{e}");
    }
}

#[test]
fn a_signature_renders_as_png_and_blank_ones_are_blank() {
    let s = Strokes { strokes: vec![vec![[0.1, 0.5], [0.5, 0.2], [0.9, 0.8]]] };
    assert!(!s.is_blank());
    let p = s.render().unwrap();
    assert_eq!(image::guess_format(&p.full).unwrap(), ImageFormat::Png);
    let img = image::load_from_memory(&p.full).unwrap().to_rgb8();
    assert!(img.pixels().any(|px| px[0] == 0), "ink drawn");
    assert_eq!(Strokes::from_json(&s.to_json()), s);
    assert!(Strokes { strokes: vec![vec![[0.1, 0.1]]] }.is_blank());
}
