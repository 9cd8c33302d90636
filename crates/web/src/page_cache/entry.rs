//! One cached page: its body in every encoding (compressed once, when it is stored), the
//! validators (strong ETag from the bytes, Last-Modified from the render time), the stamps it
//! was rendered under and, on article pages, where the Comments section lies.

use std::io::Write as _;
use std::ops::Range;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::http::HeaderValue;
use sha2::{Digest, Sha256};
use tidings_core::CacheStamps;

/// Marks around the Comments section on article pages (stored bodies are sanitized, which
/// strips HTML comments, so these cannot occur in an article's text).
pub(super) const COMMENTS_START: &str = "<!--comments-->";
pub(super) const COMMENTS_END: &str = "<!--/comments-->";
/// Marks around the reader's controls (follow, save, read marks) on the article, tag,
/// source and story pages: a sign-in prompt in the shared page, the reader's own buttons
/// for a signed-in reader.
pub(super) const READER_START: &str = "<!--reader-->";
pub(super) const READER_END: &str = "<!--/reader-->";

/// Brotli quality and window for stored pages: near the best ratio at a few milliseconds a
/// page, paid once per render.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 22;
/// Bookkeeping counted per entry besides the bodies.
const ENTRY_OVERHEAD: usize = 256;

/// A content coding a response can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    pub(super) fn header(self) -> Option<HeaderValue> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }

    fn tag_suffix(self) -> &'static str {
        match self {
            Encoding::Identity => "",
            Encoding::Gzip => "-gz",
            Encoding::Brotli => "-br",
        }
    }
}

pub(crate) struct CachedPage {
    pub(super) stamps: CacheStamps,
    pub(super) rendered_at: Instant,
    /// Whole seconds, as `Last-Modified` says it.
    pub(super) last_modified: SystemTime,
    pub(super) content_type: HeaderValue,
    pub(super) identity: Bytes,
    /// `None` when compressing did not make it smaller.
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    /// The opaque part of the strong ETag (hex of the body's SHA-256, shortened).
    tag: String,
    /// The byte range of the Comments section, on article pages.
    pub(super) comments: Option<Range<usize>>,
    /// The byte range of the reader's controls, on pages that have them.
    pub(super) reader: Option<Range<usize>>,
}

impl CachedPage {
    /// Compresses `body` (gzip and brotli) and computes its validators.
    pub(super) fn new(stamps: CacheStamps, content_type: HeaderValue, body: Bytes) -> Self {
        let gzip = gzip(&body)
            .filter(|z| z.len() < body.len())
            .map(Bytes::from);
        let brotli = brotli(&body)
            .filter(|z| z.len() < body.len())
            .map(Bytes::from);
        let now = SystemTime::now();
        let whole_seconds = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(d.as_secs()))
            .unwrap_or(now);
        CachedPage {
            stamps,
            rendered_at: Instant::now(),
            last_modified: whole_seconds,
            content_type,
            tag: body_tag(&body),
            comments: marked_range(&body, COMMENTS_START, COMMENTS_END),
            reader: marked_range(&body, READER_START, READER_END),
            identity: body,
            gzip,
            brotli,
        }
    }

    /// The bytes the entry takes (all encodings and bookkeeping).
    pub(super) fn weight(&self) -> usize {
        ENTRY_OVERHEAD
            + self.identity.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len)
            + self.tag.len()
    }

    /// The body in `wanted` when it is kept in that encoding, else the plain body.
    pub(super) fn body(&self, wanted: Encoding) -> (Encoding, Bytes) {
        match wanted {
            Encoding::Brotli => match &self.brotli {
                Some(b) => (Encoding::Brotli, b.clone()),
                None => (Encoding::Identity, self.identity.clone()),
            },
            Encoding::Gzip => match &self.gzip {
                Some(b) => (Encoding::Gzip, b.clone()),
                None => (Encoding::Identity, self.identity.clone()),
            },
            Encoding::Identity => (Encoding::Identity, self.identity.clone()),
        }
    }

    /// The strong ETag of the body in `encoding` (each encoding is its own representation).
    pub(super) fn etag(&self, encoding: Encoding) -> String {
        format!("\"{}{}\"", self.tag, encoding.tag_suffix())
    }

    /// The opaque tag shared by every encoding, for `If-None-Match` (weak comparison).
    pub(super) fn tag(&self) -> &str {
        &self.tag
    }
}

/// 32 hex digits of the body's SHA-256.
pub(super) fn body_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    hex::encode(&digest[..16])
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    Some(out)
}

/// What lies between `start_mark` and `end_mark`, when both occur exactly once and in order.
fn marked_range(body: &[u8], start_mark: &str, end_mark: &str) -> Option<Range<usize>> {
    let text = std::str::from_utf8(body).ok()?;
    let only = |mark: &str| {
        let at = text.find(mark)?;
        (text.matches(mark).count() == 1).then_some(at)
    };
    let start = only(start_mark)? + start_mark.len();
    let end = only(end_mark)?;
    (start <= end).then_some(start..end)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read as _;

    /// A page of `len` bytes of varied HTML.
    pub(crate) fn page_of(len: usize) -> CachedPage {
        let mut body = String::with_capacity(len);
        let mut n = 0u64;
        while body.len() < len {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            body.push_str(&format!("<p>{:x}</p>", n >> 40));
        }
        body.truncate(len);
        CachedPage::new(
            CacheStamps::default(),
            HeaderValue::from_static("text/html"),
            Bytes::from(body),
        )
    }

    #[test]
    fn every_encoding_decodes_to_the_body() {
        let html = "<p>Harbour news, harbour news, harbour news.</p>".repeat(200);
        let page = CachedPage::new(
            CacheStamps::default(),
            HeaderValue::from_static("text/html"),
            Bytes::from(html.clone()),
        );
        let (encoding, gz) = page.body(Encoding::Gzip);
        assert_eq!(encoding, Encoding::Gzip);
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut plain)
            .expect("gunzip");
        assert_eq!(plain, html);
        let (encoding, br) = page.body(Encoding::Brotli);
        assert_eq!(encoding, Encoding::Brotli);
        assert!(br.len() < html.len() / 10, "{} bytes", br.len());
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut plain)
            .expect("unbrotli");
        assert_eq!(plain, html.as_bytes());
        assert_ne!(page.etag(Encoding::Gzip), page.etag(Encoding::Brotli));
        assert!(page.etag(Encoding::Identity).contains(page.tag()));
    }

    #[test]
    fn tiny_bodies_stay_plain() {
        let page = CachedPage::new(
            CacheStamps::default(),
            HeaderValue::from_static("application/json"),
            Bytes::from_static(b"[]"),
        );
        assert_eq!(page.body(Encoding::Brotli).0, Encoding::Identity);
        assert_eq!(page.body(Encoding::Gzip).0, Encoding::Identity);
    }

    #[test]
    fn the_comments_section_is_found_only_when_marked_once() {
        let body = b"<main>a<!--comments--><section>c</section><!--/comments-->b</main>";
        let comments = |body: &[u8]| marked_range(body, COMMENTS_START, COMMENTS_END);
        let range = comments(body).expect("marked");
        assert_eq!(&body[range], b"<section>c</section>");
        assert!(comments(b"<!--comments--><!--comments--><!--/comments-->").is_none());
        assert!(comments(b"<!--/comments--><!--comments-->").is_none());
        assert!(comments(b"no marks").is_none());
        let page = b"<!--reader--><form></form><!--/reader--><!--comments-->c<!--/comments-->";
        let reader = marked_range(page, READER_START, READER_END).expect("reader marks");
        assert_eq!(&page[reader], b"<form></form>");
    }
}
