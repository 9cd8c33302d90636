//! `tidings import` end to end: articles from JSON lines go through enrichment, copy detection
//! and story assignment, and bad lines are reported, not fatal.

#![allow(clippy::unwrap_used)]

use tidings::app::App;
use tidings::commands::import::import_jsonl;

fn body(place: &str, toll: u32, extra: &str) -> String {
    format!(
        "A magnitude 6.1 earthquake struck {place} on Monday morning, toppling the cathedral spire \
         and killing {toll} people, the regional civil protection agency said in a statement.\n\n\
         Rescue teams from three neighbouring provinces searched the rubble of collapsed houses \
         through the night, using dogs and thermal cameras to find survivors in {place}.\n\n\
         The agency said {toll} people had died and more than two hundred were injured, many of \
         them in the old town where stone buildings date from the fourteenth century.\n\n\
         Officials opened schools as shelters and the army delivered tents, blankets and water \
         to families who spent the night outdoors after repeated aftershocks in {place}.\n\n{extra}"
    )
}

fn line(url: &str, title: &str, publisher: &str, text: &str, minute: u32) -> String {
    serde_json::json!({
        "url": url, "title": title, "publisher": publisher, "text": text,
        "published": format!("2026-03-02T10:{minute:02}:00Z"),
    })
    .to_string()
}

#[tokio::test]
async fn imported_articles_form_stories_and_copies() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = tidings::config::Config {
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    config.ingest.enabled = false;
    let app = App::open(config).await.unwrap();
    let original = body("Northfield", 12, "");
    let copy = format!(
        "(AP) — {}\n\nSubscribe to our newsletter. Copyright The Daily Ledger.",
        original.rsplit_once("\n\nOfficials").unwrap().0
    );
    let coverage = "Northfield mourned its dead on Tuesday after the magnitude 6.1 earthquake \
        toppled the cathedral spire. Twelve people were killed, the civil protection agency \
        said, and rescue teams with dogs kept searching the old town's collapsed houses.";
    let budget = "The Port Alder council passed its budget on Friday after the mayor agreed to \
        fund the tram depot and cut the parking levy, ending a month of argument over costs.";
    let contents = [
        line(
            "https://ledger.example/quake",
            "Quake kills 12 in Northfield",
            "Daily Ledger",
            &original,
            0,
        ),
        line(
            "https://portal.example/quake",
            "Deadly quake (photos)",
            "Valley Portal",
            &copy,
            30,
        ),
        line(
            "https://lantern.example/quake",
            "Northfield mourns quake victims",
            "Evening Lantern",
            coverage,
            50,
        ),
        line(
            "https://courier.example/budget",
            "Port Alder passes budget",
            "Courier",
            budget,
            55,
        ),
        "{\"title\": \"no url\"}".to_string(),
    ]
    .join("\n");
    let report = import_jsonl(&app, &contents, false).await.unwrap();
    assert_eq!(report.inserted, 4, "{report:?}");
    assert_eq!(report.rejected.len(), 1);
    assert!(
        report.rejected[0].starts_with("line 5:"),
        "{:?}",
        report.rejected
    );

    let links = app.storage.article_links(1).await.unwrap().unwrap();
    assert_eq!(
        links
            .copies
            .iter()
            .map(|c| c.publisher.as_str())
            .collect::<Vec<_>>(),
        ["Valley Portal"]
    );
    let story = links.story_id.unwrap();
    let read = app.storage.story(story).await.unwrap().unwrap();
    let ids: Vec<i64> = read.articles.iter().map(|a| a.card.id).collect();
    assert_eq!(ids, [1, 2, 3], "the quake coverage is one story");
    assert_eq!(read.outlets, 3);
    let budget_story = app
        .storage
        .article_links(4)
        .await
        .unwrap()
        .unwrap()
        .story_id;
    assert_ne!(budget_story, Some(story));
    let related: Vec<i64> = app
        .storage
        .story_related(1, 5)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(related.first(), Some(&3), "{related:?}");
    assert!(!related.contains(&2), "never its own copy: {related:?}");
    assert_eq!(app.storage.count_articles().await.unwrap(), 4);

    let again = import_jsonl(&app, &contents, false).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 4));
}
