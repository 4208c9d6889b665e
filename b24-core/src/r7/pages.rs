//! Paging a list route with `startIndex` / `count`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::client::{Client, MAX_PAGE_SIZE};
use super::envelope::Envelope;
use super::error::Error;
use super::method::{Encoded, ListRoute};

/// The pages of a list route, fetched one request at a time; see [`Client::pages`].
pub struct Pages<'c, M, I> {
    client: &'c Client,
    route: String,
    encoded: Encoded,
    page_size: u32,
    next_start: u64,
    total: Option<u64>,
    done: bool,
    marker: PhantomData<fn() -> (M, I)>,
}

impl<'c, M, I> Pages<'c, M, I> {
    /// The pages of `route` from the request's own `startIndex` (0 without one).
    pub(super) fn new(client: &'c Client, route: String, encoded: Encoded, page_size: u32) -> Self {
        let next_start = encoded
            .query
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("startIndex"))
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        Pages {
            client,
            route,
            encoded,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            next_start,
            total: None,
            done: false,
            marker: PhantomData,
        }
    }
}

impl<M, I> Pages<'_, M, I>
where
    M: ListRoute<Response = Vec<I>>,
    I: DeserializeOwned,
{
    /// Fetches the next page; `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<Envelope<Vec<I>>, Error>> {
        if self.done {
            return None;
        }
        let mut encoded = self.encoded.clone();
        encoded.set_query("count", self.page_size.to_string());
        encoded.set_query("startIndex", self.next_start.to_string());
        let result = self
            .client
            .execute::<Vec<I>>(&self.route, M::VERB, &encoded, M::FORMAT)
            .await;
        match result {
            Ok(page) => {
                let received = page.response.len() as u64;
                if page.total.is_some() {
                    self.total = page.total;
                }
                self.next_start += received;
                self.done = received < u64::from(self.page_size)
                    || self.total.is_some_and(|total| self.next_start >= total);
                Some(Ok(page))
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }

    /// The `total` of the last page received, if the route reports one.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Fetches every remaining page and returns their items in order.
    pub async fn try_collect(mut self) -> Result<Vec<I>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.response);
        }
        Ok(items)
    }
}

impl<M, I> fmt::Debug for Pages<'_, M, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("route", &self.route)
            .field("page_size", &self.page_size)
            .field("next_start", &self.next_start)
            .field("total", &self.total)
            .field("done", &self.done)
            .finish()
    }
}
