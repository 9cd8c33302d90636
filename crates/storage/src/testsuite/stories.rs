//! Stories and syndicated copies: placement, story pages and lists, related articles without
//! the article's own copies, and the rows the story index is rebuilt from.

use tidings_core::{PageRequest, Storage, StorageError, StoryPlacement};

use super::{hours_after_base, insert_new, sample_article, tags, terms};

pub(super) fn placement(article_id: i64, story: Option<i64>) -> StoryPlacement {
    StoryPlacement {
        article_id,
        story,
        copy_of: None,
        original_of: Vec::new(),
        neighbours: Vec::new(),
        tags: None,
    }
}

pub async fn stories_group_articles_and_count_outlets(storage: &dyn Storage) {
    let a = insert_new(
        storage,
        sample_article(
            "Ledger",
            "https://a.example/1",
            "Quake hits",
            Some(hours_after_base(0)),
        ),
    )
    .await;
    let b = insert_new(
        storage,
        sample_article(
            "Courier",
            "https://b.example/1",
            "Quake toll rises",
            Some(hours_after_base(1)),
        ),
    )
    .await;
    let c = insert_new(
        storage,
        sample_article(
            "Ledger",
            "https://a.example/2",
            "Budget passes",
            Some(hours_after_base(2)),
        ),
    )
    .await;
    let story = storage
        .place_in_story(placement(a, None))
        .await
        .expect("new story");
    assert_eq!(
        storage
            .place_in_story(placement(b, Some(story)))
            .await
            .expect("join"),
        story
    );
    let other = storage
        .place_in_story(placement(c, None))
        .await
        .expect("second story");
    assert_ne!(story, other);

    let read = storage
        .story(story)
        .await
        .expect("read")
        .expect("story exists");
    assert_eq!(read.headline, "Quake hits");
    assert_eq!(read.outlets, 2);
    let ids: Vec<i64> = read.articles.iter().map(|x| x.card.id).collect();
    assert_eq!(ids, [a, b], "oldest first");

    let list = storage
        .latest_stories(PageRequest::new(1, 10))
        .await
        .expect("list");
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[0].id, other, "newest story first");
    assert_eq!(list.items[1].article_ids, [a, b]);
    assert_eq!(list.items[1].lead.id, b, "the newest article leads");
    assert!(storage.story(9999).await.expect("read").is_none());
    let links = storage
        .article_links(b)
        .await
        .expect("links")
        .expect("exists");
    assert_eq!(links.story_id, Some(story));
}

pub async fn copies_are_listed_under_the_original_and_never_related(storage: &dyn Storage) {
    let original = insert_new(
        storage,
        sample_article(
            "Ledger",
            "https://a.example/1",
            "Storm",
            Some(hours_after_base(0)),
        ),
    )
    .await;
    let copy = insert_new(
        storage,
        sample_article(
            "Portal",
            "https://p.example/1",
            "Storm (photos)",
            Some(hours_after_base(1)),
        ),
    )
    .await;
    let other = insert_new(
        storage,
        sample_article(
            "Courier",
            "https://c.example/1",
            "Storm damage",
            Some(hours_after_base(2)),
        ),
    )
    .await;
    let near = insert_new(
        storage,
        sample_article(
            "Herald",
            "https://h.example/1",
            "Flood warning",
            Some(hours_after_base(3)),
        ),
    )
    .await;
    let story = storage
        .place_in_story(placement(original, None))
        .await
        .expect("place");
    let mut p = placement(copy, Some(story));
    p.copy_of = Some(original);
    storage.place_in_story(p).await.expect("copy");
    storage
        .place_in_story(placement(other, Some(story)))
        .await
        .expect("other");
    let mut p = placement(near, None);
    p.neighbours = vec![(original, 0.4), (copy, 0.4)];
    storage.place_in_story(p).await.expect("near");

    let links = storage
        .article_links(original)
        .await
        .expect("links")
        .expect("exists");
    let publishers: Vec<&str> = links.copies.iter().map(|c| c.publisher.as_str()).collect();
    assert_eq!(publishers, ["Portal"]);
    let related: Vec<i64> = storage
        .story_related(original, 10)
        .await
        .expect("related")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        related,
        [other, near],
        "story first, then neighbours; never the copy"
    );
    let from_copy: Vec<i64> = storage
        .story_related(copy, 10)
        .await
        .expect("related")
        .iter()
        .map(|c| c.id)
        .collect();
    assert!(
        !from_copy.contains(&original) && !from_copy.contains(&copy),
        "{from_copy:?}"
    );
    assert_eq!(
        storage
            .article_links(copy)
            .await
            .expect("links")
            .expect("exists")
            .copy_of,
        Some(original)
    );
}

