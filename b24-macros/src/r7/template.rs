//! Grammar of an R7 route template such as `api/2.0/crm/case/{caseid}/access`.

/// A checked template: its `{placeholder}` names in order.
pub(crate) struct Template {
    pub placeholders: Vec<String>,
}

/// Checks the form of a route template and collects its placeholders.
pub(crate) fn parse(template: &str) -> Result<Template, String> {
    if template.is_empty() {
        return Err(String::from("the route template is empty"));
    }
    if template.starts_with('/') {
        return Err(String::from(
            "the route template must not start with `/`; write it as `api/2.0/...`",
        ));
    }
    if !template.starts_with("api/") {
        return Err(String::from(
            "an R7 route template starts with the API prefix, e.g. `api/2.0/crm/case/{caseid}`",
        ));
    }
    if template.ends_with('/') {
        return Err(String::from("the route template must not end with `/`"));
    }
    for suffix in [".json", ".xml", ".tml"] {
        if template.ends_with(suffix) {
            return Err(format!(
                "remove the `{suffix}` suffix: the client appends the format suffix itself"
            ));
        }
    }
    if let Some(bad) = template
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '?' | '#' | '%' | '\\'))
    {
        return Err(format!(
            "unexpected character {bad:?} in the route template"
        ));
    }
    let mut placeholders = Vec::new();
    for segment in template.split('/') {
        if segment.is_empty() {
            return Err(String::from("empty segment (`//`) in the route template"));
        }
        if !segment.contains(['{', '}']) {
            continue;
        }
        let Some(inner) = segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        else {
            return Err(format!(
                "malformed segment `{segment}`: a placeholder must be a whole segment, `{{name}}`"
            ));
        };
        if let Some((name, constraint)) = inner.split_once(':') {
            return Err(format!(
                "drop the `:{constraint}` constraint from `{{{inner}}}`; write `{{{name}}}`"
            ));
        }
        if inner.contains(['{', '}']) {
            return Err(format!("malformed segment `{segment}`: unbalanced braces"));
        }
        let mut chars = inner.chars();
        let valid = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "invalid placeholder `{segment}`: expected a name of ASCII letters, digits and `_`"
            ));
        }
        if placeholders
            .iter()
            .any(|seen: &String| seen.eq_ignore_ascii_case(inner))
        {
            return Err(format!("duplicate placeholder `{{{inner}}}`"));
        }
        placeholders.push(inner.to_owned());
    }
    Ok(Template { placeholders })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_placeholders() {
        let template = parse("api/2.0/crm/case/{caseid}/contact/{contactid}").unwrap();
        assert_eq!(template.placeholders, ["caseid", "contactid"]);
        assert!(parse("api/2.0/crm/case").unwrap().placeholders.is_empty());
    }

    #[test]
    fn rejects_malformed_templates() {
        for bad in [
            "",
            "/api/2.0/crm/case",
            "crm/case",
            "api/2.0/crm/case/",
            "api/2.0//case",
            "api/2.0/crm/case/{caseid",
            "api/2.0/crm/case/caseid}",
            "api/2.0/crm/case/{caseid:[0-9]+}",
            "api/2.0/crm/case/x{caseid}",
            "api/2.0/crm/case/{}",
            "api/2.0/crm/case/{1d}",
            "api/2.0/crm/case/{a}/{A}",
            "api/2.0/crm/case.json",
            "api/2.0/crm/case?x=1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
