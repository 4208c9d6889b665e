//! The application's side of its installations: the store, the OAuth client, and one
//! [`AccountTokens`] per portal shared by every task of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::Error;
use crate::oauth::OAuthClient;
use crate::refresh::{AccountTokens, RefreshSettings};
use crate::store::TokenStore;

/// Accounts of one application.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn TokenStore>,
    oauth: OAuthClient,
    settings: RefreshSettings,
    open: Arc<Mutex<HashMap<String, AccountTokens>>>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("oauth", &self.oauth)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// Accounts kept in `store`, renewed through `oauth`.
    pub fn new(store: Arc<dyn TokenStore>, oauth: OAuthClient) -> Accounts {
        Accounts::with_settings(store, oauth, RefreshSettings::default())
    }

    /// Like [`Accounts::new`] with other refresh timings.
    pub fn with_settings(
        store: Arc<dyn TokenStore>,
        oauth: OAuthClient,
        settings: RefreshSettings,
    ) -> Accounts {
        Accounts {
            store,
            oauth,
            settings,
            open: Arc::default(),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// The OAuth client.
    pub fn oauth(&self) -> &OAuthClient {
        &self.oauth
    }

    /// The tokens of `member_id`, shared with every other caller in this process.
    pub async fn tokens(&self, member_id: &str) -> Result<AccountTokens, Error> {
        if let Some(open) = self.lock().get(member_id) {
            return Ok(open.clone());
        }
        let tokens = AccountTokens::load(
            Arc::clone(&self.store),
            self.oauth.clone(),
            member_id,
            self.settings,
        )
        .await?;
        Ok(self
            .lock()
            .entry(member_id.to_owned())
            .or_insert(tokens)
            .clone())
    }

    /// A client of the portal of `member_id`.
    pub async fn client(&self, member_id: &str) -> Result<b24_core::Client, Error> {
        self.tokens(member_id).await?.client()
    }

    /// Forgets the open tokens of `member_id` (after an install replaced them, or an
    /// uninstall): the next caller reads the store again.
    pub fn forget(&self, member_id: &str) {
        self.lock().remove(member_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, AccountTokens>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}