pub async fn a_later_original_takes_over_the_copies(storage: &dyn Storage) {
    let first = insert_new(
        storage,
        sample_article(
            "Portal",
            "https://p.example/1",
            "Storm",
            Some(hours_after_base(5)),
        ),
    )
    .await;
    let original = insert_new(
        storage,
        sample_article(
            "Ledger",
            "https://a.example/1",
            "Storm",
            Some(hours_after_base(0)),
        ),
    )
    .await;
    let story = storage
        .place_in_story(placement(first, None))
        .await
        .expect("place");
    let mut p = placement(original, Some(story));
    p.original_of = vec![first];
    storage.place_in_story(p).await.expect("place original");
    let links = storage
        .article_links(original)
        .await
        .expect("links")
        .expect("exists");
    assert_eq!(
        links.copies.iter().map(|c| c.id).collect::<Vec<_>>(),
        [first]
    );
    assert_eq!(links.copy_of, None);
}

pub async fn placement_refuses_unknown_articles_and_stories(storage: &dyn Storage) {
    let err = storage
        .place_in_story(placement(42, None))
        .await
        .expect_err("no article");
    assert!(matches!(err, StorageError::Invalid(_)), "{err:?}");
    let a = insert_new(
        storage,
        sample_article("Ledger", "https://a.example/1", "Quake", None),
    )
    .await;
    let err = storage
        .place_in_story(placement(a, Some(77)))
        .await
        .expect_err("no story");
    assert!(matches!(err, StorageError::Invalid(_)), "{err:?}");
}

pub async fn harmonised_tags_and_index_rows_read_back(storage: &dyn Storage) {
    let mut article = sample_article(
        "Ledger",
        "https://a.example/1",
        "Talks",
        Some(hours_after_base(0)),
    );
    article.tags = tags(&["tehran"]);
    article.terms = terms(&[("iran", 0.8), ("talk", 0.6)]);
    let a = insert_new(storage, article).await;
    let mut p = placement(a, None);
    p.tags = Some(tags(&["Iran", "Nuclear Talks"]));
    let story = storage.place_in_story(p).await.expect("place");
    let story_tags = storage.story_tags(story, 6).await.expect("tags");
    let slugs: Vec<&str> = story_tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs.len(), 2);
    assert!(
        slugs.contains(&"iran") && slugs.contains(&"nucleartalks"),
        "{slugs:?}"
    );
    let tagged = storage
        .tag_stories("iran", PageRequest::new(1, 10))
        .await
        .expect("tag stories");
    assert_eq!(
        tagged.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        [story]
    );
    assert!(
        storage
            .tag_stories("tehran", PageRequest::new(1, 10))
            .await
            .expect("tag")
            .items
            .is_empty()
    );

    let rows = storage
        .story_index_rows(hours_after_base(-1), 0, 100)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].story_id, story);
    assert_eq!(rows[0].terms.len(), 2);
    assert!(
        storage
            .story_index_rows(hours_after_base(1), 0, 100)
            .await
            .expect("rows")
            .is_empty()
    );
}

pub async fn neighbours_keep_the_last_similarity_and_skip_missing_articles(storage: &dyn Storage) {
    let mut ids = Vec::new();
    for (n, publisher) in ["Ledger", "Courier", "Herald"].into_iter().enumerate() {
        let url = format!("https://{n}.example/1");
        let article = sample_article(publisher, &url, "Harbour", Some(hours_after_base(n as i64)));
        ids.push(insert_new(storage, article).await);
    }
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let mut p = placement(a, None);
    p.neighbours = vec![(b, 0.9), (c, 0.2), (a, 1.0), (999_999, 0.8), (b, 0.1)];
    p.tags = Some(tags(&["Harbour", "Port", "Harbour"]));
    storage.place_in_story(p).await.expect("place");
    let related = |id| async move {
        storage
            .story_related(id, 10)
            .await
            .expect("related")
            .into_iter()
            .map(|card| card.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(related(a).await, [c, b], "b's later similarity (0.1) wins");
    let placed = storage.article(a).await.expect("read").expect("stored");
    let slugs: Vec<&str> = placed.tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["harbour", "port"]);
    storage
        .place_in_story(placement(b, None))
        .await
        .expect("place b");
    assert_eq!(related(b).await, [a], "neighbours are stored both ways");
}
