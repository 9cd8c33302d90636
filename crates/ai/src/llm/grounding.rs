//! Grounding: the model sees only the article's numbered sentences (and the reader's
//! question) and must cite them as `[n]`; each sentence of its reply keeps only when it cites
//! sentences that exist and share enough words with them.

use std::collections::HashSet;

use serde::Serialize;

use super::{ChatMessage, ChatRequest};
use crate::text::{Sentence, WordStemmer, split_paragraph};

/// What the model replies when the article does not answer the question.
pub const NOT_IN_ARTICLE: &str = "NOT IN ARTICLE";
/// Least share of a reply sentence's content words found in the sentences it cites.
const MIN_SUPPORT: f64 = 0.5;
/// Most sentences of the article sent to the model.
const MAX_PROMPT_SENTENCES: usize = 120;

/// The styles of a model summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryStyle {
    Short,
    Bullets,
    Simple,
}

impl SummaryStyle {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "short" => Some(SummaryStyle::Short),
            "bullets" => Some(SummaryStyle::Bullets),
            "simple" => Some(SummaryStyle::Simple),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SummaryStyle::Short => "short",
            SummaryStyle::Bullets => "bullets",
            SummaryStyle::Simple => "simple",
        }
    }
}

/// What the model is asked to do with the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelTask {
    Summary(SummaryStyle),
    Answer(String),
    /// Translate the article into this language (its English name or tag).
    Translate(String),
}

