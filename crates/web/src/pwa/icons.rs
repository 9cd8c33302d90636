//! The app icons as PNG, drawn in code from the favicon's shapes (a white "T" on the accent
//! blue), so an installed site has the raster sizes launchers ask for without committed
//! binaries. Each is drawn once per process.

use std::io::Cursor;
use std::sync::LazyLock;

use image::{ImageFormat, RgbaImage};

/// The accent blue of the favicon and the stylesheet.
const BACKGROUND: [u8; 4] = [0x1f, 0x5f, 0xbf, 0xff];
const GLYPH: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
/// Samples per pixel side for smooth edges.
const SUPERSAMPLING: u32 = 4;

/// The favicon's geometry, in its 32-unit view box.
const VIEW: f32 = 32.0;
const CORNER: f32 = 7.0;
/// The "T": its bar and its stem, as (left, top, right, bottom).
const BAR: [f32; 4] = [9.0, 9.0, 23.0, 12.5];
const STEM: [f32; 4] = [14.2, 12.5, 17.8, 24.0];

/// How the icon fills its square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Rounded corners, the glyph as in the favicon.
    Rounded,
    /// Full bleed with the glyph inside the central safe zone, for launchers that cut
    /// their own shape (`"purpose": "maskable"`).
    Maskable,
}

/// One icon the site serves under `/icons/`.
pub struct Icon {
    pub file: &'static str,
    pub size: u32,
    pub shape: Shape,
}

/// Every icon, as named in the manifest.
pub const ICONS: [Icon; 3] = [
    Icon {
        file: "icon-192.png",
        size: 192,
        shape: Shape::Rounded,
    },
    Icon {
        file: "icon-512.png",
        size: 512,
        shape: Shape::Rounded,
    },
    Icon {
        file: "maskable-512.png",
        size: 512,
        shape: Shape::Maskable,
    },
];

static DRAWN: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    ICONS
        .iter()
        .map(|icon| encode_png(icon.size, draw(icon.size, icon.shape)))
        .collect()
});

/// The PNG bytes of the icon named `file`, if there is one.
pub fn png(file: &str) -> Option<&'static [u8]> {
    let index = ICONS.iter().position(|icon| icon.file == file)?;
    DRAWN.get(index).map(Vec::as_slice)
}

fn inside(rect: [f32; 4], x: f32, y: f32) -> bool {
    x >= rect[0] && x < rect[2] && y >= rect[1] && y < rect[3]
}

fn inside_rounded_square(x: f32, y: f32) -> bool {
    let cx = x.clamp(CORNER, VIEW - CORNER);
    let cy = y.clamp(CORNER, VIEW - CORNER);
    (x - cx).powi(2) + (y - cy).powi(2) <= CORNER * CORNER
}

/// What colour the point (in view-box units) is, if any.
fn colour_at(shape: Shape, x: f32, y: f32) -> Option<[u8; 4]> {
    let (gx, gy) = match shape {
        Shape::Rounded => {
            if !inside_rounded_square(x, y) {
                return None;
            }
            (x, y)
        }
        // The safe zone is the central circle of 80% of the width; shrinking the glyph
        // about the centre keeps it well inside.
        Shape::Maskable => {
            let centre = VIEW / 2.0;
            let scale = 1.0 / 0.8;
            (centre + (x - centre) * scale, centre + (y - centre) * scale)
        }
    };
    if inside(BAR, gx, gy) || inside(STEM, gx, gy) {
        Some(GLYPH)
    } else {
        Some(BACKGROUND)
    }
}

/// The icon as RGBA rows, each pixel the average of its samples.
fn draw(size: u32, shape: Shape) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    let samples = SUPERSAMPLING * SUPERSAMPLING;
    let unit = VIEW / (size * SUPERSAMPLING) as f32;
    for py in 0..size {
        for px in 0..size {
            let mut sum = [0u32; 4];
            for sy in 0..SUPERSAMPLING {
                for sx in 0..SUPERSAMPLING {
                    let x = ((px * SUPERSAMPLING + sx) as f32 + 0.5) * unit;
                    let y = ((py * SUPERSAMPLING + sy) as f32 + 0.5) * unit;
                    if let Some(colour) = colour_at(shape, x, y) {
                        // Premultiplied, so transparent samples do not darken the edge.
                        for channel in 0..3 {
                            sum[channel] += u32::from(colour[channel]);
                        }
                        sum[3] += u32::from(colour[3]);
                    }
                }
            }
            let covered = sum[3] / 255;
            for channel in &sum[..3] {
                pixels.push(channel.checked_div(covered).unwrap_or(0) as u8);
            }
            pixels.push((sum[3] / samples) as u8);
        }
    }
    pixels
}

/// A truecolour-with-alpha PNG of `size`×`size` RGBA pixels; empty if the pixels do not
/// fill the square (they always do: `draw` makes exactly that many).
fn encode_png(size: u32, rgba: Vec<u8>) -> Vec<u8> {
    let Some(picture) = RgbaImage::from_raw(size, size, rgba) else {
        return Vec::new();
    };
    let mut png = Cursor::new(Vec::new());
    match picture.write_to(&mut png, ImageFormat::Png) {
        Ok(()) => png.into_inner(),
        Err(error) => {
            tracing::error!(%error, "drawing an app icon failed");
            Vec::new()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Reads back a served icon as PNG.
    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let picture = image::load_from_memory_with_format(png, ImageFormat::Png)
            .unwrap()
            .to_rgba8();
        (picture.width(), picture.height(), picture.into_raw())
    }

    fn pixel(rgba: &[u8], size: u32, x: u32, y: u32) -> [u8; 4] {
        let at = ((y * size + x) * 4) as usize;
        rgba[at..at + 4].try_into().unwrap()
    }

    #[test]
    fn every_icon_is_a_png_of_its_size() {
        for icon in &ICONS {
            let (width, height, rgba) = decode(png(icon.file).unwrap());
            assert_eq!((width, height), (icon.size, icon.size), "{}", icon.file);
            assert_eq!(rgba.len(), (icon.size * icon.size * 4) as usize);
        }
        assert!(png("icon-1024.png").is_none());
    }

    #[test]
    fn the_glyph_is_white_on_blue_and_only_the_rounded_icon_has_clear_corners() {
        let (_, _, rounded) = decode(png("icon-192.png").unwrap());
        assert_eq!(pixel(&rounded, 192, 0, 0)[3], 0, "corner transparent");
        assert_eq!(pixel(&rounded, 192, 96, 120), GLYPH, "the stem");
        assert_eq!(pixel(&rounded, 192, 30, 150), BACKGROUND);

        let (_, _, maskable) = decode(png("maskable-512.png").unwrap());
        assert_eq!(pixel(&maskable, 512, 0, 0), BACKGROUND, "full bleed");
        assert_eq!(pixel(&maskable, 512, 256, 300), GLYPH);
        // Every glyph pixel lies inside the safe zone (the central circle, 40% radius).
        for y in 0..512 {
            for x in 0..512 {
                if pixel(&maskable, 512, x, y)[0] != BACKGROUND[0] {
                    let (dx, dy) = (x as f32 - 256.0, y as f32 - 256.0);
                    assert!((dx * dx + dy * dy).sqrt() < 0.4 * 512.0, "({x}, {y})");
                }
            }
        }
    }
}
