//! The story page as a reader reads it: a headline chosen from the coverage, a timeline
//! oldest first, a brief citing its outlets with opinions attributed, differences only for
//! real counts (labelled in the articles' own words), and counts in the right number that
//! agree between the story page, the briefing and the API.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use chrono::Duration;
use common::{TestApp, article};
use tidings_core::{StoryPlacement, StoryStore};

/// An article with this body (paragraphs separated by blank lines).
fn report(publisher: &str, title: &str, minutes_ago: i64, text: &str) -> tidings_core::NewArticle {
    let mut a = article(publisher, title, Duration::minutes(minutes_ago), &["News"]);
    a.text = text.to_owned();
    a.html = text
        .split("\n\n")
        .map(|p| format!("<p>{p}</p>"))
        .collect::<String>();
    a.excerpt = text.chars().take(200).collect();
    a
}

/// Stores the reports as one story, the copies (index, original index) as copies; returns
/// the story id and the article ids.
async fn story_of(
    app: &TestApp,
    reports: Vec<tidings_core::NewArticle>,
    copies: &[(usize, usize)],
) -> (i64, Vec<i64>) {
    let mut ids = Vec::new();
    for r in reports {
        ids.push(app.insert(r).await);
    }
    let mut story = None;
    for (i, &id) in ids.iter().enumerate() {
        let copy_of = copies
            .iter()
            .find(|(copy, _)| *copy == i)
            .map(|(_, original)| ids[*original]);
        let placed = app
            .storage
            .place_in_story(StoryPlacement {
                article_id: id,
                story,
                copy_of,
                original_of: Vec::new(),
                neighbours: Vec::new(),
                tags: None,
            })
            .await
            .unwrap();
        story = Some(placed);
    }
    (story.unwrap(), ids)
}

fn firing_story() -> Vec<tidings_core::NewArticle> {
    vec![
        report(
            "Daily Meridian",
            "Sixers Hire Maurice Cheeks as Head Coach",
            600,
            "The Philadelphia 76ers hired Maurice Cheeks as head coach on Monday.\n\nCheeks had coached in Portland.",
        ),
        report(
            "The Harbor Ledger",
            "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday",
            300,
            "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday, one day after a loss in Cleveland.\n\nAssistant Tony DiLeo will coach the team.",
        ),
        report(
            "Pinecrest Observer",
            "Maurice Cheeks was fired Saturday as coach of the Philadelphia 76ers",
            240,
            "Maurice Cheeks was fired Saturday as coach of the Philadelphia 76ers, who are slumping.\n\nTony DiLeo was appointed coach for the rest of the season.",
        ),
        report(
            "Metro Wire",
            "Sixers fire coach Cheeks after slow start",
            120,
            "The 76ers fired Maurice Cheeks on Saturday after a slow start.\n\nTony DiLeo takes over as coach.",
        ),
        report(
            "Valley Portal",
            "Sixers fire coach Cheeks after slow start",
            60,
            "The 76ers fired Maurice Cheeks on Saturday after a slow start.\n\nTony DiLeo takes over as coach.",
        ),
    ]
}

#[tokio::test]
async fn the_headline_represents_the_coverage_everywhere() {
    let app = TestApp::new().await;
    let (story, _) = story_of(&app, firing_story(), &[(4, 3)]).await;
    let page = app.get(&format!("/story/{story}")).await;
    let headline = page.texts("h1").remove(0);
    assert!(
        headline.to_lowercase().contains("fire"),
        "coverage of a firing is not headlined by the older hiring: {headline}"
    );
    let api = app.get(&format!("/api/v1/stories/{story}")).await.json();
    assert_eq!(api["headline"], headline.as_str());
    let briefing = app.get("/briefing").await;
    assert_eq!(briefing.texts(".briefing article h2"), [headline.as_str()]);
    let list = app.get("/api/v1/stories").await.json();
    assert_eq!(list["stories"][0]["headline"], headline.as_str());
}

#[tokio::test]
async fn the_timeline_runs_from_the_first_report() {
    let app = TestApp::new().await;
    let (story, _) = story_of(&app, firing_story(), &[(4, 3)]).await;
    let page = app.get(&format!("/story/{story}")).await;
    assert_eq!(
        page.texts(".timeline__kind"),
        ["First report", "Update", "Update", "Update", "Republished"]
    );
    assert_eq!(
        page.texts(".timeline__outlet"),
        [
            "Daily Meridian",
            "The Harbor Ledger",
            "Pinecrest Observer",
            "Metro Wire",
            "Valley Portal"
        ],
        "oldest first"
    );
    let relative = page.texts(".timeline__relative");
    assert_eq!(relative[0], "(10 hours ago)");
    assert_eq!(relative[1], "(5 hours ago, 5 hours later)");
    assert_eq!(relative[4], "(1 hour ago, 9 hours later)");
    let entries = page.texts(".timeline__entry");
    assert!(
        entries[4].contains("(republishing Metro Wire)"),
        "{}",
        entries[4]
    );
    // The absolute time is the visible text, the machine-readable one the attribute.
    assert_eq!(page.attrs(".timeline time", "datetime").len(), 5);
    assert!(page.texts(".timeline time")[0].ends_with("UTC"));
}

