//! `b24 call METHOD`: any method, parameters from `-f`/`-F`, `--json` or `--input`.

use std::io::Read;

use serde_json::{Map, Value};

use crate::cli::CallArgs;
use crate::commands::{catalog, safety};
use crate::connect::{ConnectionArgs, Target};
use crate::exit::{Failure, Outcome};
use crate::fields::{self, FieldArg};
use crate::output::{self, Format, ItemWriter};
use b24_core::ListSpec;

use crate::pager::Pager;

/// Parameter names whose values are secrets, hidden by `--dry-run`.
const SECRET_PARAMS: &[&str] = &[
    "auth",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    "ap",
];

/// Builds the body from `--json`/`--input` and the `-f`/`-F` arguments, in order.
pub fn body(
    json: Option<&str>,
    input: Option<&str>,
    raw: &[String],
    typed: &[String],
) -> Result<Value, Failure> {
    let mut base = match (json, input) {
        (Some(text), _) => parse_object(text, "--json")?,
        (None, Some("-")) => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
            parse_object(&text, "stdin")?
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read `{path}`: {e}")))?;
            parse_object(&text, path)?
        }
        (None, None) => Value::Object(Map::new()),
    };
    let mut args: Vec<FieldArg> = raw
        .iter()
        .map(|text| FieldArg {
            text: text.clone(),
            typed: false,
        })
        .collect();
    args.extend(typed.iter().map(|text| FieldArg {
        text: text.clone(),
        typed: true,
    }));
    fields::merge(&mut base, fields::build(&args)?);
    Ok(base)
}

fn parse_object(text: &str, source: &str) -> Result<Value, Failure> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Failure::usage(format!(
            "{source}: the parameters must be a JSON object"
        ))),
        Err(e) => Err(Failure::usage(format!("{source}: invalid JSON: {e}"))),
    }
}

fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let secret = SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s));
                    let shown = if secret {
                        Value::String("***".into())
                    } else {
                        redact(value)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// The request as it would be sent, with the webhook code and tokens replaced by `***`.
fn dry_run(connection: &ConnectionArgs, method: &str, body: &Value) -> Outcome {
    let resolved = connection.resolve()?;
    let (url, auth) = match &resolved.target {
        Target::Webhook(url) => {
            let webhook = b24_core::Webhook::from_url(url)?;
            (
                format!("{}{}/***/{method}", webhook.rest_base(), webhook.user()),
                None,
            )
        }
        Target::OAuth { portal, .. } => {
            let oauth = b24_core::OAuth::with_token(portal, "unused")?;
            (
                format!("{}{method}", oauth.rest_base()),
                Some("Authorization: Bearer ***"),
            )
        }
        Target::Emulator => (
            format!("http://127.0.0.1:<port>/rest/{method}"),
            Some("Authorization: Bearer ***"),
        ),
    };
    let mut text = format!("POST {url}\nContent-Type: application/json\n");
    if let Some(auth) = auth {
        text.push_str(auth);
        text.push('\n');
    }
    let pretty = serde_json::to_string_pretty(&redact(body)).unwrap_or_default();
    text.push('\n');
    text.push_str(&pretty);
    text.push('\n');
    let mut out = output::open_output(None, false)?;
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

use std::io::Write;

/// Runs `b24 call`.
pub async fn run(
    connection: &ConnectionArgs,
    format: Option<Format>,
    yes: bool,
    args: CallArgs,
) -> Outcome {
    let body = body(
        args.json.as_deref(),
        args.input.as_deref(),
        &args.raw_fields,
        &args.fields,
    )?;
    if args.dry_run {
        return dry_run(connection, &args.method, &body);
    }
    let format = format.unwrap_or(Format::Json);
    output::check_format(format, false)?;
    safety::confirm(&args.method, yes)?;
    let session = connection.connect().await?;
    let columns = output::columns_from_select(&body);
    if args.paginate {
        let spec = ListSpec::from_registry(&args.method).map_err(|_| {
            Failure::usage(format!(
                "`{}` is not a list method b24 knows; --paginate needs one (see `b24 methods --search .list`)",
                args.method
            ))
        })?;
        let mut pager = Pager::new(&session, spec, body, None)?;
        let mut writer = ItemWriter::new(
            format,
            args.slurp,
            output::open_output(None, false)?,
            columns,
        );
        while let Some(item) = pager.next().await? {
            writer.push(&item)?;
        }
        return writer.finish();
    }
    let envelope = match session.call(&args.method, &body).await {
        Ok(envelope) => envelope,
        Err(error) => {
            let not_found = matches!(error.code(), Some(b24_core::ErrorCode::ErrorMethodNotFound));
            let mut failure = Failure::from(error);
            if not_found {
                failure
                    .message
                    .push_str(&catalog::did_you_mean(&args.method));
            }
            return Err(failure);
        }
    };
    let list = ListSpec::from_registry(&args.method).ok();
    let key = list.as_ref().and_then(ListSpec::items_key);
    let items = match format {
        Format::Csv | Format::Table | Format::Ndjson => output::list_items(&envelope.result, key),
        Format::Json => None,
    };
    output::write_result(
        format,
        output::open_output(None, false)?,
        &envelope.result,
        items,
        columns,
    )
}
