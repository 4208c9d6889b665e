//! Where b24 keeps its files: profiles in the XDG config directory, shared budgets and import
//! journals in the XDG state directory (`$XDG_CONFIG_HOME/b24`, `$XDG_STATE_HOME/b24`).

use std::path::PathBuf;

use etcetera::BaseStrategy;

use crate::exit::Failure;

fn strategy() -> Result<impl BaseStrategy, Failure> {
    etcetera::choose_base_strategy()
        .map_err(|e| Failure::usage(format!("cannot find the home directory: {e}")))
}

/// `$XDG_CONFIG_HOME/b24` (created when missing).
pub fn config_dir() -> Result<PathBuf, Failure> {
    let dir = strategy()?.config_dir().join("b24");
    create(dir)
}

/// `$XDG_STATE_HOME/b24` (created when missing); the data directory where there is no state
/// directory.
pub fn state_dir() -> Result<PathBuf, Failure> {
    let base = strategy()?;
    let dir = base
        .state_dir()
        .unwrap_or_else(|| base.data_dir())
        .join("b24");
    create(dir)
}

fn create(dir: PathBuf) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::usage(format!("cannot create `{}`: {e}", dir.display())))?;
    Ok(dir)
}
