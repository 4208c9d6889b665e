//! Known scope codes (the generated table) and the "did you mean" hint for typos.

use crate::scope_table::SCOPES;

/// The variant name for a known scope code.
pub(crate) fn variant(code: &str) -> Option<&'static str> {
    SCOPES
        .iter()
        .find(|(wire, _)| *wire == code)
        .map(|(_, variant)| *variant)
}

/// The closest known scope code, if one is close enough to be a likely typo.
pub(crate) fn suggestion(code: &str) -> Option<&'static str> {
    let lowered = code.to_ascii_lowercase();
    SCOPES
        .iter()
        .map(|(wire, _)| (edit_distance(&lowered, wire), *wire))
        .filter(|(distance, wire)| *distance <= 2.max(wire.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, wire)| wire)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
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
    fn suggests_close_codes_only() {
        assert_eq!(suggestion("crn"), Some("crm"));
        assert_eq!(suggestion("telefony"), Some("telephony"));
        assert_eq!(suggestion("USER_BASIC"), Some("user_basic"));
        assert_eq!(suggestion("zzzzzzzz"), None);
    }

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(SCOPES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }
}
