//! A fetched lead image made into the variants Tidings serves: the declared type and the
//! bytes themselves checked (JPEG, PNG, GIF or WebP; never SVG), decoded under limits that
//! refuse decompression bombs before any pixel memory is taken, fitted into each variant's
//! box without ever being enlarged, and encoded as JPEG. Pure and synchronous (run it on a
//! blocking thread).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};
use tidings_core::{IMAGE_DIGEST_HEX, ImageVariant, StoredImage};

/// Largest image body fetched.
pub const MAX_IMAGE_BODY_BYTES: u64 = 8 * 1024 * 1024;
/// Widest and tallest picture decoded.
pub const MAX_SOURCE_SIDE: u32 = 8192;
/// Most memory the decoder may take.
pub const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;
/// A picture narrower or lower than this is an icon or a tracking pixel, not a lead image.
pub const MIN_SOURCE_SIDE: u32 = 48;
/// JPEG quality of the stored variants.
const JPEG_QUALITY: u8 = 82;

/// Why a fetched body cannot be a lead image. Every refusal is final: fetching the same URL
/// again would give the same answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureRefusal {
    #[error("the response has no Content-Type")]
    NoContentType,
    #[error("the response is {0}, not an image")]
    NotAnImageType(String),
    #[error("SVG images are not shown")]
    Svg,
    #[error("the body is not a JPEG, PNG, GIF or WebP image (declared {0})")]
    NotImageBytes(String),
    #[error(
        "the image is {width}×{height}; at most {MAX_SOURCE_SIDE}×{MAX_SOURCE_SIDE} is decoded"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the image is {width}×{height}, too small to show")]
    TooSmall { width: u32, height: u32 },
    #[error("the image cannot be decoded: {0}")]
    Undecodable(String),
    #[error("the image cannot be encoded: {0}")]
    Unencodable(String),
}

/// The formats read, and what their bytes start with.
const ACCEPTED: [ImageFormat; 4] = [
    ImageFormat::Jpeg,
    ImageFormat::Png,
    ImageFormat::Gif,
    ImageFormat::WebP,
];

/// Every variant of the picture in `body`, served with `content_type`.
pub fn make_variants(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<Vec<StoredImage>, PictureRefusal> {
    let source = decode(body, content_type)?;
    ImageVariant::ALL
        .into_iter()
        .map(|variant| encode_variant(&source, variant))
        .collect()
}

/// The picture decoded, after checking the declared type, the bytes' own format and the
/// dimensions the header claims.
pub fn decode(body: &[u8], content_type: Option<&str>) -> Result<DynamicImage, PictureRefusal> {
    let declared = content_type.ok_or(PictureRefusal::NoContentType)?;
    if declared == "image/svg+xml" {
        return Err(PictureRefusal::Svg);
    }
    if !declared.starts_with("image/") {
        return Err(PictureRefusal::NotAnImageType(declared.to_owned()));
    }
    let format = image::guess_format(body)
        .ok()
        .filter(|f| ACCEPTED.contains(f))
        .ok_or_else(|| PictureRefusal::NotImageBytes(declared.to_owned()))?;
    let reader = || ImageReader::with_format(Cursor::new(body), format);
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| PictureRefusal::Undecodable(e.to_string()))?;
    if width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE {
        return Err(PictureRefusal::TooLarge { width, height });
    }
    if width < MIN_SOURCE_SIDE || height < MIN_SOURCE_SIDE {
        return Err(PictureRefusal::TooSmall { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut limited = reader();
    limited.limits(limits);
    limited
        .decode()
        .map_err(|e| PictureRefusal::Undecodable(e.to_string()))
}

/// The size a `width`×`height` picture is shown at in `variant`: fitted into its box with
/// the aspect kept, never enlarged, never below one pixel.
pub fn fitted_size(width: u32, height: u32, variant: ImageVariant) -> (u32, u32) {
    let (max_w, max_h) = variant.bounds();
    let scale = (f64::from(max_w) / f64::from(width))
        .min(f64::from(max_h) / f64::from(height))
        .min(1.0);
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    (side(width), side(height))
}

fn encode_variant(
    source: &DynamicImage,
    variant: ImageVariant,
) -> Result<StoredImage, PictureRefusal> {
    let (width, height) = fitted_size(source.width(), source.height(), variant);
    let resized = if (width, height) == (source.width(), source.height()) {
        source.clone()
    } else {
        source.resize_exact(width, height, FilterType::CatmullRom)
    };
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(&on_white(&resized))
        .map_err(|e| PictureRefusal::Unencodable(e.to_string()))?;
    Ok(StoredImage {
        variant,
        content_type: "image/jpeg".to_owned(),
        width,
        height,
        digest: digest(&bytes),
        bytes,
    })
}

/// The picture's colours with any transparency laid over white (JPEG has no alpha).
fn on_white(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// The first [`IMAGE_DIGEST_HEX`] hex digits of the SHA-256 of `bytes`.
fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut hex = String::with_capacity(IMAGE_DIGEST_HEX);
    for byte in hash.iter().take(IMAGE_DIGEST_HEX / 2) {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}
