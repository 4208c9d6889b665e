//! Accounts in the memory of one process (tests, single-process tools).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use super::{StoreFuture, TokenStore};
use crate::account::{Account, AccountStatus, TokenPair};

/// Accounts, leases and delivery keys in a mutex.
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Mutex<Data>,
}

#[derive(Debug, Default)]
struct Data {
    accounts: HashMap<String, Account>,
    leases: HashMap<String, (String, Instant)>,
    deliveries: HashMap<String, Instant>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
        Box::pin(std::future::ready(Ok(value)))
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, Option<Account>> {
        Self::ready(self.data().accounts.get(member_id).cloned())
    }

    fn save<'a>(&'a self, account: &'a Account) -> StoreFuture<'a, ()> {
        self.data()
            .accounts
            .insert(account.member_id.clone(), account.clone());
        Self::ready(())
    }

    fn swap_tokens<'a>(
        &'a self,
        member_id: &'a str,
        expected_refresh: &'a str,
        tokens: &'a TokenPair,
    ) -> StoreFuture<'a, bool> {
        let mut data = self.data();
        let swapped = match data.accounts.get_mut(member_id) {
            Some(a) if a.tokens.refresh_token.expose_secret() == expected_refresh => {
                a.tokens = tokens.clone();
                a.status = AccountStatus::Active;
                true
            }
            _ => false,
        };
        Self::ready(swapped)
    }

    fn set_status<'a>(
        &'a self,
        member_id: &'a str,
        status: AccountStatus,
    ) -> StoreFuture<'a, bool> {
        let found = self
            .data()
            .accounts
            .get_mut(member_id)
            .map(|a| a.status = status)
            .is_some();
        Self::ready(found)
    }

    fn delete<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, bool> {
        Self::ready(self.data().accounts.remove(member_id).is_some())
    }

    fn try_lease<'a>(
        &'a self,
        member_id: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let mut data = self.data();
        let free = data
            .leases
            .get(member_id)
            .is_none_or(|(h, until)| *until < now || h == holder);
        if free {
            data.leases
                .insert(member_id.to_owned(), (holder.to_owned(), now + ttl));
        }
        Self::ready(free)
    }

    fn release_lease<'a>(&'a self, member_id: &'a str, holder: &'a str) -> StoreFuture<'a, ()> {
        let mut data = self.data();
        if data.leases.get(member_id).is_some_and(|(h, _)| h == holder) {
            data.leases.remove(member_id);
        }
        Self::ready(())
    }

    fn remember<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let mut data = self.data();
        data.deliveries.retain(|_, until| *until >= now);
        let new = !data.deliveries.contains_key(key);
        if new {
            data.deliveries.insert(key.to_owned(), now + ttl);
        }
        Self::ready(new)
    }
}