/// The article as the model sees it: `[n] sentence` lines.
pub fn numbered_sentences(sentences: &[Sentence]) -> String {
    sentences
        .iter()
        .take(MAX_PROMPT_SENTENCES)
        .map(|s| format!("[{}] {}", s.number, s.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The chat request for a task over an article; nothing but the article and the question.
pub fn task_request(task: &ModelTask, title: &str, sentences: &[Sentence]) -> ChatRequest {
    let rules = "You work only from the numbered article sentences you are given. After every \
        sentence you write, cite the article sentences that support it as [n] (for example \
        [2] or [3][5]). Never add facts that the cited sentences do not state.";
    let (instruction, max_tokens) = match task {
        ModelTask::Summary(SummaryStyle::Short) => (
            "Summarize the article in three short sentences.".to_owned(),
            300,
        ),
        ModelTask::Summary(SummaryStyle::Bullets) => (
            "Summarize the article as four or five bullet points, one per line, each starting \
             with \"- \"."
                .to_owned(),
            400,
        ),
        ModelTask::Summary(SummaryStyle::Simple) => (
            "Explain the article simply, for a reader new to the subject, in at most five \
             sentences."
                .to_owned(),
            400,
        ),
        ModelTask::Answer(question) => (
            format!(
                "Answer the reader's question in one to three sentences. If the article does \
                 not answer it, reply exactly \"{NOT_IN_ARTICLE}\".\nQuestion: {question}"
            ),
            300,
        ),
        ModelTask::Translate(language) => (
            format!(
                "Translate the article into {language}, sentence by sentence, keeping each \
                 sentence's citation [n]."
            ),
            2000,
        ),
    };
    ChatRequest {
        messages: vec![
            ChatMessage::system(rules),
            ChatMessage::user(format!(
                "Article title: {title}\nArticle sentences:\n{}\n\nTask: {instruction}",
                numbered_sentences(sentences)
            )),
        ],
        max_tokens,
        temperature: 0.2,
    }
}

/// One kept sentence of the model's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroundedLine {
    /// The sentence without its citation markers.
    pub text: String,
    pub citations: Vec<usize>,
}

/// The model's reply after the citation check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grounded {
    pub lines: Vec<GroundedLine>,
    /// Reply sentences dropped for missing, unknown or unsupporting citations.
    pub dropped: usize,
    /// The model said the article does not answer.
    pub declined: bool,
}

/// Checks every sentence of `reply` against the article. With `lexical` false (a
/// translation), citations must exist but words are not compared.
pub fn ground(reply: &str, sentences: &[Sentence], lexical: bool) -> Grounded {
    if reply.contains(NOT_IN_ARTICLE) {
        return Grounded {
            lines: Vec::new(),
            dropped: 0,
            declined: true,
        };
    }
    let stemmer = WordStemmer::default();
    let mut lines = Vec::new();
    let mut dropped = 0;
    for piece in reply_sentences(reply) {
        let (text, citations) = strip_citations(&piece);
        if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        let cited: Vec<&Sentence> = citations
            .iter()
            .filter_map(|n| sentences.iter().find(|s| s.number == *n))
            .collect();
        let valid = !citations.is_empty()
            && cited.len() == citations.len()
            && (!lexical || support(&stemmer, &text, &cited) >= MIN_SUPPORT);
        if valid {
            lines.push(GroundedLine { text, citations });
        } else {
            dropped += 1;
        }
    }
    Grounded {
        lines,
        dropped,
        declined: false,
    }
}

/// The reply split into sentences, bullets stripped, citation-only pieces joined to the
/// sentence before them.
fn reply_sentences(reply: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in reply.lines() {
        let line = line.trim().trim_start_matches(['-', '*', '•']).trim_start();
        for piece in split_paragraph(line) {
            let (text, _) = strip_citations(&piece);
            match out.last_mut() {
                Some(last) if text.chars().all(|c| !c.is_alphanumeric()) => {
                    last.push(' ');
                    last.push_str(&piece);
                }
                _ => out.push(piece),
            }
        }
    }
    out
}

/// Removes `[n]`, `[n, m]` markers and returns the text with the numbers.
pub fn strip_citations(sentence: &str) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(sentence.len());
    let mut citations = Vec::new();
    let mut rest = sentence;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        let numbers: Option<Vec<usize>> = inside
            .split(',')
            .map(|n| n.trim().parse::<usize>().ok())
            .collect();
        text.push_str(&rest[..open]);
        match numbers {
            Some(numbers) if !numbers.is_empty() => {
                for n in numbers {
                    if !citations.contains(&n) {
                        citations.push(n);
                    }
                }
            }
            _ => text.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
        .replace(" ,", ",");
    (text, citations)
}

/// Share of the line's content stems found (exactly or by a 5-letter prefix) in the cited
/// sentences.
fn support(stemmer: &WordStemmer, line: &str, cited: &[&Sentence]) -> f64 {
    let line_stems: HashSet<String> = stemmer.content_stems(line).into_iter().collect();
    if line_stems.is_empty() {
        return 1.0;
    }
    let cited_stems: HashSet<String> = cited
        .iter()
        .flat_map(|s| stemmer.content_stems(&s.text))
        .collect();
    let prefix = |s: &str| s.chars().take(5).collect::<String>();
    let cited_prefixes: HashSet<String> = cited_stems.iter().map(|s| prefix(s)).collect();
    let found = line_stems
        .iter()
        .filter(|s| cited_stems.contains(*s) || s.len() >= 5 && cited_prefixes.contains(&prefix(s)))
        .count();
    found as f64 / line_stems.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::split_sentences;

    const ARTICLE: &str = "The Indian Navy stopped pirates in the Gulf of Aden on Saturday. \
        It took 23 pirates into custody. The ship was flying an Ethiopian flag.";

    #[test]
    fn keeps_supported_sentences_and_drops_the_rest() {
        let sentences = split_sentences(ARTICLE);
        let reply = "- The navy stopped pirates in the Gulf of Aden [1].\n\
            - It detained 23 pirates. [2]\n\
            - The pirates were paid a ransom of two million dollars [2].\n\
            - The captain was praised [9].\n\
            - Nobody cites anything here.";
        let grounded = ground(reply, &sentences, true);
        let texts: Vec<&str> = grounded.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "The navy stopped pirates in the Gulf of Aden.",
                "It detained 23 pirates."
            ]
        );
        assert_eq!(grounded.lines[1].citations, vec![2]);
        assert_eq!(grounded.dropped, 3);
    }

    #[test]
    fn a_decline_is_reported() {
        let sentences = split_sentences(ARTICLE);
        assert!(ground("NOT IN ARTICLE", &sentences, true).declined);
    }

    #[test]
    fn citations_are_parsed() {
        assert_eq!(
            strip_citations("Prices rose [1][3, 4] sharply [x]."),
            ("Prices rose sharply [x].".to_owned(), vec![1, 3, 4])
        );
    }

    #[test]
    fn prompts_hold_only_the_article_and_the_question() {
        let sentences = split_sentences(ARTICLE);
        let request = task_request(&ModelTask::Answer("Who?".into()), "Pirates", &sentences);
        let user = &request.messages[1].content;
        assert!(user.contains("[2] It took 23 pirates into custody."));
        assert!(user.contains("Question: Who?"));
    }
}
