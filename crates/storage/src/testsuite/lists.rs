//! Suite checks for the lists readers browse: latest, publishers, tags, trending, search and
//! related articles.

use tidings_core::{ArticleCard, PageRequest, Storage};

use super::{hours_after_base, insert_new, sample_article, tags, terms};

fn ids(cards: &[ArticleCard]) -> Vec<i64> {
    cards.iter().map(|c| c.id).collect()
}

/// Newest first by publication time (fetch time when unknown); pages report `has_more`.
pub async fn latest_orders_newest_first_and_pages(storage: &dyn Storage) {
    let old = insert_new(
        storage,
        sample_article(
            "A",
            "https://a.example/1",
            "Old",
            Some(hours_after_base(-48)),
        ),
    )
    .await;
    let mid = insert_new(
        storage,
        sample_article(
            "B",
            "https://b.example/2",
            "Mid",
            Some(hours_after_base(-1)),
        ),
    )
    .await;
    // No publication time: shown at its fetch time, which is now, after the fixtures' 2024.
    let undated = insert_new(
        storage,
        sample_article("A", "https://a.example/3", "Undated", None),
    )
    .await;
    let new = insert_new(
        storage,
        sample_article("C", "https://c.example/4", "New", Some(hours_after_base(2))),
    )
    .await;
    let older = insert_new(
        storage,
        sample_article(
            "C",
            "https://c.example/5",
            "Older",
            Some(hours_after_base(-24)),
        ),
    )
    .await;

    let mut all = Vec::new();
    let mut more = Vec::new();
    for page in 1..=3 {
        let got = storage
            .latest_articles(PageRequest::new(page, 2))
            .await
            .expect("latest");
        assert!(got.items.len() <= 2);
        all.extend(ids(&got.items));
        more.push(got.has_more);
    }
    assert_eq!(all, vec![undated, new, mid, older, old]);
    assert_eq!(more, vec![true, true, false]);

    let exact = storage
        .latest_articles(PageRequest::new(1, 5))
        .await
        .expect("latest");
    assert_eq!(exact.items.len(), 5);
    assert!(
        !exact.has_more,
        "a page holding the last article has no more"
    );
    let beyond = storage
        .latest_articles(PageRequest::new(9, 5))
        .await
        .expect("latest");
    assert!(beyond.items.is_empty() && !beyond.has_more);
    let card = &exact.items[1];
    assert_eq!(
        (card.title.as_str(), card.publisher_slug.as_str()),
        ("New", "c")
    );
    assert_eq!(card.shown_at, hours_after_base(2));
}

/// Publishers list with counts; a publisher's page lists only its articles, newest first.
pub async fn publisher_pages(storage: &dyn Storage) {
    let a1 = insert_new(
        storage,
        sample_article(
            "The Daily Ledger",
            "https://l.example/1",
            "L1",
            Some(hours_after_base(-2)),
        ),
    )
    .await;
    let a2 = insert_new(
        storage,
        sample_article(
            "The Daily Ledger",
            "https://l.example/2",
            "L2",
            Some(hours_after_base(-1)),
        ),
    )
    .await;
    insert_new(
        storage,
        sample_article(
            "Morning Post",
            "https://p.example/1",
            "P1",
            Some(hours_after_base(0)),
        ),
    )
    .await;

    let publishers = storage.publishers().await.expect("publishers");
    let listed: Vec<(&str, &str, i64)> = publishers
        .iter()
        .map(|p| (p.slug.as_str(), p.name.as_str(), p.article_count))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("morning-post", "Morning Post", 1),
            ("the-daily-ledger", "The Daily Ledger", 2)
        ]
    );
    let ledger = storage
        .publisher("the-daily-ledger")
        .await
        .expect("publisher")
        .expect("exists");
    assert_eq!(
        (ledger.name.as_str(), ledger.article_count),
        ("The Daily Ledger", 2)
    );
    assert_eq!(storage.publisher("nobody").await.expect("publisher"), None);

    let page = storage
        .publisher_articles("the-daily-ledger", PageRequest::new(1, 1))
        .await
        .expect("publisher articles");
    assert_eq!((ids(&page.items), page.has_more), (vec![a2], true));
    let page = storage
        .publisher_articles("the-daily-ledger", PageRequest::new(2, 1))
        .await
        .expect("publisher articles");
    assert_eq!((ids(&page.items), page.has_more), (vec![a1], false));
    let none = storage
        .publisher_articles("nobody", PageRequest::new(1, 10))
        .await
        .expect("empty");
    assert!(none.items.is_empty() && !none.has_more);
}

