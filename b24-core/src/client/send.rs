//! Sending one call: waiting for the client's budgets, the HTTP exchange, decoding, the
//! pacing feedback, and retrying what may be retried, all within the call's deadline. Both
//! APIs go through here: the classic one ([`Client::send`]) and REST 3.0 (`crate::v3`), which
//! differ only in the address, extra headers and how an answer is decoded.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use super::{Client, Credentials};
use crate::auth::{Api, Presented};
use crate::envelope::{self, Envelope, Time};
use crate::error::{ApiError, Cause, Error, ErrorCode};
use crate::retry::{self, Attempts, Class, Decision};
use crate::schedule::OperatingReport;
use crate::transport::{Received, Secrets};

/// One call as it goes over the wire: which method of which API, the exact body (every
/// attempt sends the same bytes), extra headers, and whether repeating it is harmless.
pub(crate) struct Outgoing<'a> {
    /// The method name.
    pub method: &'a str,
    /// How many commands a `batch` carries (told to the client's observer).
    pub commands: Option<usize>,
    /// The classic API or REST 3.0.
    pub api: Api,
    /// The request body, JSON.
    pub body: &'a [u8],
    /// Extra headers sent with every attempt (REST 3.0: the `Idempotency-Key`).
    pub headers: &'a [(HeaderName, HeaderValue)],
    /// Repeating the call cannot do harm: it only reads, the caller marked it idempotent, or
    /// it carries an idempotency key the server deduplicates on.
    pub safe: bool,
}

/// A decoded successful answer; the client reads its operating-time accounting.
pub(crate) trait Answer {
    /// The answer's `time` object, when it has one.
    fn time(&self) -> Option<&Time>;
}

impl<T> Answer for Envelope<T> {
    fn time(&self) -> Option<&Time> {
        self.time.as_ref()
    }
}

