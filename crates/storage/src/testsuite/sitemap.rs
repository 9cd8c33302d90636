//! Suite checks for what the sitemap lists: every article, story and tag in key order, with
//! when each last changed, read in chunks.

use chrono::Utc;
use tidings_core::{SitemapSection, Storage};

use super::stories::placement;
use super::{hours_after_base, insert_new, sample_article, tags};

pub async fn sitemap_lists_pages_in_key_order_with_their_times(storage: &dyn Storage) {
    for section in [
        SitemapSection::Articles,
        SitemapSection::Stories,
        SitemapSection::Tags,
    ] {
        assert_eq!(storage.sitemap_count(section).await.expect("count"), 0);
    }
    let before_insert = Utc::now() - chrono::Duration::seconds(1);
    let mut ids = Vec::new();
    for (n, labels) in [&["Zebra", "Alpha"][..], &["alpha"], &[]]
        .iter()
        .enumerate()
    {
        let mut article = sample_article(
            "Ledger",
            &format!("https://a.example/{n}"),
            &format!("Article {n}"),
            Some(hours_after_base(n as i64)),
        );
        article.tags = tags(labels);
        ids.push(insert_new(storage, article).await);
    }
    let story = storage
        .place_in_story(placement(ids[0], None))
        .await
        .expect("story");
    storage
        .place_in_story(placement(ids[1], Some(story)))
        .await
        .expect("join");

    assert_eq!(
        storage
            .sitemap_count(SitemapSection::Articles)
            .await
            .expect("count"),
        3
    );
    assert_eq!(
        storage
            .sitemap_count(SitemapSection::Stories)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        storage
            .sitemap_count(SitemapSection::Tags)
            .await
            .expect("count"),
        2
    );

    let articles = storage
        .sitemap_entries(SitemapSection::Articles, 0, 10)
        .await
        .expect("articles");
    let keys: Vec<String> = articles.iter().map(|e| e.key.clone()).collect();
    let want: Vec<String> = ids.iter().map(i64::to_string).collect();
    assert_eq!(keys, want);
    // Published in 2024 but stored now: the later of the two is when the page changed.
    assert!(articles.iter().all(|e| e.modified >= before_insert));

    let chunk = storage
        .sitemap_entries(SitemapSection::Articles, 1, 1)
        .await
        .expect("chunk");
    assert_eq!(chunk.len(), 1);
    assert_eq!(chunk[0].key, ids[1].to_string());
    assert!(
        storage
            .sitemap_entries(SitemapSection::Articles, 3, 10)
            .await
            .expect("past the end")
            .is_empty()
    );

    let stories = storage
        .sitemap_entries(SitemapSection::Stories, 0, 10)
        .await
        .expect("stories");
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].key, story.to_string());
    assert_eq!(stories[0].modified, hours_after_base(1));

    let tag_entries = storage
        .sitemap_entries(SitemapSection::Tags, 0, 10)
        .await
        .expect("tags");
    let tag_keys: Vec<(&str, _)> = tag_entries
        .iter()
        .map(|e| (e.key.as_str(), e.modified))
        .collect();
    assert_eq!(
        tag_keys,
        vec![
            ("alpha", hours_after_base(1)),
            ("zebra", hours_after_base(0))
        ]
    );
}
