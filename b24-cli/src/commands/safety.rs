//! Methods that delete need a confirmation: `--yes`, or a "y" typed at a terminal.

use std::io::{BufRead, IsTerminal, Write};

use crate::exit::{Failure, Outcome};

/// Whether `method` deletes something (`crm.deal.delete`, `crm.item.batchDelete`, ...).
pub fn deletes(method: &str) -> bool {
    method
        .rsplit('.')
        .next()
        .is_some_and(|last| last.to_ascii_lowercase().contains("delete"))
}

/// Asks for confirmation of a deleting method unless `yes`; refuses without a terminal.
pub fn confirm(method: &str, yes: bool) -> Outcome {
    if yes || !deletes(method) {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::usage(format!(
            "`{method}` deletes data; pass --yes to run it when stdin is not a terminal"
        )));
    }
    eprint!("`{method}` deletes data. Continue? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
        Ok(())
    } else {
        Err(Failure::usage("not confirmed; nothing was sent"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn delete_methods_are_recognised() {
        assert!(super::deletes("crm.deal.delete"));
        assert!(super::deletes("crm.item.batchDelete"));
        assert!(!super::deletes("crm.deal.add"));
        assert!(!super::deletes("crm.deletelog.list"));
    }
}
