//! `batch` (PROTOCOL §5): up to 50 commands `method?query` in one request, with `$result[…]`,
//! `$next[…]`, `$total[…]`, `$time[…]`, `$error[…]` references to earlier commands.

use crate::call::{Call, Env, invoke};
use crate::envelope::{ApiError, MethodOutput};
use crate::params;
use crate::value::Value;

/// Maximum number of executed commands (`BATCH_MAX_LENGTH`).
pub const BATCH_MAX_LENGTH: usize = 50;

/// Splits a command string like PHP's `parse_url`: the fragment (`#…`) is dropped, the path
/// before `?` is the method, the rest is the query. Returns `(method, query)`.
pub fn split_command(command: &str) -> (&str, &str) {
    let command = command.split_once('#').map_or(command, |(c, _)| c);
    command.split_once('?').unwrap_or((command, ""))
}

/// Parses a command string into the method name and its parameters (PHP `parse_str`).
pub fn parse_command(command: &str) -> (String, Value) {
    let (method, query) = split_command(command);
    (method.trim().to_owned(), params::parse_str(query))
}

/// Results collected so far, by collection name.
#[derive(Debug, Default)]
pub struct Collected {
    /// `result[key]`.
    pub result: Vec<(String, Value)>,
    /// `result_error[key]`.
    pub error: Vec<(String, Value)>,
    /// `result_total[key]`.
    pub total: Vec<(String, Value)>,
    /// `result_next[key]`.
    pub next: Vec<(String, Value)>,
    /// `result_time[key]`.
    pub time: Vec<(String, Value)>,
}

impl Collected {
    fn collection(&self, name: &str) -> &[(String, Value)] {
        match name {
            "result" => &self.result,
            "next" => &self.next,
            "total" => &self.total,
            "time" => &self.time,
            _ => &self.error,
        }
    }

    /// Resolves a reference: the first segment is the command key (missing → `None`, the
    /// placeholder stays literal); later missing segments stop the walk at the value reached.
    pub fn lookup(&self, name: &str, path: &[String]) -> Option<Value> {
        let (first, rest) = path.split_first()?;
        let mut current = self
            .collection(name)
            .iter()
            .find(|(k, _)| k == first)
            .map(|(_, v)| v)?;
        for seg in rest {
            match current.get(seg) {
                Some(next) => current = next,
                None => break,
            }
        }
        Some(current.clone())
    }
}

const NAMES: &[&str] = &[
    "error_description",
    "result",
    "next",
    "total",
    "time",
    "error",
];

/// A placeholder found in a string: byte range, collection name and path segments.
#[derive(Debug, PartialEq)]
struct Placeholder {
    start: usize,
    end: usize,
    name: &'static str,
    path: Vec<String>,
}

/// Finds the placeholders (`$name[seg][seg]…`, name case-insensitive) in `s`.
fn placeholders(s: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let after = &s[i + 1..];
        let found = NAMES.iter().find(|n| {
            after.len() > n.len()
                && after.is_char_boundary(n.len())
                && after[..n.len()].eq_ignore_ascii_case(n)
                && after.as_bytes()[n.len()] == b'['
        });
        let Some(name) = found else {
            i += 1;
            continue;
        };
        let mut j = i + 1 + name.len();
        let mut path = Vec::new();
        while j < bytes.len() && bytes[j] == b'[' {
            let Some(close) = s[j + 1..].find(']') else {
                break;
            };
            let seg = &s[j + 1..j + 1 + close];
            if seg.chars().any(char::is_whitespace) {
                break;
            }
            path.push(seg.to_owned());
            j = j + 1 + close + 1;
        }
        if path.is_empty() {
            i += 1;
            continue;
        }
        let name = if *name == "error_description" {
            "error"
        } else {
            name
        };
        out.push(Placeholder {
            start: i,
            end: j,
            name,
            path,
        });
        i = j;
    }
    out
}

