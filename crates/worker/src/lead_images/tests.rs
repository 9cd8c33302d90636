//! Making variants: what is refused before decoding, sizes that keep the aspect and never
//! enlarge, and encoded bytes that decode back to the stated size.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use tidings_core::ImageVariant;

use super::picture::{PictureRefusal, decode, fitted_size, make_variants};

/// A `width`×`height` picture encoded as `format`, with a gradient so it is not trivial.
pub(crate) fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let picture = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
    });
    let mut bytes = Cursor::new(Vec::new());
    let picture = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(picture).to_rgb8()),
        _ => DynamicImage::ImageRgba8(picture),
    };
    picture.write_to(&mut bytes, format).expect("encodes");
    bytes.into_inner()
}

#[test]
fn fitted_sizes_keep_the_aspect_and_never_enlarge() {
    assert_eq!(fitted_size(2000, 1000, ImageVariant::Card), (400, 200));
    assert_eq!(fitted_size(2000, 1000, ImageVariant::Article), (1000, 500));
    assert_eq!(
        fitted_size(300, 200, ImageVariant::Card),
        (300, 200),
        "not enlarged"
    );
    assert_eq!(fitted_size(300, 200, ImageVariant::Article), (300, 200));
    // A tall picture is bounded by the box's height.
    assert_eq!(fitted_size(1000, 6000, ImageVariant::Card), (100, 600));
    // An extreme strip keeps at least one pixel.
    assert_eq!(fitted_size(8000, 50, ImageVariant::Card), (400, 3));
}

#[test]
fn variants_are_jpeg_at_their_fitted_size() {
    let png = encoded(1600, 900, ImageFormat::Png);
    let variants = make_variants(&png, Some("image/png")).expect("variants");
    let sizes: Vec<_> = variants
        .iter()
        .map(|v| (v.variant, v.width, v.height))
        .collect();
    assert_eq!(
        sizes,
        vec![
            (ImageVariant::Card, 400, 225),
            (ImageVariant::Article, 1000, 563)
        ]
    );
    for variant in &variants {
        assert_eq!(variant.content_type, "image/jpeg");
        assert_eq!(variant.digest.len(), 16);
        let back = image::load_from_memory_with_format(&variant.bytes, ImageFormat::Jpeg)
            .expect("decodes");
        assert_eq!(
            (back.width(), back.height()),
            (variant.width, variant.height)
        );
    }
    assert_ne!(variants[0].digest, variants[1].digest);
}

#[test]
fn a_small_picture_is_stored_at_its_own_size() {
    let jpeg = encoded(320, 240, ImageFormat::Jpeg);
    let variants = make_variants(&jpeg, Some("image/jpeg")).expect("variants");
    assert!(variants.iter().all(|v| (v.width, v.height) == (320, 240)));
}

#[test]
fn transparency_is_laid_over_white() {
    let clear = RgbaImage::from_pixel(64, 64, Rgba([0, 0, 0, 0]));
    let mut png = Cursor::new(Vec::new());
    DynamicImage::ImageRgba8(clear)
        .write_to(&mut png, ImageFormat::Png)
        .expect("encodes");
    let variants = make_variants(png.get_ref(), Some("image/png")).expect("variants");
    let back = image::load_from_memory(&variants[0].bytes)
        .expect("decodes")
        .to_rgb8();
    assert!(
        back.pixels().all(|p| p.0.iter().all(|c| *c > 245)),
        "white, not black"
    );
}

#[test]
fn html_labelled_as_an_image_is_refused() {
    let html = b"<!doctype html><html><body>Not found</body></html>";
    assert_eq!(
        decode(html, Some("image/jpeg")).map(|_| ()),
        Err(PictureRefusal::NotImageBytes("image/jpeg".into()))
    );
}

#[test]
fn svg_is_refused_however_it_is_labelled() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><script>alert(1)</script></svg>"#;
    assert_eq!(
        decode(svg, Some("image/svg+xml")).map(|_| ()),
        Err(PictureRefusal::Svg)
    );
    assert_eq!(
        decode(svg, Some("image/png")).map(|_| ()),
        Err(PictureRefusal::NotImageBytes("image/png".into()))
    );
}

#[test]
fn a_body_not_declared_an_image_is_refused() {
    let png = encoded(100, 100, ImageFormat::Png);
    assert_eq!(
        decode(&png, Some("text/html")).map(|_| ()),
        Err(PictureRefusal::NotAnImageType("text/html".into()))
    );
    assert_eq!(
        decode(&png, None).map(|_| ()),
        Err(PictureRefusal::NoContentType)
    );
}

#[test]
fn tracking_pixels_and_icons_are_too_small() {
    let pixel = encoded(1, 1, ImageFormat::Gif);
    assert_eq!(
        decode(&pixel, Some("image/gif")).map(|_| ()),
        Err(PictureRefusal::TooSmall {
            width: 1,
            height: 1
        })
    );
}
