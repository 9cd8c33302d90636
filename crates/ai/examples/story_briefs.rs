//! Prints, for each event of a JSONL corpus (`event`, `outlet`, `title`, `paragraphs`,
//! `offset_minutes`, as the demo's `crates/demo/data/corpus.jsonl`), the headline Tidings
//! chooses, the brief and where the outlets differ: for reading what a story page would
//! show, story by story.

use std::collections::BTreeMap;
use std::io::BufRead;

use chrono::{Duration, TimeZone, Utc};
use tidings_ai::{BriefSource, story_brief};
use tidings_core::{ArticleCard, StoryArticle, story_headline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: story_briefs CORPUS.jsonl")?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut events: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for line in file.lines() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        let event = record["event"].as_str().unwrap_or_default().to_owned();
        events.entry(event).or_default().push(record);
    }
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("base time")?;
    for (event, mut records) in events {
        records.sort_by_key(|r| std::cmp::Reverse(r["offset_minutes"].as_i64().unwrap_or(0)));
        let mut articles = Vec::new();
        let mut sources = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let outlet = r["outlet"].as_str().unwrap_or_default().to_owned();
            let title = r["title"].as_str().unwrap_or_default().to_owned();
            let text = r["paragraphs"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n")
                })
                .unwrap_or_default();
            articles.push(StoryArticle {
                card: ArticleCard {
                    id: i as i64 + 1,
                    title: title.clone(),
                    publisher: outlet.clone(),
                    publisher_slug: outlet.clone(),
                    url: String::new(),
                    shown_at: base - Duration::minutes(r["offset_minutes"].as_i64().unwrap_or(0)),
                    excerpt: text.chars().take(300).collect(),
                    image: None,
                    picture: None,
                    tags: Vec::new(),
                },
                copy_of: None,
            });
            sources.push(BriefSource {
                article_id: i as i64 + 1,
                outlet,
                title,
                text,
            });
        }
        sources.truncate(6);
        let brief = story_brief(&sources);
        println!("== {event} ({} articles)", articles.len());
        println!("headline: {}", story_headline(&articles));
        for s in &brief.sentences {
            let outlets: Vec<&str> = s.citations.iter().map(|c| c.outlet.as_str()).collect();
            println!("  - {} [{}]", s.text, outlets.join(", "));
        }
        for d in &brief.disagreements {
            let values: Vec<String> = d
                .values
                .iter()
                .map(|v| {
                    let outlets: Vec<&str> = v.claims.iter().map(|c| c.outlet.as_str()).collect();
                    format!("{} ({})", v.value, outlets.join(", "))
                })
                .collect();
            println!("  differ: {}: {}", d.about, values.join(", "));
        }
    }
    Ok(())
}
