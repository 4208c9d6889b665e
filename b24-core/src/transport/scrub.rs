//! The client's own secrets (webhook code, tokens, password), removed from every text it
//! returns: a server may echo the request path or body into an error page or an error
//! description, and a decoder may quote what it could not read.

use std::fmt;

/// What a secret is replaced with.
const REDACTED: &str = "[redacted]";

/// The secrets a client sent, with the forms a server may echo them in.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    /// Every form of every secret, longest first.
    forms: Vec<String>,
}

impl Secrets {
    /// The secrets among `secrets` (empty ones are skipped).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut forms = Vec::new();
        for secret in secrets.into_iter().filter(|secret| !secret.is_empty()) {
            forms.extend(echoed_forms(secret));
        }
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Secrets { forms }
    }

    /// Replaces every secret in `text` with `[redacted]`.
    pub(crate) fn scrub(&self, text: &mut String) {
        for form in &self.forms {
            if text.contains(form.as_str()) {
                *text = text.replace(form.as_str(), REDACTED);
            }
        }
    }

    /// [`scrub`](Self::scrub) on each of `texts`.
    pub(crate) fn scrub_all<'a>(&self, texts: impl IntoIterator<Item = &'a mut String>) {
        texts.into_iter().for_each(|text| self.scrub(text));
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} forms, {REDACTED})", self.forms.len())
    }
}

/// `secret` as sent, and as a server may write it back: JSON-escaped (PHP also escapes `/`),
/// percent-encoded (with `+` or `%20` for a space) and HTML-escaped.
fn echoed_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(secret)
        .to_owned();
    let percent: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;");
    vec![
        secret.to_owned(),
        json.replace('/', "\\/"),
        json,
        percent.replace('+', "%20"),
        percent,
        html,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(secrets: &Secrets, text: &str) -> String {
        let mut text = text.to_owned();
        secrets.scrub(&mut text);
        text
    }

    #[test]
    fn secrets_are_replaced_in_every_echoed_form() {
        let secrets = Secrets::new(["s3cr3t", "", "p/a s&\"w"]);
        assert_eq!(
            scrubbed(&secrets, "/rest/1/s3cr3t/profile failed"),
            "/rest/1/[redacted]/profile failed"
        );
        for echoed in [
            "p/a s&\"w",
            r#"p\/a s&\"w"#,
            r#"p/a s&\"w"#,
            "p%2Fa+s%26%22w",
            "p%2Fa%20s%26%22w",
            "p/a s&amp;&quot;w",
        ] {
            assert_eq!(
                scrubbed(&secrets, &format!("<b>{echoed}</b>")),
                "<b>[redacted]</b>",
                "{echoed}"
            );
        }
        assert_eq!(scrubbed(&secrets, "nothing here"), "nothing here");
    }

    #[test]
    fn debug_shows_no_secret() {
        let shown = format!("{:?}", Secrets::new(["s3cr3t"]));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
