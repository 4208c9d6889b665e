//! Grammar and shape rules that do not need type information.

/// Checks the form of a method name: dot-separated ASCII segments of letters, digits and `_`,
/// starting with a lower-case letter (`crm.item.add`, `disk.folder.uploadFile`, `profile`).
pub(crate) fn method_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(String::from("the name is empty"));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(String::from("it must start with a lower-case letter"));
    }
    for segment in name.split('.') {
        if segment.is_empty() {
            return Err(String::from("empty segment"));
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        {
            return Err(format!("unexpected character {bad:?}"));
        }
    }
    Ok(())
}

/// Checks a custom scope code: lower-case ASCII letters, digits, `_` and inner dots.
pub(crate) fn custom_scope(code: &str) -> Result<(), String> {
    if code.is_empty() {
        return Err(String::from("the scope code is empty"));
    }
    if code.starts_with('.') || code.ends_with('.') || code.contains("..") {
        return Err(String::from("empty segment"));
    }
    match code
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '.'))
    {
        Some(bad) => Err(format!("unexpected character {bad:?}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_documented_spellings() {
        for name in [
            "crm.automatedsolution.add",
            "profile",
            "disk.folder.uploadFile",
            "imbot.v2.Chat.Message.send",
        ] {
            assert_eq!(method_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_malformed_names() {
        assert_eq!(method_name("crm..add").unwrap_err(), "empty segment");
        assert_eq!(method_name("crm.add.").unwrap_err(), "empty segment");
        assert_eq!(
            method_name("crm.lead add").unwrap_err(),
            "unexpected character ' '"
        );
        assert!(method_name("Crm.lead.add").is_err());
        assert!(method_name("").is_err());
    }

    #[test]
    fn custom_scopes() {
        assert!(custom_scope("mymodule").is_ok());
        assert!(custom_scope("my.module_2").is_ok());
        assert!(custom_scope("My").is_err());
        assert!(custom_scope("a..b").is_err());
    }
}
