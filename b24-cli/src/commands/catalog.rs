//! `b24 methods`, `b24 scopes`, `b24 decode`: what the registry of linked methods knows.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use b24_core::{Error, MethodInfo, registry};
use serde_json::json;

use crate::cli::{DecodeArgs, MethodsArgs, ScopesArgs};
use crate::exit::{Failure, Outcome};
use crate::output::{self, Format, ItemWriter};

/// Makes sure the prebuilt catalog is linked, so its methods are in the registry.
pub fn ensure_catalog() {
    std::hint::black_box(b24_methods::EXCLUDED.len());
}

/// Every registered method, one entry per name, sorted.
pub fn all_methods() -> Vec<&'static MethodInfo> {
    ensure_catalog();
    let mut by_name: BTreeMap<&'static str, &'static MethodInfo> = BTreeMap::new();
    for info in registry::methods() {
        by_name.entry(info.name).or_insert(info);
    }
    by_name.into_values().collect()
}

/// The registered names closest to `name` (at most three).
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let wanted = name.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'static str)> = all_methods()
        .into_iter()
        .map(|info| {
            (
                strsim::jaro_winkler(&wanted, &info.name.to_ascii_lowercase()),
                info.name,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// "; did you mean `a`, `b`?" or nothing.
pub fn did_you_mean(name: &str) -> String {
    let close = suggestions(name);
    if close.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = close.iter().map(|n| format!("`{n}`")).collect();
        format!("; did you mean {}?", names.join(", "))
    }
}

/// The registry entry for `name`, or a usage error with suggestions.
pub fn find(name: &str) -> Result<&'static MethodInfo, Failure> {
    ensure_catalog();
    registry::find(name)
        .ok_or_else(|| Failure::usage(format!("unknown method `{name}`{}", did_you_mean(name))))
}

/// `b24 methods`.
pub fn methods(format: Option<Format>, args: MethodsArgs) -> Outcome {
    // Without --format: one name per line, for a terminal and for `grep`.
    let plain = format.is_none();
    let format = format.unwrap_or(Format::Ndjson);
    output::check_format(format, false)?;
    let search = args.search.as_deref().map(str::to_ascii_lowercase);
    let mut writer = ItemWriter::new(format, false, output::open_output(None, false)?, None);
    for info in all_methods() {
        if let Some(scope) = &args.scope
            && !info.scope.as_str().eq_ignore_ascii_case(scope)
        {
            continue;
        }
        if let Some(text) = &search
            && !info.name.to_ascii_lowercase().contains(text.as_str())
        {
            continue;
        }
        if plain {
            writer.push_line(info.name)?;
        } else {
            writer.push(&json!({
                "method": info.name,
                "scope": info.scope.as_str(),
                "read_only": info.meta.read_only,
                "list": info.meta.list.is_some(),
                "deprecated": info.meta.deprecated,
            }))?;
        }
    }
    writer.finish()
}

/// `b24 scopes`.
pub fn scopes(args: ScopesArgs) -> Outcome {
    let infos = args
        .methods
        .iter()
        .map(|name| find(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = output::open_output(None, false)?;
    for scope in registry::required_scopes(infos) {
        writeln!(out, "{scope}")?;
    }
    out.flush()?;
    Ok(())
}

/// `b24 decode`.
pub fn decode(args: DecodeArgs) -> Outcome {
    let info = find(&args.method)?;
    let body = if args.file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        bytes
    } else {
        std::fs::read(&args.file)
            .map_err(|e| Failure::usage(format!("cannot read `{}`: {e}", args.file)))?
    };
    match info.decode_response(&body) {
        Ok(envelope) => {
            let mut out = output::open_output(None, false)?;
            serde_json::to_writer_pretty(&mut out, &envelope.result)
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
            out.flush()?;
            Ok(())
        }
        Err(Error::Decode { path, message, .. }) => Err(Failure::api(format!(
            "DECODE: the answer does not fit `{}` at `{path}`: {message}",
            info.name
        ))),
        Err(other) => Err(other.into()),
    }
}
