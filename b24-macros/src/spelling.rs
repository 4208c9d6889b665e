//! Recognising typos: "did you mean" hints and misspelled argument keys.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Whether `word` is most likely `key` mistyped (`respnse`) or cut short or run on (`resp`,
/// `response_type`).
pub(crate) fn is_misspelling(word: &str, key: &str) -> bool {
    const SHORTEST_PREFIX: usize = 4;
    edit_distance(word, key) <= 2
        || (word.len().min(key.len()) >= SHORTEST_PREFIX
            && (key.starts_with(word) || word.starts_with(key)))
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("crn", "crm"), 1);
        assert_eq!(edit_distance("scpoe", "scope"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn closest_needs_a_small_distance() {
        assert_eq!(closest("crn", ["crm", "im"]), Some("crm"));
        assert_eq!(closest("zzzzzzzz", ["crm", "telephony"]), None);
    }

    #[test]
    fn misspelled_keys() {
        assert!(is_misspelling("respnse", "response"));
        assert!(is_misspelling("resp", "response"));
        assert!(is_misspelling("response_type", "response"));
        assert!(!is_misspelling("paged", "response"));
        assert!(!is_misspelling("list", "cursor"));
    }
}
