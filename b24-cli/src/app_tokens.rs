//! The access token of a profile saved by `b24 auth login`, renewed with its refresh token
//! when the portal answers `expired_token`; the new pair replaces the old one in the profile
//! (a refresh token is single-use).

use b24_app::{AppCredentials, OAuthClient};
use b24_core::{RefreshFuture, TokenSource};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::profiles::Store;

/// What renews a login profile's tokens: the application and the OAuth server.
#[derive(Clone)]
pub struct AppLogin {
    /// The profile the pair is stored in.
    pub profile: String,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: SecretString,
    /// The OAuth server's address.
    pub server: String,
    /// The refresh token stored with the access token.
    pub refresh_token: SecretString,
}

impl std::fmt::Debug for AppLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppLogin")
            .field("profile", &self.profile)
            .field("client_id", &self.client_id)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// A [`TokenSource`] over a login profile's pair.
pub struct ProfileTokens {
    oauth: OAuthClient,
    profile: String,
    /// `(access, refresh)`; the lock also keeps two refreshes from spending one refresh token.
    pair: Mutex<(SecretString, SecretString)>,
    /// The access token in use, readable without waiting for a refresh in progress.
    current: std::sync::Mutex<SecretString>,
}

impl ProfileTokens {
    /// The source for `login`, starting with `access_token`.
    pub fn new(
        login: AppLogin,
        access_token: SecretString,
    ) -> Result<ProfileTokens, b24_app::Error> {
        let credentials = AppCredentials::new(
            login.client_id,
            login.client_secret.expose_secret().to_owned(),
        );
        let oauth = OAuthClient::new(&login.server, credentials)?;
        Ok(ProfileTokens {
            oauth,
            profile: login.profile,
            pair: Mutex::new((access_token.clone(), login.refresh_token)),
            current: std::sync::Mutex::new(access_token),
        })
    }

    fn current(&self) -> SecretString {
        match self.current.lock() {
            Ok(token) => token.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    async fn renew(&self) -> Result<(), b24_app::Error> {
        let mut pair = self.pair.lock().await;
        // Another call renewed the pair while this one waited: use its token.
        if pair.0.expose_secret() != self.current().expose_secret() {
            return Ok(());
        }
        let answer = self.oauth.refresh(&pair.1).await?;
        let (access, refresh) = (
            answer.tokens.access_token.expose_secret().to_owned(),
            answer.tokens.refresh_token.expose_secret().to_owned(),
        );
        // The old refresh token is spent: keep the new pair before using it.
        let stored = Store::load().and_then(|mut store| {
            store.put_tokens(&self.profile, &access, &refresh);
            store.save()
        });
        if let Err(failure) = stored {
            eprintln!(
                "b24: warning: the renewed tokens of profile `{}` could not be saved ({}); \
                 run `b24 auth login` again next time",
                self.profile, failure.message
            );
        }
        *pair = (
            answer.tokens.access_token.clone(),
            answer.tokens.refresh_token,
        );
        match self.current.lock() {
            Ok(mut token) => *token = answer.tokens.access_token,
            Err(poisoned) => *poisoned.into_inner() = answer.tokens.access_token,
        }
        Ok(())
    }
}

impl TokenSource for ProfileTokens {
    fn access_token(&self) -> SecretString {
        self.current()
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async move {
            self.renew()
                .await
                .map(|()| true)
                .map_err(|error| b24_core::Error::TokenSource(Box::new(error)))
        })
    }
}