/// Substitutes placeholders in one string. A placeholder that is the whole string is replaced
/// by the referenced value with its type; embedded ones only by string values.
pub fn substitute_str(s: &str, collected: &Collected) -> Value {
    let found = placeholders(s);
    if found.is_empty() {
        return Value::Str(s.to_owned());
    }
    if let [only] = found.as_slice()
        && only.start == 0
        && only.end == s.len()
    {
        return collected
            .lookup(only.name, &only.path)
            .unwrap_or_else(|| Value::Str(s.to_owned()));
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for p in found {
        out.push_str(&s[last..p.start]);
        match collected.lookup(p.name, &p.path) {
            Some(Value::Str(v)) => out.push_str(&v),
            _ => out.push_str(&s[p.start..p.end]),
        }
        last = p.end;
    }
    out.push_str(&s[last..]);
    Value::Str(out)
}

/// Substitutes placeholders in every value and key of a parameter tree.
pub fn substitute(value: &Value, collected: &Collected) -> Value {
    match value {
        Value::Str(s) => substitute_str(s, collected),
        Value::List(items) => Value::List(items.iter().map(|v| substitute(v, collected)).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match substitute_str(k, collected) {
                        Value::Str(s) => s,
                        other => other.php_string().unwrap_or_else(|| k.clone()),
                    };
                    (key, substitute(v, collected))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn error_value(code: &str, description: &str) -> Value {
    Value::object([
        ("error", Value::from(code)),
        ("error_description", Value::from(description)),
    ])
}

/// `batch`: `cmd` (map or list of command strings), `halt`.
pub fn batch(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let halt = call.params.get_ci("halt").is_some_and(Value::php_truthy);
    let commands: Vec<(String, Value)> = match call.params.get_ci("cmd") {
        Some(cmd @ (Value::Map(_) | Value::List(_))) => cmd
            .entries()
            .into_iter()
            .map(|(k, v)| (k, v.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut collected = Collected::default();
    for (index, (key, command)) in commands.into_iter().enumerate() {
        if index >= BATCH_MAX_LENGTH {
            collected.error.push((
                key,
                error_value("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"),
            ));
            if halt {
                break;
            }
            continue;
        }
        // Only strings are executed; other entries silently produce nothing.
        let Value::Str(command) = command else {
            continue;
        };
        let (method, raw_params) = parse_command(&command);
        let name = method.to_lowercase();
        *call.state.counters.entry(name.clone()).or_default() += 1;
        let failed = match call.methods.find(&name) {
            None => {
                collected.error.push((
                    key,
                    error_value("ERROR_METHOD_NOT_FOUND", "Method not found!"),
                ));
                true
            }
            Some(def) if def.name == "batch" => {
                collected.error.push((
                    key,
                    error_value(
                        "ERROR_BATCH_METHOD_NOT_ALLOWED",
                        "Method is not allowed for batch usage",
                    ),
                ));
                true
            }
            Some(def) => {
                let mut params = substitute(&raw_params, &collected);
                for reserved in params::RESERVED_PARAMS {
                    params.remove(reserved);
                }
                let mut env = Env {
                    config: call.config,
                    principal: call.principal,
                    state: call.state,
                    clock: call.clock,
                    methods: call.methods,
                };
                let invocation = invoke(&mut env, def, &params, true);
                match invocation.outcome {
                    Ok(out) => {
                        collected.result.push((key.clone(), out.result));
                        if let Some(total) = out.total {
                            collected.total.push((key.clone(), Value::Int(total)));
                        }
                        if let Some(next) = out.next {
                            collected.next.push((key.clone(), Value::Int(next)));
                        }
                        collected.time.push((key, invocation.timing.to_value()));
                        false
                    }
                    Err(err) => {
                        collected.error.push((key, err.body()));
                        true
                    }
                }
            }
        };
        if failed && halt {
            break;
        }
    }
    Ok(MethodOutput::new(Value::object([
        ("result", Value::php_array(collected.result)),
        ("result_error", Value::php_array(collected.error)),
        ("result_total", Value::php_array(collected.total)),
        ("result_next", Value::php_array(collected.next)),
        ("result_time", Value::php_array(collected.time)),
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collected() -> Collected {
        Collected {
            result: vec![
                (
                    "deal".into(),
                    Value::object([
                        ("ID", Value::from("7")),
                        ("N", Value::Int(3)),
                        ("L", Value::List(vec![Value::from("a")])),
                    ]),
                ),
                (
                    "list".into(),
                    Value::List(vec![Value::object([("ID", Value::from("11"))])]),
                ),
            ],
            next: vec![("list".into(), Value::Int(50))],
            ..Collected::default()
        }
    }

    #[test]
    fn commands() {
        assert_eq!(
            parse_command("crm.deal.get?id=5#frag&x=1"),
            (
                "crm.deal.get".into(),
                Value::object([("id", Value::from("5"))])
            )
        );
        assert_eq!(parse_command("scope"), ("scope".into(), Value::empty_map()));
        assert_eq!(
            parse_command("a?x=1+2%26b").1,
            Value::object([("x", Value::from("1 2&b"))])
        );
    }

    #[test]
    fn substitution_rules() {
        let c = collected();
        let cases = [
            ("$result[deal][ID]", Value::from("7")),
            ("$RESULT[deal][N]", Value::Int(3)),
            ("$result[deal][L]", Value::List(vec![Value::from("a")])),
            ("$next[list]", Value::Int(50)),
            ("$result[list][0][ID]", Value::from("11")),
            ("id-$result[deal][ID]!", Value::from("id-7!")),
            // embedded non-strings stay literal
            ("n=$result[deal][N]", Value::from("n=$result[deal][N]")),
            // unknown command stays literal; a missing deeper segment stops at what was reached
            ("$result[nope][ID]", Value::from("$result[nope][ID]")),
            ("$result[deal][ID][x]", Value::from("7")),
            ("$result", Value::from("$result")),
            ("$$", Value::from("$$")),
            ("$result[", Value::from("$result[")),
        ];
        for (input, expected) in cases {
            assert_eq!(substitute_str(input, &c), expected, "{input}");
        }
    }
}
