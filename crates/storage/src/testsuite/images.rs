//! Suite checks for lead images: a fetch's variants read back and reach the cards, a later
//! fetch replaces them, a refusal is remembered, and bad input is refused with nothing written.

use chrono::{Duration, Utc};
use tidings_core::{
    ImageVariant, LeadImageOutcome, MAX_STORED_IMAGE_BYTES, PageRequest, Storage, StorageError,
    StoredImage,
};

use super::{hours_after_base, insert_new, sample_article};

/// A stored variant whose bytes and digest are made from `seed`.
pub fn sample_image(variant: ImageVariant, width: u32, height: u32, seed: u8) -> StoredImage {
    StoredImage {
        variant,
        content_type: "image/jpeg".into(),
        width,
        height,
        digest: format!("{seed:02x}").repeat(8),
        bytes: vec![0xff, 0xd8, seed, seed, 0xff, 0xd9],
    }
}

/// Stores `images` as the fetch of `id`'s lead image from `url` at `at`.
async fn save_variants(
    storage: &dyn Storage,
    id: i64,
    url: &str,
    at: chrono::DateTime<Utc>,
    images: Vec<StoredImage>,
) {
    storage
        .save_lead_image(id, url, at, LeadImageOutcome::Stored(images))
        .await
        .expect("save");
}

fn both_variants(seed: u8) -> Vec<StoredImage> {
    vec![
        sample_image(ImageVariant::Card, 400, 300, seed),
        sample_image(ImageVariant::Article, 800, 600, seed.wrapping_add(1)),
    ]
}

/// Variants read back with their bytes and reach the cards; a newer fetch replaces them and a
/// refusal drops them; articles waiting for a fetch are listed until one is recorded.
pub async fn lead_images_round_trip_and_replace(storage: &dyn Storage) {
    let mut with_image = sample_article("Gazette", "https://g.example/a", "Pictured", None);
    with_image.image = Some("https://g.example/a.jpg".into());
    let id = insert_new(storage, with_image).await;
    let without = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/b", "Plain", None),
    )
    .await;
    let since = Utc::now() - Duration::hours(1);
    assert_eq!(
        storage
            .articles_missing_lead_image(since, 10)
            .await
            .expect("missing"),
        vec![id],
        "only the article naming an image waits for a fetch"
    );
    assert_eq!(storage.lead_image_fetch(id).await.expect("fetch"), None);
    assert_eq!(
        storage
            .article_image(id, ImageVariant::Card)
            .await
            .expect("read"),
        None
    );

    let at = hours_after_base(0);
    let images = both_variants(1);
    save_variants(storage, id, "https://g.example/a.jpg", at, images.clone()).await;
    let fetch = storage
        .lead_image_fetch(id)
        .await
        .expect("fetch")
        .expect("recorded");
    assert_eq!(fetch.source_url, "https://g.example/a.jpg");
    assert_eq!(fetch.fetched_at, at);
    assert_eq!(fetch.error, None);
    for image in &images {
        assert_eq!(
            storage
                .article_image(id, image.variant)
                .await
                .expect("read")
                .as_ref(),
            Some(image)
        );
    }
    let refs = storage.article_image_refs(id).await.expect("refs");
    assert_eq!(
        refs,
        images
            .iter()
            .map(StoredImage::image_ref)
            .collect::<Vec<_>>(),
        "smallest first"
    );
    assert!(
        storage
            .articles_missing_lead_image(since, 10)
            .await
            .expect("missing")
            .is_empty()
    );
    let cards = storage
        .latest_articles(PageRequest::new(1, 10))
        .await
        .expect("cards")
        .items;
    let picture = |article| {
        cards
            .iter()
            .find(|c| c.id == article)
            .map(|c| c.picture.clone())
            .expect("listed")
    };
    assert_eq!(picture(id), Some(images[0].image_ref()), "the card variant");
    assert_eq!(picture(without), None);

    let newer = both_variants(7);
    save_variants(
        storage,
        id,
        "https://g.example/a2.jpg",
        hours_after_base(1),
        newer[..1].to_vec(),
    )
    .await;
    assert_eq!(
        storage.article_image_refs(id).await.expect("refs"),
        vec![newer[0].image_ref()],
        "the older fetch's variants are gone"
    );

    storage
        .save_lead_image(
            id,
            "https://g.example/a3.jpg",
            hours_after_base(2),
            LeadImageOutcome::Refused("not an image".into()),
        )
        .await
        .expect("refusal");
    let fetch = storage
        .lead_image_fetch(id)
        .await
        .expect("fetch")
        .expect("recorded");
    assert_eq!(fetch.error.as_deref(), Some("not an image"));
    assert_eq!(fetch.source_url, "https://g.example/a3.jpg");
    assert!(
        storage
            .article_image_refs(id)
            .await
            .expect("refs")
            .is_empty()
    );
    let cards = storage
        .latest_articles(PageRequest::new(1, 10))
        .await
        .expect("cards")
        .items;
    assert!(cards.iter().all(|c| c.picture.is_none()));
}

/// An unknown article, a repeated variant, an oversized variant or a malformed digest is
/// `Invalid`, and what was stored before stays.
pub async fn lead_images_refuse_bad_input(storage: &dyn Storage) {
    let id = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/c", "C", None),
    )
    .await;
    let at = hours_after_base(0);
    let kept = both_variants(3);
    save_variants(storage, id, "https://g.example/c.jpg", at, kept.clone()).await;

    let unknown = storage
        .save_lead_image(id + 100, "u", at, LeadImageOutcome::Refused("x".into()))
        .await;
    assert!(
        matches!(unknown, Err(StorageError::Invalid(_))),
        "{unknown:?}"
    );

    let twice = vec![
        sample_image(ImageVariant::Card, 10, 10, 4),
        sample_image(ImageVariant::Card, 20, 20, 5),
    ];
    let mut oversized = sample_image(ImageVariant::Card, 10, 10, 6);
    oversized.bytes = vec![0; MAX_STORED_IMAGE_BYTES + 1];
    let mut bad_digest = sample_image(ImageVariant::Card, 10, 10, 8);
    bad_digest.digest = "not-hex-at-all!!".into();
    for bad in [twice, vec![oversized], vec![bad_digest]] {
        let refused = storage
            .save_lead_image(id, "u", at, LeadImageOutcome::Stored(bad))
            .await;
        assert!(
            matches!(refused, Err(StorageError::Invalid(_))),
            "{refused:?}"
        );
    }
    assert_eq!(
        storage.article_image_refs(id).await.expect("refs"),
        kept.iter().map(StoredImage::image_ref).collect::<Vec<_>>(),
        "refused saves changed nothing"
    );
}
