//! Sending one call: waiting for the client's budgets, the HTTP exchange (following a moved
//! portal), decoding, the pacing feedback, and retrying what may be retried.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::{Client, Credentials, redirect};
use crate::envelope::{self, Envelope};
use crate::error::{ApiError, Error, ErrorCode, RedirectProblem};
use crate::retry::{self, Attempts, Class, Decision};

impl Client {
    /// Sends one call, pacing it and retrying what is safe to retry.
    ///
    /// `safe`: repeating the call cannot do harm (a read-only method, or one the caller marked
    /// idempotent). Refusals that happen before the method runs (`QUERY_LIMIT_EXCEEDED`,
    /// `OPERATION_TIME_LIMIT`, a connection that never opened) are retried in any case.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        params: &serde_json::Value,
        safe: bool,
    ) -> Result<Envelope<T>, Error> {
        let empty = serde_json::Value::Object(serde_json::Map::new());
        // A unit request serialises to `null`; the server expects an object.
        let params = if params.is_null() { &empty } else { params };
        let body = serde_json::to_vec(params).map_err(|source| Error::Encode {
            method: method.to_owned(),
            source,
        })?;
        let span = tracing::debug_span!(
            "b24.call",
            method,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            waited_ms = tracing::field::Empty,
            operating = tracing::field::Empty,
        );
        async {
            let mut attempts = Attempts::new(self.inner.retry, safe);
            let mut waited = Duration::ZERO;
            loop {
                tracing::Span::current().record("attempts", attempts.made());
                let error = match self.attempt(method, &body, &mut waited).await {
                    Ok(envelope) => {
                        tracing::Span::current().record("waited_ms", waited.as_millis() as u64);
                        return Ok(envelope);
                    }
                    Err(error) => error,
                };
                let class = retry::classify(&error);
                let blocked_for = self.feedback(method, class);
                match attempts.after(class, blocked_for) {
                    Decision::Retry(delay) => {
                        tracing::debug!(
                            attempt = attempts.made() - 1,
                            delay_ms = delay.as_millis() as u64,
                            "retrying"
                        );
                        waited += delay;
                        tokio::time::sleep(delay).await;
                    }
                    Decision::Refresh => {
                        if !self.refresh().await? {
                            return Err(error);
                        }
                        tracing::debug!("access token refreshed; repeating the call once");
                    }
                    Decision::Fail => return Err(error),
                    Decision::Unknown => {
                        return Err(Error::UnknownOutcome {
                            method: method.to_owned(),
                            reason: error.to_string(),
                        });
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt: the exchange and the decoding of its answer.
    async fn attempt<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &[u8],
        waited: &mut Duration,
    ) -> Result<Envelope<T>, Error> {
        let (status, bytes) = self.exchange(method, body, waited).await?;
        tracing::Span::current().record("status", status);
        let limit = self.inner.http.max_response();
        let envelope = envelope::decode_within::<T>(method, status, &bytes, limit)?;
        self.inner.in_flight.succeeded();
        if let Some(time) = &envelope.time {
            self.inner
                .budget
                .record(method, time.operating, time.operating_reset_at);
            if let Some(operating) = time.operating {
                tracing::Span::current().record("operating", operating);
            }
        }
        Ok(envelope)
    }

    /// Tells the pacing what a failure revealed; returns how long the method stays blocked by
    /// its operating-time limit.
    fn feedback(&self, method: &str, class: Class) -> Duration {
        match class {
            Class::Intensity => {
                if let Some(limit) = self.inner.rate_limit {
                    self.inner.bucket.fill(limit);
                }
                self.inner.in_flight.refused();
                Duration::ZERO
            }
            Class::OperatingTime => self.inner.budget.block(method),
            _ => Duration::ZERO,
        }
    }

    /// Asks the token source for a new access token; `false` when it cannot renew (or the
    /// client uses a webhook).
    async fn refresh(&self) -> Result<bool, Error> {
        match &self.inner.credentials {
            Credentials::OAuth(oauth) => oauth.tokens.refresh().await,
            Credentials::Webhook(_) => Ok(false),
        }
    }

    /// Waits for the portal's budgets, then POSTs.
    async fn exchange(
        &self,
        method: &str,
        body: &[u8],
        waited: &mut Duration,
    ) -> Result<(u16, Vec<u8>), Error> {
        let blocked = self.inner.budget.wait(method);
        if !blocked.is_zero() {
            if blocked > self.inner.retry.max_wait {
                return Err(Error::Api(Box::new(ApiError {
                    method: method.to_owned(),
                    code: ErrorCode::OperationTimeLimit,
                    status: 429,
                    description: format!(
                        "blocked for another {} s by the operating-time limit",
                        blocked.as_secs()
                    ),
                    raw_body: None,
                })));
            }
            *waited += blocked;
            tokio::time::sleep(blocked).await;
        }
        let _permit = self.inner.in_flight.acquire().await;
        if let Some(limit) = self.inner.rate_limit {
            let delay = self.inner.bucket.book(limit);
            if !delay.is_zero() {
                *waited += delay;
                tokio::time::sleep(delay).await;
            }
        }
        self.post(method, body).await
    }

    /// POSTs a JSON body, following a moved portal's redirects with the same POST.
    async fn post(&self, method: &str, body: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        let mut url = match &self.inner.credentials {
            Credentials::Webhook(webhook) => webhook.method_url(method),
            Credentials::OAuth(oauth) => oauth.method_url(method),
        };
        for _ in 0..=redirect::MAX_REDIRECTS {
            let mut request = self
                .inner
                .http
                .request(reqwest::Method::POST, url.as_str())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::ACCEPT, "application/json")
                .body(body.to_vec());
            if let Credentials::OAuth(oauth) = &self.inner.credentials {
                let token = oauth.tokens.access_token();
                request = request.bearer_auth(token.expose_secret());
            }
            let answer = self
                .inner
                .http
                .send(request)
                .await
                .map_err(|failure| Error::exchange(method, failure))?;
            if !(300..400).contains(&answer.status) {
                return Ok((answer.status, answer.body));
            }
            url = redirect::target(&url, answer.header(reqwest::header::LOCATION)).map_err(
                |problem| Error::Redirect {
                    method: method.to_owned(),
                    problem,
                },
            )?;
            tracing::debug!(status = answer.status, "portal moved; repeating the POST");
        }
        Err(Error::Redirect {
            method: method.to_owned(),
            problem: RedirectProblem::TooMany {
                limit: redirect::MAX_REDIRECTS,
            },
        })
    }
}