/// A tag reads back with its most common label and count; its page lists its articles
/// newest first, and cards carry their tags.
pub async fn tag_pages(storage: &dyn Storage) {
    let mut first = sample_article(
        "A",
        "https://a.example/1",
        "One",
        Some(hours_after_base(-3)),
    );
    first.tags = tags(&["Nuclear Talks", "Geneva"]);
    let first = insert_new(storage, first).await;
    let mut second = sample_article(
        "B",
        "https://b.example/2",
        "Two",
        Some(hours_after_base(-2)),
    );
    second.tags = tags(&["nuclear talks"]);
    let second = insert_new(storage, second).await;
    let mut third = sample_article(
        "C",
        "https://c.example/3",
        "Three",
        Some(hours_after_base(-1)),
    );
    third.tags = tags(&["Nuclear Talks"]);
    let third = insert_new(storage, third).await;
    insert_new(
        storage,
        sample_article("D", "https://d.example/4", "Untagged", None),
    )
    .await;

    let tag = storage
        .tag("nucleartalks")
        .await
        .expect("tag")
        .expect("tag exists");
    assert_eq!((tag.tag.label.as_str(), tag.count), ("Nuclear Talks", 3));
    assert_eq!(
        storage.tag("geneva").await.expect("tag").map(|t| t.count),
        Some(1)
    );
    assert_eq!(storage.tag("absent").await.expect("tag"), None);

    let page = storage
        .tag_articles("nucleartalks", PageRequest::new(1, 2))
        .await
        .expect("tag articles");
    assert_eq!(
        (ids(&page.items), page.has_more),
        (vec![third, second], true)
    );
    let rest = storage
        .tag_articles("nucleartalks", PageRequest::new(2, 2))
        .await
        .expect("tag articles");
    assert_eq!((ids(&rest.items), rest.has_more), (vec![first], false));
    let card_tags: Vec<&str> = rest.items[0].tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(card_tags, ["nucleartalks", "geneva"]);
}

/// Trending counts only tags of articles shown since the given time, most used first.
pub async fn trending_tags_count_recent_articles(storage: &dyn Storage) {
    let tagged = [
        (-50, &["Elections", "Budget"][..]),
        (-5, &["Budget"][..]),
        (-4, &["Budget", "Floods"][..]),
        (-3, &["Floods"][..]),
        (-2, &["Budget"][..]),
    ];
    for (n, (hours, labels)) in tagged.iter().enumerate() {
        let mut article = sample_article(
            "A",
            &format!("https://a.example/{n}"),
            "T",
            Some(hours_after_base(*hours)),
        );
        article.tags = tags(labels);
        insert_new(storage, article).await;
    }
    let trending = storage
        .trending_tags(hours_after_base(-24), 10)
        .await
        .expect("trending");
    let got: Vec<(&str, i64)> = trending
        .iter()
        .map(|t| (t.tag.slug.as_str(), t.count))
        .collect();
    assert_eq!(
        got,
        vec![("budget", 3), ("floods", 2)],
        "old 'elections' left out"
    );
    assert_eq!(trending[0].tag.label, "Budget");
    let top = storage
        .trending_tags(hours_after_base(-24), 1)
        .await
        .expect("trending");
    assert_eq!(top.len(), 1);
    let none = storage
        .trending_tags(hours_after_base(1), 10)
        .await
        .expect("trending");
    assert!(none.is_empty());
}

