//! The question set over the demo corpus: how often the first cited sentence is the one that
//! answers, and how often unanswerable questions are declined, on the questions used for
//! tuning and on those held back from it (each row's `split`; rows without one were written
//! before the split and count as tuning). The bars hold on the whole set.
//! Run with `cargo test -p tidings-ai --test question_eval -- --nocapture` to see figures.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use tidings_ai::{AnalyzedArticle, answer_question};

const CORPUS: &str = include_str!("../../demo/data/corpus.jsonl");
const QUESTIONS: &str = include_str!("data/questions.jsonl");

#[derive(serde::Deserialize)]
struct CorpusRow {
    id: String,
    title: String,
    paragraphs: Vec<String>,
}

#[derive(serde::Deserialize)]
struct QuestionRow {
    article: String,
    question: String,
    answer: Option<String>,
    #[serde(default = "tuning")]
    split: String,
}

fn tuning() -> String {
    "tuning".to_owned()
}

/// Right first citations, answerable questions, declined and unanswerable ones.
#[derive(Default)]
struct Tally {
    right: usize,
    answerable: usize,
    declined: usize,
    unanswerable: usize,
}

impl Tally {
    fn report(&self, name: &str) {
        println!(
            "{name}: first-citation accuracy {}/{} = {:.1}%; unanswerable declined {}/{} = {:.1}%",
            self.right,
            self.answerable,
            100.0 * self.right as f64 / self.answerable.max(1) as f64,
            self.declined,
            self.unanswerable,
            100.0 * self.declined as f64 / self.unanswerable.max(1) as f64
        );
    }
}

#[test]
fn question_set_meets_the_bars() {
    let corpus: HashMap<String, CorpusRow> = CORPUS
        .lines()
        .map(|l| serde_json::from_str::<CorpusRow>(l).unwrap())
        .map(|row| (row.id.clone(), row))
        .collect();
    let questions: Vec<QuestionRow> = QUESTIONS
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(questions.len() >= 100, "the set has at least 100 questions");
    let mut tallies: HashMap<&str, Tally> = HashMap::new();
    for q in &questions {
        assert!(
            matches!(q.split.as_str(), "tuning" | "held-out"),
            "{}: split {:?}",
            q.question,
            q.split
        );
        let tally = tallies.entry(q.split.as_str()).or_default();
        let row = corpus
            .get(&q.article)
            .unwrap_or_else(|| panic!("no article {}", q.article));
        let article = AnalyzedArticle::new(&row.title, &row.paragraphs.join("\n\n"));
        let answer = answer_question(&article, &q.question);
        match &q.answer {
            Some(expected) => {
                assert!(
                    article
                        .sentences
                        .iter()
                        .any(|s| s.text.contains(expected.as_str())),
                    "{}: the expected answer {expected:?} is not one sentence",
                    q.question
                );
                tally.answerable += 1;
                let first = answer.cited.first().map(|s| s.text.as_str());
                if first.is_some_and(|t| t.contains(expected.as_str())) {
                    tally.right += 1;
                } else if q.split == "tuning" {
                    println!("MISS {:?} -> {:?}", q.question, first);
                }
            }
            None => {
                tally.unanswerable += 1;
                if answer.declined {
                    tally.declined += 1;
                } else if q.split == "tuning" {
                    println!(
                        "ANSWERED {:?} -> {:?}",
                        q.question,
                        answer.cited.first().map(|s| &s.text)
                    );
                }
            }
        }
    }
    let mut all = Tally::default();
    for name in ["tuning", "held-out"] {
        let tally = tallies.get(name).expect("both splits have questions");
        tally.report(name);
        all.right += tally.right;
        all.answerable += tally.answerable;
        all.declined += tally.declined;
        all.unanswerable += tally.unanswerable;
    }
    all.report("all");
    let accuracy = all.right as f64 / all.answerable as f64;
    let decline_rate = all.declined as f64 / all.unanswerable as f64;
    // The goal is 0.9; the bar is what the offline answerer holds today.
    assert!(
        accuracy >= 0.85,
        "first-citation accuracy {accuracy:.3} below 0.85"
    );
    assert!(
        decline_rate >= 0.9,
        "decline rate {decline_rate:.3} below 0.9"
    );
}
