//! `batch` (PROTOCOL §5): up to 50 commands `method?query` in one request, with `$result[…]`,
//! `$next[…]`, `$total[…]`, `$time[…]`, `$error[…]` references to earlier commands.

use crate::call::{Call, Env, invoke};
use crate::envelope::{ApiError, MethodOutput};
use crate::params::{self, InputError};
use crate::value::Value;

/// Maximum number of executed commands (`BATCH_MAX_LENGTH`).
pub const BATCH_MAX_LENGTH: usize = 50;

/// Splits a command string like PHP's `parse_url`: the fragment (`#…`) is dropped, the path
/// before `?` is the method, the rest is the query. Returns `(method, query)`.
pub fn split_command(command: &str) -> (&str, &str) {
    let command = command.split_once('#').map_or(command, |(c, _)| c);
    command.split_once('?').unwrap_or((command, ""))
}

/// Parses a command string into the method name and its parameters (PHP `parse_str`, at most
/// `max_vars` variables).
pub fn parse_command(command: &str, max_vars: usize) -> Result<(String, Value), InputError> {
    let (method, query) = split_command(command);
    let params = params::parse_str_limited(query, max_vars)?;
    Ok((method.trim().to_owned(), params))
}

/// What the references of one batch may still add, in bytes of encoded JSON: a reference
/// copies the value it names, so without a budget a small body could make many copies of a
/// large earlier result.
#[derive(Debug, Clone, Copy)]
pub struct Expansion {
    left: usize,
}

/// The references of a command would grow the batch beyond its [`Expansion`] budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpansionExceeded;

impl Expansion {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> Expansion {
        Expansion { left: bytes }
    }

    /// Takes the size of `value` from the budget, measuring no further than what is left, so
    /// that refused references cost no more than the budget itself.
    fn take(&mut self, value: &Value) -> Result<(), ExpansionExceeded> {
        let size = encoded_size_within(value, self.left).ok_or(ExpansionExceeded)?;
        self.left -= size;
        Ok(())
    }
}