/// Search finds by title and body words; operators, quotes and punctuation in the reader's
/// words are searched as text and never raise an error.
pub async fn search_finds_and_tolerates_any_input(storage: &dyn Storage) {
    let mut reactor = sample_article(
        "A",
        "https://a.example/1",
        "Reactor talks stall in Vienna",
        Some(hours_after_base(-1)),
    );
    reactor.text = "Negotiators met for a third day. The \"AND\" clause remained open.".into();
    let reactor = insert_new(storage, reactor).await;
    let mut harvest = sample_article(
        "B",
        "https://b.example/2",
        "Harvest festival",
        Some(hours_after_base(0)),
    );
    harvest.text = "Farmers in Vienna celebrated a record harvest.".into();
    let harvest = insert_new(storage, harvest).await;

    let search = |words: &'static str| async move {
        let page = storage
            .search_articles(words, PageRequest::new(1, 10))
            .await
            .unwrap_or_else(|e| panic!("search for {words:?} failed: {e}"));
        ids(&page.items)
    };
    assert_eq!(search("reactor").await, vec![reactor]);
    assert_eq!(
        search("REACTOR talks").await,
        vec![reactor],
        "case folded, all words"
    );
    assert_eq!(
        search("negotiators").await,
        vec![reactor],
        "body text searched"
    );
    assert_eq!(
        search("reactor harvest").await,
        Vec::<i64>::new(),
        "every word must match"
    );
    assert_eq!(search("harvest").await, vec![harvest]);
    let vienna = search("Vienna").await;
    assert_eq!(vienna, vec![reactor, harvest], "a title hit ranks first");
    for hostile in [
        "\"reactor",
        "reactor\"",
        "reactor AND",
        "reactor*",
        "-reactor",
        "(reactor)",
        "^reactor:",
    ] {
        assert_eq!(search(hostile).await, vec![reactor], "query {hostile:?}");
    }
    // Operators and column filters are text too: these match nothing here, without error.
    for odd in [
        "NEAR(reactor",
        "title:reactor",
        "reactor OR",
        "reactor NOT harvest",
        "\"\"\"x",
    ] {
        assert!(search(odd).await.is_empty(), "query {odd:?}");
    }
    assert_eq!(
        search("AND").await,
        vec![reactor],
        "AND is a word, found in the body"
    );
    for nothing in ["", "   ", "*", "\"", "-- ;", "()"] {
        assert!(search(nothing).await.is_empty(), "query {nothing:?}");
    }
}

/// Related articles come from other publishers only, never the article itself, and share
/// the most weighted terms first.
pub async fn related_excludes_own_publisher_and_orders_by_shared_terms(storage: &dyn Storage) {
    let article = |publisher: &str, n: u32, pairs: &[(&str, f32)]| {
        let mut a = sample_article(
            publisher,
            &format!("https://x.example/{n}"),
            "T",
            Some(hours_after_base(i64::from(n))),
        );
        a.terms = terms(pairs);
        a
    };
    let subject = insert_new(
        storage,
        article(
            "Ledger",
            1,
            &[("iran", 1.0), ("talks", 0.8), ("vienna", 0.5)],
        ),
    )
    .await;
    let same_publisher = insert_new(
        storage,
        article(
            "Ledger",
            2,
            &[("iran", 1.0), ("talks", 0.8), ("vienna", 0.5)],
        ),
    )
    .await;
    let strong = insert_new(
        storage,
        article("Post", 3, &[("iran", 0.9), ("talks", 0.9)]),
    )
    .await;
    let weak = insert_new(storage, article("Herald", 4, &[("vienna", 0.4)])).await;
    let tie_old = insert_new(storage, article("Times", 5, &[("talks", 0.5)])).await;
    let tie_new = insert_new(storage, article("Globe", 6, &[("talks", 0.5)])).await;
    insert_new(storage, article("Courier", 7, &[("football", 1.0)])).await;

    let related = storage
        .related_articles(subject, 10)
        .await
        .expect("related");
    let got = ids(&related);
    assert!(!got.contains(&subject), "not itself");
    assert!(!got.contains(&same_publisher), "not its own publisher");
    assert_eq!(
        got,
        vec![strong, tie_new, tie_old, weak],
        "by score, then newest"
    );
    let limited = storage.related_articles(subject, 2).await.expect("related");
    assert_eq!(ids(&limited), vec![strong, tie_new]);
    assert!(
        storage
            .related_articles(9999, 5)
            .await
            .expect("related")
            .is_empty()
    );
}