impl Client {
    /// Sends one call of the classic API, pacing it and retrying what is safe to retry,
    /// within the client's deadline.
    ///
    /// `safe`: repeating the call cannot do harm (a read-only method, or one the caller marked
    /// idempotent). Refusals that happen before the method runs (`QUERY_LIMIT_EXCEEDED`,
    /// `OPERATION_TIME_LIMIT`, a connection that never opened) are retried in any case; a
    /// call that is not safe and failed after its request left is an unknown outcome.
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
        let exchange = Outgoing {
            method,
            commands: super::observe::batch_commands(method, params),
            api: Api::Classic,
            body: &body,
            headers: &[],
            safe,
        };
        self.run(exchange, |method, received, limit| {
            envelope::decode_within::<T>(method, received.status, &received.body, limit)
        })
        .await
    }

    /// Runs one call to its end: attempts one at a time, each decoded with `decode` (the
    /// method, the answer, the memory limit for JSON trees).
    pub(crate) async fn run<A: Answer>(
        &self,
        exchange: Outgoing<'_>,
        decode: impl Fn(&str, &Received, usize) -> Result<A, Error>,
    ) -> Result<A, Error> {
        let method = exchange.method;
        let span = tracing::debug_span!(
            "b24.call",
            method,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            waited_ms = tracing::field::Empty,
            operating = tracing::field::Empty,
        );
        async {
            let deadline = Instant::now() + self.inner.deadline;
            let mut attempts = Attempts::new(self.inner.retry, exchange.safe, deadline);
            let mut waited = Duration::ZERO;
            let mut previous: Option<Error> = None;
            loop {
                tracing::Span::current().record("attempts", attempts.made());
                let (started, waited_before) = (Instant::now(), waited);
                let outcome = self
                    .attempt(&exchange, &decode, deadline, &mut waited)
                    .await;
                let paced = waited.saturating_sub(waited_before);
                self.observe(
                    method,
                    exchange.commands,
                    started.elapsed().saturating_sub(paced),
                    &outcome,
                );
                let error = match outcome {
                    Ok(answer) => {
                        tracing::Span::current().record("waited_ms", waited.as_millis() as u64);
                        return Ok(answer);
                    }
                    // Out of time while waiting to send: nothing left in this attempt.
                    Err(Error::Deadline { last: None, .. }) => {
                        return Err(self.out_of_time(method, previous));
                    }
                    Err(error) => error,
                };
                let class = retry::classify(&error);
                let blocked_for = self.feedback(method, class).await;
                match attempts.after(class, blocked_for, Instant::now()) {
                    Decision::Retry(delay) => {
                        tracing::debug!(
                            attempt = attempts.made() - 1,
                            delay_ms = delay.as_millis() as u64,
                            error = %error,
                            "retrying"
                        );
                        waited += delay;
                        tokio::time::sleep(delay).await;
                    }
                    Decision::Refresh => {
                        if !self.refresh(method).await? {
                            return Err(error);
                        }
                        tracing::debug!("access token refreshed; repeating the call once");
                    }
                    Decision::Fail => return Err(error),
                    Decision::Unknown => {
                        let reason = if Instant::now() >= deadline {
                            self.out_of_time(method, Some(error))
                        } else {
                            error
                        };
                        return Err(Error::UnknownOutcome {
                            method: method.to_owned(),
                            reason: Cause::new(reason),
                        });
                    }
                    Decision::OutOfTime => return Err(self.out_of_time(method, Some(error))),
                }
                previous = Some(error);
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt: the exchange and the decoding of its answer. The secrets it sent are
    /// scrubbed from its error.
    async fn attempt<A: Answer>(
        &self,
        exchange: &Outgoing<'_>,
        decode: &impl Fn(&str, &Received, usize) -> Result<A, Error>,
        deadline: Instant,
        waited: &mut Duration,
    ) -> Result<A, Error> {
        let method = exchange.method;
        let Presented {
            url,
            authorization,
            secret,
        } = self.inner.credentials.present(exchange.api, method)?;
        let decoded = async {
            let received = self
                .exchange(exchange, (url, authorization), deadline, waited)
                .await?;
            tracing::Span::current().record("status", received.status);
            let limit = self.inner.http.max_response();
            decode(method, &received, limit)
        }
        .await;
        let answer =
            decoded.map_err(|error| error.scrubbed(&Secrets::new([secret.expose_secret()])))?;
        self.inner.in_flight.succeeded();
        if let Some(time) = answer.time() {
            // A method that used no operating time has nothing to share: its account, if any,
            // lifts at its reset anyway.
            if time.operating.is_some_and(|seconds| seconds > 0.0) {
                let account = self.inner.budget_keys.account(method);
                self.inner
                    .budget
                    .operating_record(
                        &account,
                        OperatingReport {
                            limit: self.inner.operating_limit,
                            operating: time.operating,
                            reset_at: time.operating_reset_at,
                        },
                    )
                    .await;
            }
            if let Some(operating) = time.operating {
                tracing::Span::current().record("operating", operating);
            }
        }
        Ok(answer)
    }

    /// Tells the observer, if any, about a request that was sent: not about an attempt whose
    /// deadline passed while it waited to be sent.
    fn observe<A>(
        &self,
        method: &str,
        commands: Option<usize>,
        elapsed: Duration,
        outcome: &Result<A, Error>,
    ) {
        let Some(observer) = &self.inner.observer else {
            return;
        };
        let outcome = match outcome {
            Err(Error::Deadline { last: None, .. }) => return,
            Err(error) => Err(error),
            Ok(_) => Ok(()),
        };
        observer.tell(&super::Exchange {
            method,
            commands,
            elapsed,
            outcome,
        });
    }

    /// Tells the pacing what a failure revealed; returns how long the method stays blocked by
    /// its operating-time limit.
    async fn feedback(&self, method: &str, class: Class) -> Duration {
        match class {
            Class::Intensity => {
                if let Some(limit) = self.inner.rate_limit {
                    let bucket = self.inner.budget_keys.bucket().await;
                    self.inner.budget.fill(&bucket, limit).await;
                }
                self.inner.in_flight.refused();
                Duration::ZERO
            }
            Class::OperatingTime => {
                let account = self.inner.budget_keys.account(method);
                self.inner.budget.operating_block(&account).await
            }
            _ => Duration::ZERO,
        }
    }

    /// Asks the token source for a new access token; `false` when it cannot renew (or the
    /// client uses a webhook). A failure is [`Error::TokenRefresh`], naming `method`.
    async fn refresh(&self, method: &str) -> Result<bool, Error> {
        let Credentials::OAuth(oauth) = &self.inner.credentials else {
            return Ok(false);
        };
        oauth
            .tokens
            .refresh()
            .await
            .map_err(|error| Error::TokenRefresh {
                method: method.to_owned(),
                source: Cause::new(error.scrubbed(&self.secrets())),
            })
    }

    /// The error of a call whose deadline passed; `last` is the failure of its last attempt.
    fn out_of_time(&self, method: &str, last: Option<Error>) -> Error {
        Error::Deadline {
            method: method.to_owned(),
            limit: self.inner.deadline,
            last: last.map(Cause::new),
        }
    }

    /// Waits `delay` for a budget, or fails at once when that would pass the deadline.
    async fn wait(
        &self,
        method: &str,
        delay: Duration,
        deadline: Instant,
        waited: &mut Duration,
    ) -> Result<(), Error> {
        if delay.is_zero() {
            return Ok(());
        }
        if Instant::now() + delay >= deadline {
            return Err(self.out_of_time(method, None));
        }
        *waited += delay;
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// Waits for the portal's budgets, then POSTs the call's body and headers to `to` (the
    /// method's address and the `Authorization` header, if any).
    async fn exchange(
        &self,
        call: &Outgoing<'_>,
        to: (Url, Option<HeaderValue>),
        deadline: Instant,
        waited: &mut Duration,
    ) -> Result<Received, Error> {
        let method = call.method;
        let account = self.inner.budget_keys.account(method);
        let blocked = self
            .inner
            .budget
            .operating_wait(&account, self.inner.operating_limit)
            .await;
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
        self.wait(method, blocked, deadline, waited).await?;
        let _permit = tokio::time::timeout_at(deadline.into(), self.inner.in_flight.acquire())
            .await
            .map_err(|_| self.out_of_time(method, None))?;
        if let Some(limit) = self.inner.rate_limit {
            let bucket = self.inner.budget_keys.bucket().await;
            let delay = self.inner.budget.book(&bucket, limit).await;
            self.wait(method, delay, deadline, waited).await?;
        }
        let (url, authorization) = to;
        self.inner
            .http
            .send(url, Some(deadline), |url| {
                let request = self
                    .inner
                    .http
                    .request(reqwest::Method::POST, url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .header(reqwest::header::ACCEPT, "application/json")
                    .body(call.body.to_vec());
                let request = call.headers.iter().fold(request, |request, (name, value)| {
                    request.header(name.clone(), value.clone())
                });
                match &authorization {
                    Some(value) => request.header(reqwest::header::AUTHORIZATION, value.clone()),
                    None => request,
                }
            })
            .await
            .map_err(|failure| Error::exchange(method, failure))
    }
}