/// The size of `value` as compact JSON (approximately: numbers count 8 bytes, escapes are not
/// counted), or `None` as soon as it exceeds `limit`.
fn encoded_size_within(value: &Value, limit: usize) -> Option<usize> {
    let size = match value {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => 8,
        Value::Str(s) => s.len() + 2,
        Value::List(items) => {
            let mut size = 2;
            for item in items {
                size += 1 + encoded_size_within(item, limit.checked_sub(size)?)?;
            }
            size
        }
        Value::Map(entries) => {
            let mut size = 2;
            for (key, item) in entries {
                size += key.len() + 4;
                size += encoded_size_within(item, limit.checked_sub(size)?)?;
            }
            size
        }
    };
    (size <= limit).then_some(size)
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
    pub fn lookup(&self, name: &str, path: &[String]) -> Option<&Value> {
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
        Some(current)
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
/// by the referenced value with its type; embedded ones only by string values. Every copied
/// value is taken from `budget`.
pub fn substitute_str(
    s: &str,
    collected: &Collected,
    budget: &mut Expansion,
) -> Result<Value, ExpansionExceeded> {
    let found = placeholders(s);
    if found.is_empty() {
        return Ok(Value::Str(s.to_owned()));
    }
    if let [only] = found.as_slice()
        && only.start == 0
        && only.end == s.len()
    {
        return match collected.lookup(only.name, &only.path) {
            Some(value) => {
                budget.take(value)?;
                Ok(value.clone())
            }
            None => Ok(Value::Str(s.to_owned())),
        };
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for p in found {
        out.push_str(&s[last..p.start]);
        match collected.lookup(p.name, &p.path) {
            Some(value @ Value::Str(v)) => {
                budget.take(value)?;
                out.push_str(v);
            }
            _ => out.push_str(&s[p.start..p.end]),
        }
        last = p.end;
    }
    out.push_str(&s[last..]);
    Ok(Value::Str(out))
}

/// Substitutes placeholders in every value and key of a parameter tree (see
/// [`substitute_str`]).
pub fn substitute(
    value: &Value,
    collected: &Collected,
    budget: &mut Expansion,
) -> Result<Value, ExpansionExceeded> {
    Ok(match value {
        Value::Str(s) => substitute_str(s, collected, budget)?,
        Value::List(items) => Value::List(
            items
                .iter()
                .map(|v| substitute(v, collected, budget))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match substitute_str(k, collected, budget)? {
                    Value::Str(s) => s,
                    other => other.php_string().unwrap_or_else(|| k.clone()),
                };
                out.push((key, substitute(v, collected, budget)?));
            }
            Value::Map(out)
        }
        other => other.clone(),
    })
}

fn error_value(code: &str, description: &str) -> Value {
    Value::object([
        ("error", Value::from(code)),
        ("error_description", Value::from(description)),
    ])
}

/// Runs one command string under `key`: its result goes into `collected`; a failure comes
/// back as the `result_error` entry.
fn run_command(
    call: &mut Call<'_>,
    key: &str,
    command: &str,
    collected: &mut Collected,
    budget: &mut Expansion,
) -> Result<(), Value> {
    let (method, raw_params) = parse_command(command, call.config.max_input_vars)
        .map_err(|e| error_value("INVALID_REQUEST", &e.to_string()))?;
    let name = method.to_lowercase();
    *call.state.counters.entry(name.clone()).or_default() += 1;
    let def = call
        .methods
        .find(&name)
        .ok_or_else(|| error_value("ERROR_METHOD_NOT_FOUND", "Method not found!"))?;
    if def.name == "batch" {
        return Err(error_value(
            "ERROR_BATCH_METHOD_NOT_ALLOWED",
            "Method is not allowed for batch usage",
        ));
    }
    let mut params = substitute(&raw_params, collected, budget).map_err(|ExpansionExceeded| {
        let description = format!(
            "Max batch length exceeded: the references grow the batch beyond {} bytes",
            call.config.max_body_bytes
        );
        error_value("ERROR_BATCH_LENGTH_EXCEEDED", &description)
    })?;
    // A sub-call's own `auth_connector` applies to it alone; otherwise the batch's does.
    let own_connector = params.get("auth_connector").and_then(Value::scalar_text);
    for reserved in params::RESERVED_PARAMS {
        params.remove(reserved);
    }
    let outer_connector = own_connector
        .map(|connector| std::mem::replace(&mut call.state.events.call_connector, connector));
    let mut env = Env {
        config: call.config,
        principal: call.principal,
        state: call.state,
        clock: call.clock,
        methods: call.methods,
    };
    let invocation = invoke(&mut env, def, &params, true);
    if let Some(outer) = outer_connector {
        call.state.events.call_connector = outer;
    }
    let out = invocation.outcome.map_err(|err| err.body())?;
    let key = key.to_owned();
    collected.result.push((key.clone(), out.result));
    if let Some(total) = out.total {
        collected.total.push((key.clone(), Value::Int(total)));
    }
    if let Some(next) = out.next {
        collected.next.push((key.clone(), Value::Int(next)));
    }
    collected.time.push((key, invocation.timing.to_value()));
    Ok(())
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
    let mut budget = Expansion::new(call.config.max_body_bytes);
    for (index, (key, command)) in commands.into_iter().enumerate() {
        let outcome = if index >= BATCH_MAX_LENGTH {
            Err(error_value(
                "ERROR_BATCH_LENGTH_EXCEEDED",
                "Max batch length exceeded",
            ))
        } else if let Value::Str(command) = command {
            run_command(call, &key, &command, &mut collected, &mut budget)
        } else {
            // Only strings are executed; other entries silently produce nothing.
            continue;
        };
        if let Err(error) = outcome {
            collected.error.push((key, error));
            if halt {
                break;
            }
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
            parse_command("crm.deal.get?id=5#frag&x=1", 10),
            Ok((
                "crm.deal.get".into(),
                Value::object([("id", Value::from("5"))])
            ))
        );
        assert_eq!(
            parse_command("scope", 10),
            Ok(("scope".into(), Value::empty_map()))
        );
        assert_eq!(
            parse_command("a?x=1+2%26b", 10).map(|(_, p)| p),
            Ok(Value::object([("x", Value::from("1 2&b"))]))
        );
        assert_eq!(
            parse_command("a?x=1&y=2&z=3", 2),
            Err(InputError::TooManyVars(2))
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
            let mut budget = Expansion::new(1024);
            assert_eq!(
                substitute_str(input, &c, &mut budget),
                Ok(expected),
                "{input}"
            );
        }
    }
}
