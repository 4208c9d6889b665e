//! `b24 completion bash|zsh|fish`: a completion script in which method names complete from the
//! registry.

use clap::builder::PossibleValuesParser;
use clap::{CommandFactory, ValueEnum};

use crate::cli::CompletionArgs;
use crate::commands::catalog;
use crate::exit::Outcome;

/// The shells with a completion script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}

/// Subcommands whose first argument is a method name.
const METHOD_COMMANDS: &[&str] = &["call", "export", "import", "decode"];

/// Runs `b24 completion`.
pub fn run(args: CompletionArgs) -> Outcome {
    let names: Vec<&'static str> = catalog::all_methods()
        .iter()
        .map(|info| info.name)
        .collect();
    let mut command = crate::cli::Cli::command();
    // Only the script learns the names; parsing still accepts any method.
    for sub in METHOD_COMMANDS {
        let names = names.clone();
        command = command.mut_subcommand(*sub, |c| {
            c.mut_arg("method", |a| {
                a.value_parser(PossibleValuesParser::new(names))
            })
        });
    }
    command = command.mut_subcommand("scopes", |c| {
        c.mut_arg("methods", |a| {
            a.value_parser(PossibleValuesParser::new(names.clone()))
        })
    });
    let mut out = std::io::BufWriter::new(std::io::stdout());
    match args.shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut command, "b24", &mut out)
        }
        Shell::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut command, "b24", &mut out)
        }
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut command, "b24", &mut out);
            // clap's fish script completes option values only; method names are positional.
            let subcommands: Vec<&str> =
                METHOD_COMMANDS.iter().copied().chain(["scopes"]).collect();
            std::io::Write::write_all(
                &mut out,
                format!(
                    "complete -c b24 -n \"__fish_seen_subcommand_from {}\" -f -a \"{}\"\n",
                    subcommands.join(" "),
                    names.join(" ")
                )
                .as_bytes(),
            )?;
        }
    }
    std::io::Write::flush(&mut out)?;
    Ok(())
}
