//! One refresh per account across every task and process: [`AccountTokens`] is the
//! [`TokenSource`] of a `b24_core::Client` for one portal.
//!
//! The client calls [`TokenSource::refresh`] only after the portal answered `expired_token`
//! (never on a timer). Then, under a per-account gate inside the process:
//!
//! 1. if this process renewed the pair within the last `grace` (another task's refresh, while
//!    this call was in flight with the old token) and it has not expired, the call is repeated
//!    with it and nothing is sent;
//! 2. otherwise the stored pair is read again: if another process stored a newer, unexpired
//!    pair, it is used and nothing is sent;
//! 3. otherwise the store's **lease** for the account is taken (or waited for, polling); under
//!    it the pair is read once more, then the refresh token is sent to the OAuth server and the
//!    new pair stored by compare-and-swap on the old refresh token.
//!
//! A process killed while holding the lease blocks the others for at most the lease (default
//! 10 s; the OAuth request's own timeout is shorter). `invalid_grant` marks the account
//! [`NeedsReauthorization`](crate::AccountStatus::NeedsReauthorization) and fails every
//! waiting call with [`Error::NeedsReauthorization`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use b24_core::{RefreshFuture, TokenSource};
use secrecy::{ExposeSecret, SecretString};

use crate::account::{Account, AccountStatus, TokenPair, unix_now};
use crate::error::Error;
use crate::oauth::OAuthClient;
use crate::store::TokenStore;

/// Timings of the refresh protocol.
#[derive(Debug, Clone, Copy)]
pub struct RefreshSettings {
    /// How long a refresh lease lasts; keep it above the OAuth request timeout (8 s), so a
    /// slow refresh never outlives its lease.
    pub lease: Duration,
    /// How recent a pair renewed by this process must be to be trusted without a re-read.
    pub grace: Duration,
    /// How long a call waits for another holder's lease before failing.
    pub wait: Duration,
    /// How often a waiting process looks at the lease.
    pub poll: Duration,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        RefreshSettings {
            lease: Duration::from_secs(10),
            grace: Duration::from_secs(30),
            wait: Duration::from_secs(35),
            poll: Duration::from_millis(25),
        }
    }
}

struct Cached {
    pair: TokenPair,
    renewed_at: Option<Instant>,
}

struct Inner {
    member_id: String,
    client_endpoint: String,
    store: Arc<dyn TokenStore>,
    oauth: OAuthClient,
    settings: RefreshSettings,
    holder: String,
    cached: Mutex<Cached>,
    gate: tokio::sync::Mutex<()>,
    sent: AtomicU64,
}

/// The tokens of one account, shared by every task of the process that calls its portal.
#[derive(Clone)]
pub struct AccountTokens {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AccountTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountTokens")
            .field("member_id", &self.inner.member_id)
            .field("tokens", &"[redacted]")
            .finish()
    }
}

fn now_secs() -> i64 {
    unix_now() as i64
}

/// Refuses accounts that cannot be used.
fn usable(account: Option<Account>, member_id: &str) -> Result<Account, Error> {
    let member_id = member_id.to_owned();
    match account {
        None => Err(Error::UnknownAccount { member_id }),
        Some(a) => match a.status {
            AccountStatus::Active => Ok(a),
            AccountStatus::NeedsReauthorization => Err(Error::NeedsReauthorization { member_id }),
            AccountStatus::Uninstalled => Err(Error::Uninstalled { member_id }),
        },
    }
}

impl AccountTokens {
    /// The tokens of the stored account of `member_id`.
    pub async fn load(
        store: Arc<dyn TokenStore>,
        oauth: OAuthClient,
        member_id: &str,
        settings: RefreshSettings,
    ) -> Result<AccountTokens, Error> {
        let account = usable(store.load(member_id).await?, member_id)?;
        Ok(AccountTokens {
            inner: Arc::new(Inner {
                member_id: member_id.to_owned(),
                client_endpoint: account.client_endpoint,
                store,
                oauth,
                settings,
                holder: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
                cached: Mutex::new(Cached {
                    pair: account.tokens,
                    renewed_at: None,
                }),
                gate: tokio::sync::Mutex::new(()),
                sent: AtomicU64::new(0),
            }),
        })
    }

    /// The portal.
    pub fn member_id(&self) -> &str {
        &self.inner.member_id
    }

    /// A client of the account's portal that renews its token through this source.
    pub fn client(&self) -> Result<b24_core::Client, Error> {
        Ok(self.client_builder()?.build()?)
    }

    /// A client builder with this source as its OAuth credentials, for other settings (rate
    /// limit, requests in flight, timeouts).
    pub fn client_builder(&self) -> Result<b24_core::ClientBuilder, Error> {
        let oauth = b24_core::OAuth::new(&self.inner.client_endpoint, self.clone())?;
        Ok(b24_core::Client::builder().oauth(oauth))
    }

