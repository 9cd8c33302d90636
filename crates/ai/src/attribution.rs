//! Whether a sentence of one outlet states its own view or an unconfirmed claim, and the
//! sentence attributed to that outlet ("According to The Harbor Ledger, …"), so a brief
//! across outlets never states an outlet's opinion as fact. A sentence that names its own
//! source ("…, police said") already says whose words they are.

/// Words by which a writer gives a view or a judgment rather than a reported fact.
const STANCE_WORDS: &[&str] = &[
    "actually",
    "apparently",
    "clearly",
    "obviously",
    "surely",
    "seemingly",
    "evidently",
    "supposedly",
    "undoubtedly",
    "arguably",
    "frankly",
    "sadly",
    "unfortunately",
    "fortunately",
    "luckily",
    "thankfully",
    "providentially",
    "incredibly",
    "shockingly",
    "amazingly",
    "ironically",
    "predictably",
    "notoriously",
    "allegedly",
    "reportedly",
    "purportedly",
    "presumably",
    "probably",
    "perhaps",
    "maybe",
    "should",
    "must",
    "ought",
    "disgraceful",
    "shameful",
    "outrageous",
    "ridiculous",
    "pathetic",
    "absurd",
    "laughable",
    "embarrassing",
    "disappointing",
    "brilliant",
    "terrible",
    "awful",
    "horrible",
];

/// Two-word phrases of judgment or of a motive the writer supplies.
const STANCE_PHRASES: &[(&str, &str)] = &[
    ("all", "because"),
    ("just", "because"),
    ("simply", "because"),
    ("no", "doubt"),
    ("of", "course"),
    ("it", "seems"),
    ("in", "fact"),
];

/// Words that open a sentence without being names ("Well, …", "Oh, …").
const SENTENCE_OPENERS: &[&str] = &["well", "oh", "yes", "now", "still", "meanwhile", "instead"];

/// The writer speaking for themselves.
const FIRST_PERSON: &[&str] = &["i", "we", "my", "our", "us", "me"];

/// Verbs by which a sentence names its source.
const SOURCE_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "according",
    "reported",
    "reports",
    "announced",
    "stated",
    "claimed",
    "claims",
    "added",
    "explained",
    "insisted",
    "wrote",
    "confirmed",
    "alleged",
    "alleges",
];

/// Whether the sentence gives its outlet's view or an unconfirmed claim without naming
/// whose it is. Words inside quotation marks are the speaker's and do not count.
pub fn needs_attribution(sentence: &str) -> bool {
    let own = outside_quotes(sentence);
    let words: Vec<String> = own
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.iter().any(|w| SOURCE_VERBS.contains(&w.as_str())) {
        return false;
    }
    words.iter().any(|w| STANCE_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| STANCE_PHRASES.contains(&(pair[0].as_str(), pair[1].as_str())))
        || words.iter().any(|w| FIRST_PERSON.contains(&w.as_str()))
        || own.contains('!')
        || own.trim_end().ends_with('?')
}

/// The sentence as the outlet's account: "According to {outlet}, {sentence}", the first
/// word lower-cased when it is a function word ("The fire…" → "the fire…").
pub fn attributed(sentence: &str, outlet: &str) -> String {
    let sentence = sentence.trim();
    let first_word_end = sentence
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(sentence.len());
    let first_word = &sentence[..first_word_end];
    let lower = first_word.to_lowercase();
    // Proper nouns keep their capital; words that only open the sentence do not.
    let opener = tidings_core::is_function_word(&lower)
        || STANCE_WORDS.contains(&lower.as_str())
        || SENTENCE_OPENERS.contains(&lower.as_str())
        || (lower.ends_with("ly") && lower.len() > 4);
    let rest = if first_word != "I" && opener {
        format!("{lower}{}", &sentence[first_word_end..])
    } else {
        sentence.to_owned()
    };
    format!("According to {outlet}, {rest}")
}

/// The sentence with quoted passages removed (straight and curly double quotes).
fn outside_quotes(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut quoted = false;
    for c in sentence.chars() {
        match c {
            '"' => quoted = !quoted,
            '“' => quoted = true,
            '”' => quoted = false,
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outlets_view_is_attributed_and_reported_facts_are_not() {
        let view = "Sarah Palin actually apologized after the church she attends was nearly \
            destroyed by arsonists -- all because she still harbors guilt over her failed VP run.";
        assert!(needs_attribution(view));
        assert_eq!(
            attributed(view, "The Harbor Ledger"),
            format!("According to The Harbor Ledger, {view}")
        );
        for fact in [
            "The fire caused an estimated $1 million in damage to the church.",
            "Palin apologized if the fire was connected to her campaign, her spokesman said.",
            "\"We are better than this,\" Stefanski said.",
            "\"I think it was hard for him,\" the coach told reporters.",
            "The Indian navy captured 23 pirates in the Gulf of Aden.",
        ] {
            assert!(!needs_attribution(fact), "{fact}");
        }
        assert!(needs_attribution(
            "The timing of this move was, frankly, a head-scratcher."
        ));
        assert!(needs_attribution("We should not be surprised."));
        assert!(needs_attribution(
            "Palin reportedly apologized for the fire."
        ));
    }

    #[test]
    fn a_function_word_opening_is_lower_cased() {
        assert_eq!(
            attributed("The timing was odd.", "Metro Wire"),
            "According to Metro Wire, the timing was odd."
        );
        assert_eq!(
            attributed("Providentially, nobody was hurt.", "Metro Wire"),
            "According to Metro Wire, providentially, nobody was hurt."
        );
        assert_eq!(
            attributed("Sarah Palin apologized.", "Metro Wire"),
            "According to Metro Wire, Sarah Palin apologized."
        );
        assert_eq!(
            attributed("I was there.", "Metro Wire"),
            "According to Metro Wire, I was there."
        );
    }
}
