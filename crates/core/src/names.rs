//! What makes two user names the same name. A name is kept in NFKC form (so fullwidth
//! "ａｌｉｃｅ" is stored as "alice"); its *key* is that form lower-cased, unique regardless of
//! case; its *skeleton* (Unicode TS #39) maps look-alike characters to one prototype, so
//! "dаve" with a Cyrillic "а" has the skeleton of "dave" and cannot register beside it.

use unicode_normalization::UnicodeNormalization as _;
use unicode_security::confusable_detection::skeleton;

/// The name as it is stored and shown: NFKC, surrounding white space removed.
pub fn normalize_name(name: &str) -> String {
    name.trim().nfkc().collect::<String>().trim().to_owned()
}

/// The name's case-insensitive key: NFKC, lower-cased, NFKC again (lower-casing can undo
/// the normal form).
pub fn name_key(name: &str) -> String {
    normalize_name(name).to_lowercase().nfkc().collect()
}

/// The name's confusable skeleton (TS #39), lower-cased: equal for names a reader could
/// mistake for one another. It is taken before lower-casing, since capitals have look-alikes
/// of their own ("AIice" with a capital i reads as "Alice").
pub fn name_skeleton(name: &str) -> String {
    let mapped: String = skeleton(&normalize_name(name)).collect();
    mapped.to_lowercase().nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_and_case_variants_share_a_key() {
        assert_eq!(normalize_name(" ａｌｉｃｅ "), "alice");
        assert_eq!(name_key("ALICE"), "alice");
        assert_eq!(name_key("ａｌｉｃｅ"), name_key("Alice"));
    }

    #[test]
    fn look_alikes_share_a_skeleton_and_different_names_do_not() {
        assert_eq!(name_skeleton("d\u{0430}ve"), name_skeleton("dave"));
        assert_ne!(name_key("d\u{0430}ve"), name_key("dave"));
        assert_eq!(name_skeleton("paypa1"), name_skeleton("paypal"));
        assert_eq!(name_skeleton("AIice"), name_skeleton("alice"));
        assert_ne!(name_skeleton("dave"), name_skeleton("dove"));
        assert_ne!(name_skeleton("ann"), name_skeleton("anne"));
    }
}
