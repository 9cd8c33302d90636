//! The `fetch_lead_image` job against a loopback publisher: a good picture is stored in every
//! variant; a private address, an oversized body, HTML labelled as a JPEG, an SVG and a
//! decompression bomb are refused and recorded; a failure that may pass is retried, then
//! given up; a job run twice fetches once; a poll queues the job for the articles it stores.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Utc;
use image::{DynamicImage, ImageFormat, RgbImage};
use tidings_core::{ImageVariant, Job, NewArticle, NewFeed, RepublishPolicy, Storage};
use tidings_storage::SqliteStorage;
use tidings_storage::testsuite::{insert_new, sample_article};
use tidings_worker::config::IngestConfig;
use tidings_worker::lead_images::picture::{PictureRefusal, decode};
use tidings_worker::lead_images::{
    FETCH_LEAD_IMAGE, LeadImageDone, MAX_FETCH_ATTEMPTS, queue_missing_lead_images,
    run_fetch_lead_image,
};
use tidings_worker::pipeline::Pipeline;

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(picture)
        .write_to(&mut bytes, ImageFormat::Png)
        .expect("encodes");
    bytes.into_inner()
}

/// A PNG chunk: length, type and data, and the CRC of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(&typed);
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    png.extend_from_slice(&typed);
    png.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A tiny PNG whose header claims `width`×`height`: the signature, the header and one small
/// compressed block of zeros, far fewer pixels than claimed.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut zeros = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zeros, &[0; 4096]).expect("compresses");
    let pixels = zeros.finish().expect("compresses");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &pixels);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The loopback publisher's pictures; `/flaky.png` counts its requests.
async fn publisher() -> (String, Arc<AtomicUsize>) {
    let flaky = Arc::new(AtomicUsize::new(0));
    let good = png(1200, 800);
    let app = Router::new()
        .route(
            "/good.png",
            get(move || {
                let good = good.clone();
                async move { ([(header::CONTENT_TYPE, "image/png")], good) }
            }),
        )
        .route(
            "/huge.jpg",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/jpeg")],
                    vec![0xffu8; 9 << 20],
                )
            }),
        )
        .route(
            "/html.jpg",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/jpeg")],
                    "<!doctype html><title>Not found</title><p>Sorry",
                )
            }),
        )
        .route(
            "/logo.svg",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/svg+xml")],
                    r#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"/>"#,
                )
            }),
        )
        .route(
            "/bomb.png",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/png")],
                    png_claiming(60_000, 60_000),
                )
            }),
        )
        .route(
            "/flaky.png",
            get(|State(count): State<Arc<AtomicUsize>>| async move {
                count.fetch_add(1, Ordering::SeqCst);
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }),
        )
        .with_state(Arc::clone(&flaky));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, flaky)
}

struct Setup {
    _dir: tempfile::TempDir,
    storage: Arc<dyn Storage>,
    pipeline: Pipeline,
    /// A feed allowed private addresses (as the demo's are) and one that is not.
    local_feed: i64,
    public_feed: i64,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage: Arc<dyn Storage> = Arc::new(
        SqliteStorage::open(&dir.path().join("t.db"))
            .await
            .expect("open"),
    );
    let feed = |url: &str, allow_private| NewFeed {
        url: url.into(),
        title: None,
        site_url: None,
        publisher: "Harbor Times".into(),
        policy: RepublishPolicy::Full,
        allow_private,
        interval_secs: 3600,
    };
    let local_feed = storage
        .add_feed(feed("http://127.0.0.1:9/local.xml", true))
        .await
        .expect("feed")
        .id;
    let public_feed = storage
        .add_feed(feed("http://127.0.0.1:9/public.xml", false))
        .await
        .expect("feed")
        .id;
    let pipeline = Pipeline::new(Arc::clone(&storage), IngestConfig::default()).expect("pipeline");
    Setup {
        _dir: dir,
        storage,
        pipeline,
        local_feed,
        public_feed,
    }
}

impl Setup {
    async fn article(&self, feed: i64, image: &str) -> i64 {
        let n = self.storage.count_articles().await.expect("count");
        let mut article: NewArticle = sample_article(
            "Harbor Times",
            &format!("https://harbor.example/{n}"),
            "Pier to be rebuilt",
            None,
        );
        article.feed_id = Some(feed);
        article.image = Some(image.to_owned());
        insert_new(self.storage.as_ref(), article).await
    }

    async fn run(&self, article: i64, attempts: i32) -> anyhow::Result<LeadImageDone> {
        let job = Job {
            id: 1,
            kind: FETCH_LEAD_IMAGE.into(),
            key: article.to_string(),
            payload: String::new(),
            attempts,
            lease_token: "test".into(),
            lease_until: Utc::now(),
        };
        run_fetch_lead_image(&self.pipeline, &job).await
    }

    async fn refusal(&self, article: i64) -> String {
        let fetch = self
            .storage
            .lead_image_fetch(article)
            .await
            .expect("read")
            .expect("recorded");
        assert!(
            self.storage
                .article_image_refs(article)
                .await
                .expect("refs")
                .is_empty(),
            "nothing stored for a refused image"
        );
        fetch.error.expect("a refusal")
    }
}

