//! Named connection profiles: `profiles.toml` in the config directory holds what is not
//! secret (portal, user, kind), `secrets.toml` beside it (mode 0600) the webhook URLs and tokens.
//!
//! This build has no OS keyring backend (the Linux ones need D-Bus libraries), so secrets go to
//! the 0600 file and `b24 auth add` says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dirs;
use crate::exit::Failure;

/// What `profiles.toml` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Profiles {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile, without its secret.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Profile {
    /// `webhook` or `oauth`.
    pub kind: String,
    /// The portal, `https://example.bitrix24.com`.
    pub portal: String,
    /// The webhook's user (webhook profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The application's client id (profiles saved by `b24 auth login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The OAuth server that renews the tokens (profiles saved by `b24 auth login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_server: Option<String>,
}

/// The secret of a profile.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Secret {
    /// The full webhook URL (webhook profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// The OAuth access token (oauth profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The OAuth refresh token (profiles saved by `b24 auth login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The application's client secret (profiles saved by `b24 auth login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The two files, loaded.
pub struct Store {
    dir: PathBuf,
    /// The public part.
    pub profiles: Profiles,
    secrets: BTreeMap<String, Secret>,
}

fn read_toml<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, Failure> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| Failure::usage(format!("`{}` is not valid: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(Failure::usage(format!(
            "cannot read `{}`: {e}",
            path.display()
        ))),
    }
}

impl Store {
    /// Loads the profiles from the config directory.
    pub fn load() -> Result<Store, Failure> {
        let dir = dirs::config_dir()?;
        let profiles = read_toml(&dir.join("profiles.toml"))?;
        let secrets = read_toml(&dir.join("secrets.toml"))?;
        Ok(Store {
            dir,
            profiles,
            secrets,
        })
    }

    /// Where the secrets are kept.
    pub fn secrets_path(&self) -> PathBuf {
        self.dir.join("secrets.toml")
    }

    /// A profile and its secret.
    pub fn get(&self, name: &str) -> Result<(Profile, Secret), Failure> {
        let profile = self.profiles.profiles.get(name).cloned().ok_or_else(|| {
            Failure::usage(format!(
                "no profile `{name}`; `b24 auth add --name {name} --webhook URL` creates it"
            ))
        })?;
        let secret = self.secrets.get(name).cloned().unwrap_or_default();
        Ok((profile, secret))
    }

    /// Adds or replaces a profile.
    pub fn put(&mut self, name: &str, profile: Profile, secret: Secret, make_default: bool) {
        self.profiles.profiles.insert(name.to_owned(), profile);
        self.secrets.insert(name.to_owned(), secret);
        if make_default || self.profiles.default.is_none() {
            self.profiles.default = Some(name.to_owned());
        }
    }

    /// Replaces the token pair of profile `name` (after a refresh: the old refresh token is
    /// spent); whether the profile exists.
    pub fn put_tokens(&mut self, name: &str, access_token: &str, refresh_token: &str) -> bool {
        match self.secrets.get_mut(name) {
            Some(secret) => {
                secret.access_token = Some(access_token.to_owned());
                secret.refresh_token = Some(refresh_token.to_owned());
                true
            }
            None => false,
        }
    }

    /// Removes a profile; whether it existed.
    pub fn remove(&mut self, name: &str) -> bool {
        self.secrets.remove(name);
        if self.profiles.default.as_deref() == Some(name) {
            self.profiles.default = None;
        }
        self.profiles.profiles.remove(name).is_some()
    }

    /// Writes both files; the secrets file is created with mode 0600.
    pub fn save(&self) -> Result<(), Failure> {
        let write = |path: PathBuf, text: String, private: bool| -> Result<(), Failure> {
            let error = |e: std::io::Error| {
                Failure::usage(format!("cannot write `{}`: {e}", path.display()))
            };
            let temporary = path.with_extension("toml.tmp");
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            if private {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            #[cfg(not(unix))]
            let _ = private;
            let mut file = options.open(&temporary).map_err(error)?;
            std::io::Write::write_all(&mut file, text.as_bytes()).map_err(error)?;
            file.sync_all().map_err(error)?;
            std::fs::rename(&temporary, &path).map_err(error)
        };
        let profiles = toml::to_string(&self.profiles)
            .map_err(|e| Failure::usage(format!("cannot encode the profiles: {e}")))?;
        let secrets = toml::to_string(&self.secrets)
            .map_err(|e| Failure::usage(format!("cannot encode the secrets: {e}")))?;
        write(self.dir.join("profiles.toml"), profiles, false)?;
        write(self.secrets_path(), secrets, true)
    }
}
