//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::connect::ConnectionArgs;
use crate::exit::EXIT_CODES_HELP;
use crate::output::Format;

/// b24: call any Bitrix24 method, export and import at the portal's full speed, forward events.
#[derive(Parser, Debug)]
#[command(name = "b24", version, after_long_help = EXIT_CODES_HELP, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Connection and pacing.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Output format for data on stdout
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Confirm methods that delete (needed when stdin is not a terminal)
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Call any method: `b24 call crm.deal.add -f fields[TITLE]=Deal -F fields[OPPORTUNITY]=10`
    Call(CallArgs),
    /// Export every item of a list method with the fast cursor (NDJSON or CSV)
    Export(ExportArgs),
    /// Import CSV or NDJSON rows with a crash-safe journal: no duplicates, no lost rows
    Import(ImportArgs),
    /// Save, check and remove connection profiles
    #[command(subcommand)]
    Auth(AuthCommand),
    /// List the methods b24 knows, by scope or text
    Methods(MethodsArgs),
    /// The scopes an application must request to call these methods
    Scopes(ScopesArgs),
    /// Decode a saved answer with a method's typed response
    Decode(DecodeArgs),
    /// Print a shell completion script (method names complete from the registry)
    Completion(CompletionArgs),
    /// Serve an emulated portal on 127.0.0.1 until Ctrl-C
    Emulator(crate::commands::emulator::EmulatorArgs),
    /// Work with events
    #[command(subcommand)]
    Events(EventsCommand),
}

/// `b24 call`.
#[derive(Args, Debug)]
pub struct CallArgs {
    /// The method, e.g. crm.deal.list
    pub method: String,
    /// A string parameter (key=value; brackets nest).
    #[arg(
        short = 'f',
        long = "raw-field",
        value_name = "KEY=VALUE",
        help = "A string parameter, key=value; brackets nest: fields[PHONE][0][VALUE]=+1"
    )]
    pub raw_fields: Vec<String>,
    /// A typed parameter: numbers, true/false/null, @file, @- for stdin
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// The parameters as one JSON object (-f/-F are merged on top)
    #[arg(long, value_name = "BODY", conflicts_with = "input")]
    pub json: Option<String>,
    /// Read the JSON parameters from FILE, or - for stdin
    #[arg(long, value_name = "FILE")]
    pub input: Option<String>,
    /// Fetch every page of a list method (NDJSON; one array with --slurp)
    #[arg(long)]
    pub paginate: bool,
    /// With --paginate: one JSON array instead of NDJSON
    #[arg(long, requires = "paginate")]
    pub slurp: bool,
    /// Print the request (secrets redacted) instead of sending it
    #[arg(long)]
    pub dry_run: bool,
}

/// `b24 export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// A list method, e.g. crm.deal.list
    pub method: String,
    /// Fields to return, comma-separated (also the CSV columns)
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub select: Vec<String>,
    /// A filter condition, key=value with an optional operator prefix (>OPPORTUNITY=100)
    #[arg(long, value_name = "KEY=VALUE")]
    pub filter: Vec<String>,
    /// Extra parameters, as for `call` (-f/-F)
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Continue an interrupted export: append after the last ID in --output
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Use the fast cursor on this ID field even if the registry does not declare one
    #[arg(long, value_name = "FIELD")]
    pub cursor: Option<String>,
}

/// `b24 import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The method that writes one row, e.g. crm.deal.add
    pub method: String,
    /// CSV (with a header) or NDJSON rows; the format follows the extension (.csv, else NDJSON)
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: PathBuf,
    /// The parameter each row goes into
    #[arg(long, default_value = "fields", value_name = "NAME")]
    pub params_key: String,
    /// Extra parameters for every call (-F entityTypeId=2)
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// A column whose values are unique already; it finds rows whose outcome is unknown
    #[arg(long, value_name = "COLUMN", conflicts_with = "marker_field")]
    pub key: Option<String>,
    /// The field b24 writes a unique marker into, to find rows whose outcome is unknown
    #[arg(long, default_value = "ORIGIN_ID", value_name = "FIELD")]
    pub marker_field: String,
    /// The list method that finds rows by key or marker (default: METHOD with .add → .list)
    #[arg(long, value_name = "METHOD")]
    pub list_method: Option<String>,
    /// The journal file (default: one per job in the XDG state directory)
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// What to do with a broken input row or a refused write
    #[arg(long, value_enum, default_value = "continue")]
    pub on_error: crate::commands::import::OnError,
    /// Write the row → ID map to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `b24 auth login`.
#[derive(Args, Debug)]
pub struct LoginArgs {
    /// The application's client id
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// Read the client secret from the first line of stdin (before the code)
    #[arg(
        long,
        required_unless_present = "client_secret_env",
        conflicts_with = "client_secret_env"
    )]
    pub client_secret_stdin: bool,
    /// Read the client secret from the environment variable VAR
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// The OAuth server that exchanges the code and renews the tokens
    #[arg(long, value_name = "URL", default_value = b24_app::oauth::BITRIX_OAUTH)]
    pub oauth_server: String,
    /// Profile name
    #[arg(long, default_value = "default")]
    pub name: String,
    /// Make it the default profile
    #[arg(long)]
    pub default: bool,
}

/// `b24 auth`.
#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    /// Save a webhook (or an OAuth access token) as a profile
    Add {
        /// The webhook URL
        #[arg(long, value_name = "URL", required_unless_present = "access_token")]
        webhook: Option<String>,
        /// An OAuth access token instead of a webhook (needs --portal)
        #[arg(long, value_name = "TOKEN", requires = "portal")]
        access_token: Option<String>,
        /// Profile name
        #[arg(long, default_value = "default")]
        name: String,
        /// Make it the default profile
        #[arg(long)]
        default: bool,
    },
    /// Authorise an application (client id and secret) on a portal with a pasted code, and
    /// save its tokens as a profile (renewed on `expired_token`)
    Login(LoginArgs),
    /// Show which portal and user the current connection reaches (never the secret)
    Status,
    /// List the saved profiles
    List,
    /// Remove a profile
    Remove {
        /// Profile name
        name: String,
    },
}

/// `b24 methods`.
#[derive(Args, Debug)]
pub struct MethodsArgs {
    /// Only methods of this scope
    #[arg(long)]
    pub scope: Option<String>,
    /// Only methods whose name contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

/// `b24 scopes`.
#[derive(Args, Debug)]
pub struct ScopesArgs {
    /// Method names
    #[arg(required = true)]
    pub methods: Vec<String>,
}

/// `b24 decode`.
#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// The method whose answer it is
    pub method: String,
    /// The saved answer, or - for stdin
    pub file: String,
}

/// `b24 completion`.
#[derive(Args, Debug)]
pub struct CompletionArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: crate::commands::completion::Shell,
}

/// `b24 events`.
#[derive(Subcommand, Debug)]
pub enum EventsCommand {
    /// Bind offline events, poll them and re-post each one form-encoded to a local handler
    Listen {
        /// Where to POST each event, e.g. http://127.0.0.1:8080/handler
        #[arg(long, value_name = "URL")]
        forward_to: String,
        /// Events to bind (default ONCRMDEALADD, ONCRMDEALUPDATE, ONCRMDEALDELETE)
        #[arg(long, value_name = "NAME")]
        event: Vec<String>,
        /// Poll interval in milliseconds
        #[arg(long, default_value_t = 500, value_name = "MS")]
        interval: u64,
    },
}
