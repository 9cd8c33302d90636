//! The demo outlets' lead pictures, drawn in code (nothing is downloaded): a landscape of sky,
//! sun and hills whose colours and shapes follow from the picture's path, so each article has
//! its own and the same one every run. Four articles in five have a picture (named in their
//! page's `og:image`); the rest show how a card without one looks. PNGs are encoded on request.

use std::collections::HashMap;
use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// The size pictures are drawn at: wider than a card, so Tidings resizes them for cards and
/// keeps them as they are for article pages; small, so the demo's pictures cost little.
pub const PICTURE_WIDTH: u32 = 800;
pub const PICTURE_HEIGHT: u32 = 450;

/// The picture path of the article page at `page_path`, when it has one.
pub fn picture_path(page_path: &str, seed: u64) -> Option<String> {
    if seed.is_multiple_of(5) {
        return None;
    }
    let stem = page_path.strip_suffix(".html").unwrap_or(page_path);
    Some(format!("{stem}.png"))
}

/// The pictures the server answers: path → the seed it is drawn from.
pub type PictureTable = HashMap<String, u64>;

/// The picture drawn from `seed`, PNG-encoded.
pub fn render_png(seed: u64) -> Result<Vec<u8>, image::ImageError> {
    let mut bytes = Cursor::new(Vec::new());
    draw(seed).write_to(&mut bytes, ImageFormat::Png)?;
    Ok(bytes.into_inner())
}

/// A colour on the hue circle (`hue` in 0..360) at the given lightness (0..1), saturated.
fn hue_colour(hue: f32, lightness: f32) -> [f32; 3] {
    let h = hue.rem_euclid(360.0) / 60.0;
    let x = 1.0 - (h % 2.0 - 1.0).abs();
    let (r, g, b) = match h as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    let mix = |c: f32| (0.35 + 0.65 * c) * lightness;
    [mix(r), mix(g), mix(b)]
}

fn blend(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn pixel(c: [f32; 3]) -> Rgb<u8> {
    Rgb(c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
}

/// The landscape for `seed`.
pub fn draw(seed: u64) -> RgbImage {
    let part = |shift: u32, range: u64| ((seed >> shift) % range) as f32;
    let hue = part(0, 360);
    let sky_top = hue_colour(hue, 0.55);
    let sky_low = hue_colour(hue + 40.0, 0.95);
    let sun = hue_colour(hue + 180.0, 1.0);
    let (sun_x, sun_y) = (0.15 + part(9, 70) / 100.0, 0.2 + part(16, 30) / 100.0);
    let sun_r = 0.06 + part(22, 6) / 100.0;
    let hills: Vec<(f32, f32, f32, [f32; 3])> = (0..3)
        .map(|i| {
            let level = 0.55 + 0.12 * i as f32;
            let wave = 2.0 + part(28 + i * 5, 5);
            let phase = part(40 + i * 4, 628) / 100.0;
            let shade = hue_colour(hue + 100.0 + 25.0 * i as f32, 0.6 - 0.15 * i as f32);
            (level, wave, phase, shade)
        })
        .collect();
    let (w, h) = (PICTURE_WIDTH as f32, PICTURE_HEIGHT as f32);
    // Each hill's ridge height, per column.
    let ridges: Vec<Vec<f32>> = hills
        .iter()
        .map(|(level, wave, phase, _)| {
            (0..PICTURE_WIDTH)
                .map(|x| {
                    let u = x as f32 / w;
                    level + 0.05 * (u * wave * std::f32::consts::TAU + phase).sin()
                })
                .collect()
        })
        .collect();
    RgbImage::from_fn(PICTURE_WIDTH, PICTURE_HEIGHT, |x, y| {
        let (u, v) = (x as f32 / w, y as f32 / h);
        let mut colour = blend(sky_top, sky_low, v);
        let (dx, dy) = ((u - sun_x) * w / h, v - sun_y);
        if dx * dx + dy * dy < sun_r * sun_r {
            colour = sun;
        }
        for ((.., shade), ridge) in hills.iter().zip(&ridges) {
            let ridge = ridge[x as usize];
            if v > ridge {
                colour = blend(*shade, [0.0; 3], (v - ridge) * 0.8);
            }
        }
        pixel(colour)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_differ_by_seed_and_repeat_for_one() {
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let png = render_png(7).expect("encodes");
        assert!(png.starts_with(b"\x89PNG"));
        let back = image::load_from_memory(&png).expect("decodes");
        assert_eq!(
            (back.width(), back.height()),
            (PICTURE_WIDTH, PICTURE_HEIGHT)
        );
    }

    #[test]
    fn one_article_in_five_has_no_picture() {
        assert_eq!(picture_path("/ledger/2026/11/26/pier.html", 10), None);
        assert_eq!(
            picture_path("/ledger/2026/11/26/pier.html", 11).as_deref(),
            Some("/ledger/2026/11/26/pier.png")
        );
    }
}
