//! A story's headline as storage reads it back: the title that best represents the
//! coverage, not merely the oldest article's, cleaned of labels, and the same on the story
//! and on story lists.

use tidings_core::{PageRequest, Storage};

use super::{hours_after_base, insert_placed, sample_article};

pub async fn stories_are_headlined_by_the_coverage_not_the_oldest_title(storage: &dyn Storage) {
    let titles = [
        ("Ledger", "Sixers hire Cheeks as head coach"),
        (
            "Courier",
            "UPDATE: Sixers fire coach Cheeks after slow start",
        ),
        ("Gazette", "Cheeks fired as Sixers coach after slow start"),
        ("Observer", "Sixers fire Cheeks after slow start"),
    ];
    let mut story = None;
    for (hour, (publisher, title)) in titles.iter().enumerate() {
        let article = sample_article(
            publisher,
            &format!("https://{}.example/{hour}", publisher.to_lowercase()),
            title,
            Some(hours_after_base(hour as i64)),
        );
        story = Some(insert_placed(storage, article, story).await.1);
    }
    let story = story.expect("a story");
    let read = storage
        .story(story)
        .await
        .expect("read")
        .expect("story exists");
    assert_eq!(read.headline, "Sixers fire coach Cheeks after slow start");
    let list = storage
        .latest_stories(PageRequest::new(1, 10))
        .await
        .expect("list");
    assert_eq!(list.items[0].headline, read.headline, "lists agree");
}
