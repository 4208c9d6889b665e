//! Conventions of the documentation's structured catalog that both the generator and the
//! catalog tests (`tests/it/catalog.rs`) follow.

/// The file-name form of a method in the catalog's example folders (`requests/`,
/// `responses/`): characters outside `[A-Za-z0-9_.-]` become `_`.
pub fn example_file_name(method: &str) -> String {
    method
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_names_keep_dots_and_replace_the_rest() {
        assert_eq!(example_file_name("crm.deal.add"), "crm.deal.add");
        assert_eq!(
            example_file_name("imbot.v2.Chat.Message.send"),
            "imbot.v2.Chat.Message.send"
        );
        assert_eq!(example_file_name("a b/c"), "a_b_c");
    }
}
