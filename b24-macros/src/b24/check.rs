//! Grammar of method names and custom scope codes. Each check returns every problem it finds,
//! so that one build reports them all.

/// The problems with a method name; none for a name of dot-separated ASCII segments of letters,
/// digits and `_`, starting with a lower-case letter (`crm.item.add`, `disk.folder.uploadFile`,
/// `profile`).
pub(crate) fn method_name(name: &str) -> Vec<String> {
    if name.is_empty() {
        return vec![String::from("the name is empty")];
    }
    let mut problems = Vec::new();
    // A leading dot is an empty segment, reported below.
    if !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '.') {
        problems.push(String::from("it must start with a lower-case letter"));
    }
    problems.extend(empty_segment(name));
    problems.extend(unexpected_characters(name, |c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '.'
    }));
    problems
}

/// The problems with a custom scope code; none for lower-case ASCII letters, digits, `_` and
/// inner dots.
pub(crate) fn custom_scope(code: &str) -> Vec<String> {
    if code.is_empty() {
        return vec![String::from("the scope code is empty")];
    }
    let mut problems: Vec<String> = empty_segment(code).into_iter().collect();
    problems.extend(unexpected_characters(code, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
    }));
    problems
}

fn empty_segment(dotted: &str) -> Option<String> {
    dotted
        .split('.')
        .any(str::is_empty)
        .then(|| String::from("empty segment"))
}

/// `unexpected character ' '`, or `unexpected characters ' ', '-'`: each distinct one, in order.
fn unexpected_characters(text: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    let mut bad: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !allowed(*c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    let listed: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
    match listed.len() {
        0 => None,
        1 => Some(format!("unexpected character {}", listed[0])),
        _ => Some(format!("unexpected characters {}", listed.join(", "))),
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
            assert_eq!(method_name(name), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn rejects_malformed_names() {
        assert_eq!(method_name("crm..add"), ["empty segment"]);
        assert_eq!(method_name("crm.add."), ["empty segment"]);
        assert_eq!(method_name("crm.lead add"), ["unexpected character ' '"]);
        assert_eq!(
            method_name("Crm.lead.add"),
            ["it must start with a lower-case letter"]
        );
        assert_eq!(method_name(""), ["the name is empty"]);
    }

    #[test]
    fn reports_every_problem_of_a_name() {
        assert_eq!(
            method_name("Crm..lead add-x"),
            [
                "it must start with a lower-case letter",
                "empty segment",
                "unexpected characters ' ', '-'",
            ]
        );
        assert_eq!(method_name(".crm"), ["empty segment"]);
    }

    #[test]
    fn custom_scopes() {
        assert!(custom_scope("mymodule").is_empty());
        assert!(custom_scope("my.module_2").is_empty());
        assert_eq!(custom_scope("My"), ["unexpected character 'M'"]);
        assert_eq!(custom_scope("a..b"), ["empty segment"]);
        assert_eq!(
            custom_scope("My Module"),
            ["unexpected characters 'M', ' '"]
        );
    }
}