#[tokio::test]
async fn counts_agree_and_read_in_the_right_number() {
    let app = TestApp::new().await;
    let (story, _) = story_of(&app, firing_story(), &[(4, 3)]).await;
    let (single, _) = story_of(
        &app,
        vec![report(
            "Coastline Gazette",
            "Storm closes the harbour",
            30,
            "A storm closed the harbour on Sunday.\n\nFerries stayed in port.",
        )],
        &[],
    )
    .await;
    let page = app.get(&format!("/story/{story}")).await;
    assert!(page.texts("#story-outlets")[0].starts_with("5 outlets · "));
    let page = app.get(&format!("/story/{single}")).await;
    assert!(
        page.texts("#story-outlets")[0].starts_with("1 outlet · "),
        "{:?}",
        page.texts("#story-outlets")
    );
    let briefing = app.get("/briefing").await;
    assert_eq!(
        briefing.texts(".briefing article .meta"),
        ["5 outlets", "1 outlet"],
        "the briefing counts what the story page counts (the copy's publisher too)"
    );
    assert!(!briefing.body.contains("(s)"));
    let api = app
        .get(&format!("/api/v1/stories/{story}/brief"))
        .await
        .json();
    assert_eq!(api["outlet_count"], 5);
}

/// Two outlets report a different number of captured pirates; the rest agrees.
fn piracy_story() -> Vec<tidings_core::NewArticle> {
    vec![
        report(
            "Northfield Courier",
            "Indian navy captures pirates in Gulf of Aden",
            300,
            "The Indian navy captured 23 pirates in the Gulf of Aden on Saturday after they attacked a merchant vessel.\n\nThe pirates were handed over to the authorities.",
        ),
        report(
            "The Harbor Ledger",
            "Navy foils pirate attack in Gulf of Aden",
            200,
            "The Indian navy captured 26 pirates in the Gulf of Aden on Saturday after they attacked a merchant vessel.\n\nThe warship launched its helicopter at 11 a.m. on Saturday.",
        ),
        report(
            "Metro Wire",
            "Pirates held after attack on merchant ship",
            100,
            "Commandos from an Indian warship captured 23 pirates in the Gulf of Aden on Saturday.\n\nThe 9-14 record of the navy was not discussed.",
        ),
    ]
}

/// The words of the articles' texts and titles, lower-cased.
fn article_words(reports: &[tidings_core::NewArticle]) -> HashSet<String> {
    reports
        .iter()
        .flat_map(|r| {
            format!("{} {}", r.title, r.text)
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[tokio::test]
async fn differences_are_real_counts_in_the_articles_words() {
    let app = TestApp::new().await;
    let reports = piracy_story();
    let words = article_words(&reports);
    let (story, ids) = story_of(&app, reports, &[]).await;
    let page = app.get(&format!("/story/{story}")).await;
    assert_eq!(page.texts(".difference__label"), ["Pirates captured"]);
    assert_eq!(page.texts(".difference__value"), ["23", "26"]);
    let shown: Vec<String> = page
        .texts(".difference__label")
        .into_iter()
        .chain(page.texts(".difference__value"))
        .collect();
    for token in shown
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|t| !t.is_empty())
    {
        assert!(
            words.contains(&token.to_lowercase()),
            "{token:?} is not a word of the articles"
        );
    }
    // Each outlet's sentence is one click away: a link to its anchor and the sentence.
    let links = page.attrs(".difference__outlet", "href");
    assert!(
        links.contains(&format!("/article/{}#s-1", ids[1])),
        "{links:?}"
    );
    let quoted = page.texts(".difference__sources q");
    assert!(
        quoted
            .iter()
            .any(|q| q.starts_with("The Indian navy captured 26 pirates")),
        "{quoted:?}"
    );
    assert_eq!(
        page.texts(".difference")[0]
            .split("What each outlet wrote")
            .next()
            .unwrap()
            .trim(),
        "Pirates captured: 23 (Northfield Courier, Metro Wire), 26 (The Harbor Ledger)"
    );
}

#[tokio::test]
async fn no_differences_section_without_a_real_difference() {
    let app = TestApp::new().await;
    let (story, _) = story_of(&app, firing_story(), &[(4, 3)]).await;
    let page = app.get(&format!("/story/{story}")).await;
    assert!(
        page.texts(".differences").is_empty(),
        "weekdays, names and scores are not differences: {:?}",
        page.texts(".differences")
    );
    assert!(
        !page.texts("#story-brief li").is_empty(),
        "the brief is shown"
    );
}

#[tokio::test]
async fn the_brief_cites_its_outlets_and_attributes_opinion() {
    let app = TestApp::new().await;
    let (story, _) = story_of(
        &app,
        vec![
            report(
                "The Harbor Ledger",
                "Palin apologises after church fire",
                300,
                "Sarah Palin actually apologized after the church she attends was nearly destroyed by arsonists, all because she still harbors guilt over her failed campaign.",
            ),
            report(
                "Metro Wire",
                "Palin's church damaged in fire",
                200,
                "Fire badly damaged the Wasilla church Sarah Palin attends on Friday night.\n\nPalin apologized if the fire was connected to her campaign, her spokesman said.",
            ),
            report(
                "Valley Sentinel",
                "Fire damages Palin's church",
                100,
                "Fire badly damaged the Wasilla church that Sarah Palin attends on Friday night.",
            ),
        ],
        &[],
    )
    .await;
    let page = app.get(&format!("/story/{story}")).await;
    let sentences = page.texts("#story-brief .brief__sentence");
    let view = sentences
        .iter()
        .find(|s| s.contains("harbors guilt"))
        .expect("the Ledger's sentence is in the brief");
    assert!(
        view.starts_with("According to The Harbor Ledger, Sarah Palin actually apologized"),
        "{view}"
    );
    let fire = sentences
        .iter()
        .find(|s| s.starts_with("Fire badly damaged"))
        .expect("the fire is in the brief");
    assert!(
        fire.ends_with("Metro Wire, Valley Sentinel")
            || fire.ends_with("Valley Sentinel, Metro Wire"),
        "a sentence two outlets report cites both: {fire}"
    );
}