    /// Refresh requests this instance sent to the OAuth server.
    pub fn refreshes_sent(&self) -> u64 {
        self.inner.sent.load(Ordering::Relaxed)
    }

    /// Renews the pair if the one in use has expired by this host's clock (before a long
    /// batch, say); otherwise does nothing.
    pub async fn ensure_fresh(&self) -> Result<(), Error> {
        if self.cached().pair.expires_at > now_secs() {
            return Ok(());
        }
        self.renew().await
    }

    fn cached(&self) -> MutexGuard<'_, Cached> {
        self.inner.cached.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn adopt(&self, pair: TokenPair) {
        let mut cached = self.cached();
        cached.pair = pair;
        cached.renewed_at = Some(Instant::now());
    }

    /// Takes the stored pair if it is another, unexpired one.
    fn adopt_if_newer(&self, stored: &TokenPair) -> bool {
        let newer = {
            let cached = self.cached();
            stored.access_token.expose_secret() != cached.pair.access_token.expose_secret()
                && stored.expires_at > now_secs()
        };
        if newer {
            self.adopt(stored.clone());
        }
        newer
    }

    async fn stored(&self) -> Result<Account, Error> {
        let member_id = &self.inner.member_id;
        usable(self.inner.store.load(member_id).await?, member_id)
    }

    /// The refresh protocol (see the module documentation).
    pub async fn renew(&self) -> Result<(), Error> {
        let inner = &self.inner;
        let _turn = inner.gate.lock().await;
        {
            let cached = self.cached();
            let recent = cached
                .renewed_at
                .is_some_and(|at| at.elapsed() < inner.settings.grace);
            if recent && cached.pair.expires_at > now_secs() {
                return Ok(());
            }
        }
        let started = Instant::now();
        loop {
            let stored = self.stored().await?;
            if self.adopt_if_newer(&stored.tokens) {
                return Ok(());
            }
            let (member_id, holder) = (&inner.member_id, &inner.holder);
            if inner
                .store
                .try_lease(member_id, holder, inner.settings.lease)
                .await?
            {
                let outcome = self.refresh_under_lease().await;
                if let Err(error) = inner.store.release_lease(member_id, holder).await {
                    tracing::warn!(%error, "could not release the refresh lease; it will lapse");
                }
                return outcome;
            }
            if started.elapsed() >= inner.settings.wait {
                return Err(Error::LeaseTimeout {
                    member_id: member_id.clone(),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(inner.settings.poll).await;
        }
    }

    async fn refresh_under_lease(&self) -> Result<(), Error> {
        let inner = &self.inner;
        let stored = self.stored().await?;
        if self.adopt_if_newer(&stored.tokens) {
            return Ok(());
        }
        let old: SecretString = stored.tokens.refresh_token.clone();
        inner.sent.fetch_add(1, Ordering::Relaxed);
        let answer = match inner.oauth.refresh(&old).await {
            Ok(answer) => answer,
            Err(Error::OAuth { code, .. }) if code == "invalid_grant" => {
                return self.refused(&old).await;
            }
            Err(other) => return Err(other),
        };
        // The new pair exists only here until stored: retry the write a few times.
        let mut last = None;
        for _ in 0..3 {
            match inner
                .store
                .swap_tokens(&inner.member_id, old.expose_secret(), &answer.tokens)
                .await
            {
                Ok(true) => {
                    self.adopt(answer.tokens);
                    return Ok(());
                }
                // Someone stored another pair meanwhile (a verified event repaired the
                // account): the stored one wins.
                Ok(false) => {
                    let latest = self.stored().await?;
                    self.adopt(latest.tokens);
                    return Ok(());
                }
                Err(error) => last = Some(error),
            }
        }
        Err(last.map_or_else(|| Error::Config("unreachable".to_owned()), Error::Store))
    }

    /// `invalid_grant`: unless a newer pair was stored meanwhile, mark the account.
    async fn refused(&self, sent: &SecretString) -> Result<(), Error> {
        let inner = &self.inner;
        let latest = inner.store.load(&inner.member_id).await?;
        if let Some(latest) = latest
            && latest.tokens.refresh_token.expose_secret() != sent.expose_secret()
            && latest.status == AccountStatus::Active
        {
            self.adopt(latest.tokens);
            return Ok(());
        }
        inner
            .store
            .set_status(&inner.member_id, AccountStatus::NeedsReauthorization)
            .await?;
        tracing::warn!(member_id = %inner.member_id, "refresh refused: the account needs re-authorisation");
        Err(Error::NeedsReauthorization {
            member_id: inner.member_id.clone(),
        })
    }
}

impl TokenSource for AccountTokens {
    fn access_token(&self) -> SecretString {
        self.cached().pair.access_token.clone()
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
