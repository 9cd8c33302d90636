//! Normalising tag and publisher names into URL slugs.

/// The slug of a hashtag: ASCII letters and digits only, lower-cased, diacritics folded
/// ("Zürich" → "zurich", "Nuclear talks" → "nucleartalks"). Empty when nothing is left.
pub fn tag_slug(label: &str) -> String {
    deunicode::deunicode(label)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The slug of a publisher name, words joined by `-` ("The Daily Ledger" → "the-daily-ledger").
pub fn publisher_slug(name: &str) -> String {
    let folded = deunicode::deunicode(name).to_ascii_lowercase();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_slugs_fold_case_space_and_diacritics() {
        assert_eq!(tag_slug("Nuclear Talks"), "nucleartalks");
        assert_eq!(tag_slug("Zürich"), "zurich");
        assert_eq!(tag_slug("  "), "");
    }

    #[test]
    fn publisher_slugs_join_words() {
        assert_eq!(publisher_slug("The Daily Ledger"), "the-daily-ledger");
        assert_eq!(publisher_slug("Müller & Söhne!"), "muller-sohne");
    }
}
