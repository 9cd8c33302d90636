//! The question set over the demo corpus: how often the first cited sentence is the one that
//! answers (bar 80%), and how often unanswerable questions are declined (bar 80%).
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
    assert!(questions.len() >= 60, "the set has at least 60 questions");
    let (mut answerable, mut right, mut unanswerable, mut declined) = (0, 0, 0, 0);
    for q in &questions {
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
                answerable += 1;
                let first = answer.cited.first().map(|s| s.text.as_str());
                if first.is_some_and(|t| t.contains(expected.as_str())) {
                    right += 1;
                } else {
                    println!("MISS {:?} -> {:?}", q.question, first);
                }
            }
            None => {
                unanswerable += 1;
                if answer.declined {
                    declined += 1;
                } else {
                    println!(
                        "ANSWERED {:?} -> {:?}",
                        q.question,
                        answer.cited.first().map(|s| &s.text)
                    );
                }
            }
        }
    }
    let accuracy = right as f64 / answerable as f64;
    let decline_rate = declined as f64 / unanswerable as f64;
    println!(
        "first-citation accuracy {right}/{answerable} = {:.1}%; unanswerable declined {declined}/{unanswerable} = {:.1}%",
        100.0 * accuracy,
        100.0 * decline_rate
    );
    assert!(
        accuracy >= 0.8,
        "first-citation accuracy {accuracy:.3} below 0.8"
    );
    assert!(
        decline_rate >= 0.8,
        "decline rate {decline_rate:.3} below 0.8"
    );
}
