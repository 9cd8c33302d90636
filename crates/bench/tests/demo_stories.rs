//! The demo corpus's stories as the story index forms them, streamed in publication order
//! with the revisit step: developing stories (a shooting through to its trial, an obituary's
//! coverage, an Oscars host) stay together. Sibling events (the INS Sukanya and INS Mysore
//! rescues, the Waitrose fires in Banstead and Wellington) still merge and are not asserted.

use std::collections::HashMap;

use tidings_bench::story_eval::{StreamDoc, run_stream};
use tidings_enrich::{StoryIndex, StoryIndexConfig, StoryKey};

struct Demo {
    events: Vec<String>,
    stories: Vec<StoryKey>,
}

fn demo() -> Demo {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/data/corpus.jsonl");
    let text = std::fs::read_to_string(path).expect("the demo corpus");
    let mut rows: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    rows.sort_by_key(|r| r["offset_minutes"].as_i64().unwrap_or(0));
    let docs: Vec<StreamDoc> = rows
        .iter()
        .map(|r| StreamDoc {
            title: r["title"].as_str().unwrap_or_default().to_string(),
            text: r["paragraphs"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n")
                })
                .unwrap_or_default(),
            at: 1_700_000_000 + 60 * r["offset_minutes"].as_i64().unwrap_or(0),
        })
        .collect();
    let result = run_stream(&docs, StoryIndex::new(StoryIndexConfig::default()), true);
    Demo {
        events: rows
            .iter()
            .map(|r| r["event"].as_str().unwrap_or_default().to_string())
            .collect(),
        stories: result.stories,
    }
}

impl Demo {
    /// The story holding most of an event's articles, and the share it holds.
    fn main_story(&self, event: &str) -> (StoryKey, f64) {
        let mut counts: HashMap<StoryKey, usize> = HashMap::new();
        let mut total = 0;
        for (e, s) in self.events.iter().zip(&self.stories) {
            if e == event {
                *counts.entry(*s).or_default() += 1;
                total += 1;
            }
        }
        assert!(total > 0, "no articles of {event}");
        let (story, n) = counts
            .into_iter()
            .max_by_key(|&(s, n)| (n, -s))
            .expect("an article");
        (story, n as f64 / total as f64)
    }

    /// The distinct stories of an event's articles.
    fn stories_of(&self, event: &str) -> Vec<StoryKey> {
        let mut s: Vec<StoryKey> = self
            .events
            .iter()
            .zip(&self.stories)
            .filter(|(e, _)| *e == event)
            .map(|(_, s)| *s)
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}

#[test]
fn developing_stories_of_the_demo_stay_together() {
    let demo = demo();
    for (event, what) in [
        ("4_ecb", "Bettie Page's death"),
        ("2_ecb", "Jackman to host the Oscars"),
    ] {
        let (_, share) = demo.main_story(event);
        assert!(
            share >= 0.9,
            "{what}: {share:.2} in one story, stories {:?}",
            demo.stories_of(event)
        );
    }
}
