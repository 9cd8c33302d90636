//! Suite checks for raw pages: keeping, listing by publisher and time, purging, and rewriting
//! an article from a new extraction (tags, terms and the full-text index included).

use tidings_core::{ArticleExtraction, BodySource, PageRequest, RawPage, RawPageFilter, Storage};

use super::{hours_after_base, insert_new, sample_article, tags, terms};

fn page(article_id: i64, hours: i64) -> RawPage {
    RawPage {
        article_id,
        url: format!("https://example.org/final/{article_id}"),
        charset: Some("iso-8859-1".into()),
        fetched_at: hours_after_base(hours),
        body_gzip: vec![0x1f, 0x8b, 8, 0, 1, 2, 3, article_id as u8],
        categories: vec!["World".into(), "Line\nbreak".into()],
    }
}

/// A kept page reads back as saved; saving again replaces it; an unknown article is refused.
pub async fn raw_page_round_trips(storage: &dyn Storage) {
    let id = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/a", "A", None),
    )
    .await;
    assert_eq!(storage.raw_page(id).await.expect("read"), None);
    storage.save_raw_page(page(id, 0)).await.expect("save");
    let read = storage.raw_page(id).await.expect("read").expect("kept");
    let mut want = page(id, 0);
    want.categories = vec!["World".into(), "Line break".into()];
    assert_eq!(read, want);

    let mut newer = page(id, 5);
    newer.body_gzip = vec![9, 9, 9];
    newer.charset = None;
    storage.save_raw_page(newer.clone()).await.expect("replace");
    let read = storage.raw_page(id).await.expect("read").expect("kept");
    assert_eq!(read.body_gzip, newer.body_gzip);
    assert_eq!(read.charset, None);

    let err = storage
        .save_raw_page(page(id + 1000, 0))
        .await
        .expect_err("unknown article refused");
    assert!(err.to_string().contains("article"), "{err}");
}

/// Listing filters by publisher slug and by fetch time, oldest article first.
pub async fn raw_page_ids_filter(storage: &dyn Storage) {
    let a = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/a", "A", None),
    )
    .await;
    let b = insert_new(
        storage,
        sample_article("Herald", "https://h.example/b", "B", None),
    )
    .await;
    let c = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/c", "C", None),
    )
    .await;
    let _no_page = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/d", "D", None),
    )
    .await;
    storage.save_raw_page(page(c, 10)).await.expect("save c");
    storage.save_raw_page(page(a, 0)).await.expect("save a");
    storage.save_raw_page(page(b, 5)).await.expect("save b");

    let all = storage
        .raw_page_ids(&RawPageFilter::default())
        .await
        .expect("all");
    assert_eq!(all, vec![a, b, c]);
    let gazette = RawPageFilter {
        publisher_slug: Some("gazette".into()),
        fetched_since: None,
    };
    assert_eq!(
        storage.raw_page_ids(&gazette).await.expect("gazette"),
        vec![a, c]
    );
    let recent = RawPageFilter {
        publisher_slug: None,
        fetched_since: Some(hours_after_base(5)),
    };
    assert_eq!(
        storage.raw_page_ids(&recent).await.expect("recent"),
        vec![b, c]
    );
    let both = RawPageFilter {
        publisher_slug: Some("gazette".into()),
        fetched_since: Some(hours_after_base(1)),
    };
    assert_eq!(storage.raw_page_ids(&both).await.expect("both"), vec![c]);
}

/// Purging drops exactly the pages fetched before the cut-off; the articles stay.
pub async fn purge_drops_old_pages_only(storage: &dyn Storage) {
    let old = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/o", "O", None),
    )
    .await;
    let new = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/n", "N", None),
    )
    .await;
    storage
        .save_raw_page(page(old, -48))
        .await
        .expect("save old");
    storage.save_raw_page(page(new, 0)).await.expect("save new");
    let purged = storage
        .purge_raw_pages(hours_after_base(-1))
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    assert!(storage.raw_page(old).await.expect("read").is_none());
    assert!(storage.raw_page(new).await.expect("read").is_some());
    assert!(storage.article(old).await.expect("read").is_some());
    assert_eq!(
        storage
            .purge_raw_pages(hours_after_base(-1))
            .await
            .expect("purge again"),
        0
    );
}

