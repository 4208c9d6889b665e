//! The progress bar: on stderr, and only when stderr is a terminal (so that nothing but data
//! reaches a pipe or a file). Colour only when `NO_COLOR` is unset.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for `what` (items, rows); hidden when stderr is not a terminal.
pub fn bar(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let template = if colour {
        format!(
            "{{spinner:.green}} {{pos}}/{{len}} {what} [{{bar:30.cyan/blue}}] {{per_sec}} ETA {{eta}}"
        )
    } else {
        format!("{{spinner}} {{pos}}/{{len}} {what} [{{bar:30}}] {{per_sec}} ETA {{eta}}")
    };
    let style = ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(style);
    bar
}
