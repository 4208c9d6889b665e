//! Known scope codes (the generated table) and the "did you mean" hint for typos.

use super::scope_table::SCOPES;
use crate::spelling;

/// The variant name for a known scope code.
pub(crate) fn variant(code: &str) -> Option<&'static str> {
    SCOPES
        .iter()
        .find(|(wire, _)| *wire == code)
        .map(|(_, variant)| *variant)
}

/// The closest known scope code, if one is close enough to be a likely typo.
pub(crate) fn suggestion(code: &str) -> Option<&'static str> {
    spelling::closest(
        &code.to_ascii_lowercase(),
        SCOPES.iter().map(|(wire, _)| *wire),
    )
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