/// Rewriting an extraction replaces body, metadata, tags and terms, and search follows.
pub async fn update_article_extraction_rewrites(storage: &dyn Storage) {
    let mut article = sample_article("Gazette", "https://g.example/u", "Harbour news", None);
    article.tags = tags(&["Harbour", "Old tag"]);
    article.terms = terms(&[("harbour", 0.8), ("old", 0.2)]);
    let id = insert_new(storage, article).await;
    let update = ArticleExtraction {
        byline: Some("New Writer".into()),
        image: Some("https://g.example/new.jpg".into()),
        language: Some("fr".into()),
        site_name: Some("Gazette Online".into()),
        text: "Lighthouse keepers celebrate.".into(),
        html: "<p>Lighthouse keepers celebrate.</p>".into(),
        excerpt: "Lighthouse keepers celebrate.".into(),
        body_source: BodySource::FeedContent,
        tags: tags(&["Lighthouse"]),
        terms: terms(&[("lighthouse", 1.0)]),
    };
    assert!(
        storage
            .update_article_extraction(id, update)
            .await
            .expect("update")
    );
    let read = storage.article(id).await.expect("read").expect("exists");
    assert_eq!(read.title, "Harbour news", "the title stays");
    assert_eq!(read.byline.as_deref(), Some("New Writer"));
    assert_eq!(read.image.as_deref(), Some("https://g.example/new.jpg"));
    assert_eq!(read.language.as_deref(), Some("fr"));
    assert_eq!(read.site_name.as_deref(), Some("Gazette Online"));
    assert_eq!(read.text, "Lighthouse keepers celebrate.");
    assert_eq!(read.html, "<p>Lighthouse keepers celebrate.</p>");
    assert_eq!(read.excerpt, "Lighthouse keepers celebrate.");
    assert_eq!(read.body_source, BodySource::FeedContent);
    assert_eq!(read.tags, tags(&["Lighthouse"]));
    let page = PageRequest::new(1, 10);
    let found = storage
        .search_articles("lighthouse", page)
        .await
        .expect("search new");
    assert_eq!(
        found.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![id]
    );
    let stale = storage
        .search_articles("particular", page)
        .await
        .expect("search old");
    assert!(stale.items.is_empty(), "the old body left the index");
    let tagged = storage
        .tag_articles("old-tag", page)
        .await
        .expect("old tag page");
    assert!(tagged.items.is_empty(), "the old tag is gone");

    assert!(
        !storage
            .update_article_extraction(id + 1000, minimal_extraction())
            .await
            .expect("update of a missing article")
    );
}

fn minimal_extraction() -> ArticleExtraction {
    ArticleExtraction {
        byline: None,
        image: None,
        language: None,
        site_name: None,
        text: "x".into(),
        html: "<p>x</p>".into(),
        excerpt: "x".into(),
        body_source: BodySource::Page,
        tags: Vec::new(),
        terms: Vec::new(),
    }
}

/// Block counts grow once per page of a site, never for a page counted before, and only the
/// blocks seen on enough pages of that site are recurring; bad input is refused.
pub async fn site_blocks_count_each_page_once_per_site(storage: &dyn Storage) {
    let keys = |list: &[&str]| list.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    let label = keys(&["fires", "crime# comments"]);
    for n in 0..3 {
        let page = format!("https://m.example/{n}");
        let mut blocks = label.clone();
        blocks.push(format!("only on page {n}"));
        assert!(
            storage
                .count_site_blocks("daily-meridian", &page, &blocks)
                .await
                .expect("count")
        );
    }
    // The same page again (by its key) counts nothing; repeated keys count once.
    assert!(
        !storage
            .count_site_blocks("daily-meridian", "https://m.example/0", &label)
            .await
            .expect("recount")
    );
    assert!(
        storage
            .count_site_blocks(
                "other-site",
                "https://m.example/0",
                &keys(&["fires", "fires"])
            )
            .await
            .expect("other site")
    );
    let asked = keys(&["fires", "crime# comments", "only on page 1", "never seen"]);
    assert_eq!(
        storage
            .recurring_site_blocks("daily-meridian", &asked, 3)
            .await
            .expect("recurring"),
        keys(&["crime# comments", "fires"])
    );
    assert_eq!(
        storage
            .recurring_site_blocks("daily-meridian", &asked, 4)
            .await
            .expect("recurring"),
        Vec::<String>::new()
    );
    assert_eq!(
        storage
            .recurring_site_blocks("daily-meridian", &asked, 1)
            .await
            .expect("recurring")
            .len(),
        3
    );
    assert_eq!(
        storage
            .recurring_site_blocks("other-site", &asked, 1)
            .await
            .expect("recurring"),
        keys(&["fires"])
    );
    assert!(
        storage
            .recurring_site_blocks("daily-meridian", &[], 1)
            .await
            .expect("none asked")
            .is_empty()
    );
    let too_many: Vec<String> = (0..=tidings_core::MAX_SITE_BLOCKS_PER_PAGE)
        .map(|i| format!("block {i}"))
        .collect();
    assert!(matches!(
        storage.count_site_blocks("s", "p", &too_many).await,
        Err(tidings_core::StorageError::Invalid(_))
    ));
    let long = vec!["x".repeat(tidings_core::MAX_SITE_BLOCK_KEY_BYTES + 1)];
    assert!(matches!(
        storage.count_site_blocks("s", "p2", &long).await,
        Err(tidings_core::StorageError::Invalid(_))
    ));
}