#[tokio::test]
async fn a_good_picture_is_stored_in_every_variant_once() {
    let (base, _) = publisher().await;
    let s = setup().await;
    let id = s.article(s.local_feed, &format!("{base}/good.png")).await;
    assert_eq!(s.run(id, 1).await.expect("job"), LeadImageDone::Stored);
    let refs = s.storage.article_image_refs(id).await.expect("refs");
    let sizes: Vec<_> = refs
        .iter()
        .map(|r| (r.variant, r.width, r.height))
        .collect();
    assert_eq!(
        sizes,
        vec![
            (ImageVariant::Card, 400, 267),
            (ImageVariant::Article, 1000, 667)
        ]
    );
    let card = s
        .storage
        .article_image(id, ImageVariant::Card)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(card.content_type, "image/jpeg");
    assert!(card.bytes.starts_with(&[0xff, 0xd8]), "JPEG bytes");
    assert_eq!(
        s.run(id, 1).await.expect("again"),
        LeadImageDone::Unchanged,
        "fetched from this URL already"
    );
}

#[tokio::test]
async fn a_private_address_is_refused_unless_the_feed_allows_it() {
    let (base, _) = publisher().await;
    let s = setup().await;
    let id = s.article(s.public_feed, &format!("{base}/good.png")).await;
    assert!(matches!(
        s.run(id, 1).await.expect("job"),
        LeadImageDone::Refused(_)
    ));
    let reason = s.refusal(id).await;
    assert!(reason.contains("loopback"), "{reason}");
    let metadata = s
        .article(s.public_feed, "http://169.254.169.254/latest/meta-data.png")
        .await;
    s.run(metadata, 1).await.expect("job");
    let reason = s.refusal(metadata).await;
    assert!(reason.contains("link-local"), "{reason}");
}

#[tokio::test]
async fn oversized_non_image_svg_and_bomb_bodies_are_refused() {
    let (base, _) = publisher().await;
    let s = setup().await;
    for (path, expected) in [
        ("huge.jpg", "exceeds 8 MiB"),
        ("html.jpg", "not a JPEG, PNG, GIF or WebP image"),
        ("logo.svg", "SVG"),
        ("bomb.png", "60000×60000"),
        ("missing.png", "HTTP 404"),
    ] {
        let id = s.article(s.local_feed, &format!("{base}/{path}")).await;
        let done = s.run(id, 1).await.expect("a refusal is not a job failure");
        assert!(
            matches!(done, LeadImageDone::Refused(_)),
            "{path}: {done:?}"
        );
        let reason = s.refusal(id).await;
        assert!(reason.contains(expected), "{path}: {reason}");
    }
}

#[tokio::test]
async fn a_passing_failure_is_retried_then_given_up() {
    let (base, flaky) = publisher().await;
    let s = setup().await;
    let id = s.article(s.local_feed, &format!("{base}/flaky.png")).await;
    for attempt in 1..MAX_FETCH_ATTEMPTS {
        let err = s.run(id, attempt).await.expect_err("retried later");
        assert!(err.to_string().contains("503"), "{err}");
        assert_eq!(s.storage.lead_image_fetch(id).await.expect("read"), None);
    }
    let done = s
        .run(id, MAX_FETCH_ATTEMPTS)
        .await
        .expect("the last attempt");
    assert!(matches!(done, LeadImageDone::Refused(_)), "{done:?}");
    assert!(s.refusal(id).await.starts_with("gave up after 3 attempts"));
    assert_eq!(flaky.load(Ordering::SeqCst), MAX_FETCH_ATTEMPTS as usize);
    assert_eq!(s.run(id, 1).await.expect("again"), LeadImageDone::Unchanged);
}

#[tokio::test]
async fn the_sweep_queues_only_articles_never_fetched() {
    let (base, _) = publisher().await;
    let s = setup().await;
    let fetched = s.article(s.local_feed, &format!("{base}/good.png")).await;
    let waiting = s.article(s.local_feed, &format!("{base}/good.png")).await;
    s.run(fetched, 1).await.expect("job");
    assert_eq!(
        queue_missing_lead_images(&s.pipeline).await.expect("sweep"),
        1
    );
    let counts = s.storage.job_counts().await.expect("counts");
    assert_eq!(counts.queued, 1, "only {waiting} waits for its picture");
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = png_claiming(100_000, 100_000);
    assert!(bomb.len() < 128, "a tiny file: {} bytes", bomb.len());
    assert_eq!(
        decode(&bomb, Some("image/png")).map(|_| ()),
        Err(PictureRefusal::TooLarge {
            width: 100_000,
            height: 100_000
        })
    );
}

#[test]
fn a_header_within_bounds_with_too_few_pixels_is_undecodable() {
    let empty = png_claiming(4000, 3000);
    assert!(matches!(
        decode(&empty, Some("image/png")),
        Err(PictureRefusal::Undecodable(_))
    ));
}
