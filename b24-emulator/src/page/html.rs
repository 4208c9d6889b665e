//! HTML building blocks of the portal page: escaping, the page frame (navigation, style, the
//! polling script) and small table and form helpers. Everything that reaches the page goes
//! through [`esc`].

use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's views, in navigation order: `(query value, title)`.
pub const VIEWS: &[(&str, &str)] = &[
    ("confirm", "Confirmations"),
    ("log", "Request log"),
    ("limits", "Limits"),
    ("data", "Data"),
];

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:0;color:#222}\
header{background:#2067b0;color:#fff;padding:8px 16px}header a{color:#fff;margin-right:16px}\
header a.on{font-weight:bold;text-decoration:none}main{padding:12px 16px}\
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;\
text-align:left;vertical-align:top}th{background:#eef}.err{color:#b00}.ok{color:#070}\
form.inline{display:inline}fieldset{margin:8px 0}small{color:#666}";

/// Replaces the `#live` part of the page with a fresh copy every second, so that the read-only
/// views stay current; the page is complete without it.
const POLL: &str = "setInterval(function(){var l=document.getElementById('live');\
if(!l||document.activeElement&&document.activeElement.form)return;\
fetch(location.href,{headers:{Accept:'text/html'}}).then(function(r){return r.text()}).then(function(t){\
var n=new DOMParser().parseFromString(t,'text/html').getElementById('live');\
if(n)l.innerHTML=n.innerHTML}).catch(function(){})},1000);";

/// The complete page: title, navigation with `current` marked, a notice, the body.
pub fn frame(current: &str, notice: Option<&str>, body: &str) -> String {
    let mut nav = String::new();
    for (key, title) in VIEWS {
        let class = if *key == current { " class=\"on\"" } else { "" };
        let _ = write!(nav, "<a href=\"/?view={key}\"{class}>{}</a>", esc(title));
    }
    let notice = notice.map_or_else(String::new, |n| format!("<p><b>{}</b></p>", esc(n)));
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>b24-emulator portal</title><style>{STYLE}</style></head><body>\
         <header><b>b24-emulator</b> &nbsp; {nav}</header><main>{notice}{body}</main>\
         <script>{POLL}</script></body></html>"
    )
}

/// A table with the given header cells; `rows` are already-escaped cell contents.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// A one-button form POSTing `fields` (name, value) to the page.
pub fn button(label: &str, fields: &[(&str, &str)]) -> String {
    let mut out = String::from("<form class=\"inline\" method=\"post\" action=\"/\">");
    for (name, value) in fields {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        );
    }
    let _ = write!(
        out,
        "<button type=\"submit\">{}</button></form>",
        esc(label)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn button_escapes_its_fields() {
        let html = button("Go", &[("method", "a\"><script>")]);
        assert!(html.contains("value=\"a&quot;&gt;&lt;script&gt;\""));
        assert!(!html.contains("<script>"));
    }
}
