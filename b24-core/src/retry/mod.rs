//! Retrying: which failures may heal ([`classify`]), what to do after each failed attempt
//! ([`Attempts`]), and how many requests to keep in flight ([`Concurrency`]).
//!
//! Everything here is a pure function or a small state machine driven by what the client
//! observed, so it is tested without a server; the client does the waiting, the pacing
//! feedback and the token refresh.

mod attempts;
mod concurrency;

pub(crate) use attempts::{Attempts, Decision};
pub(crate) use concurrency::Concurrency;
#[cfg(test)]
pub(crate) use concurrency::Window;

use crate::error::{ApiError, Error, ErrorCode, RawCode};
use crate::transport::TransportKind;

/// What a failure says about repeating the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// The portal refused the request for its intensity (`QUERY_LIMIT_EXCEEDED`) before
    /// running it.
    Intensity,
    /// The method used up its operating time (`OPERATION_TIME_LIMIT`); it did not run.
    OperatingTime,
    /// The OAuth access token expired; the call did not run.
    ExpiredToken,
    /// The request never reached the portal (the connection did not open).
    NotSent,
    /// The portal failed, or its answer was lost, after the request left: the call may have
    /// run, and repeating it may succeed.
    ServerFailure,
    /// An answer arrived but cannot be used (larger than the limit, not of the expected
    /// shape): the call ran or may have, and repeating it would bring the same answer.
    Unreadable,
    /// Repeating cannot help: a refusal on the merits, a configuration error, a certificate
    /// the client does not trust.
    Permanent,
}

impl Class {
    /// Whether repeating the request later may succeed. An expired token is not counted: it
    /// needs a refresh first.
    pub(crate) fn may_heal(self) -> bool {
        matches!(
            self,
            Class::Intensity | Class::OperatingTime | Class::NotSent | Class::ServerFailure
        )
    }

    /// Whether the portal refused before running the call, so that repeating it is harmless.
    pub(crate) fn is_refusal(self) -> bool {
        matches!(self, Class::Intensity | Class::OperatingTime)
    }

    /// Whether the call may have run although it failed.
    pub(crate) fn may_have_run(self) -> bool {
        matches!(self, Class::ServerFailure | Class::Unreadable)
    }
}

/// Classifies the failure of one attempt.
pub(crate) fn classify(error: &Error) -> Class {
    match error {
        Error::Api(api) => classify_api(api),
        Error::V3(api) => api.class(),
        Error::Transport { source, .. } => match source.kind() {
            // Certificates and TLS settings do not change between attempts.
            TransportKind::Tls | TransportKind::Request => Class::Permanent,
            _ if !source.request_sent() => Class::NotSent,
            _ => Class::ServerFailure,
        },
        // The body was cut or garbled: the call ran, its answer is lost.
        Error::MalformedAnswer { .. } => Class::ServerFailure,
        Error::ResponseTooLarge { .. } | Error::Decode { .. } => Class::Unreadable,
        _ => Class::Permanent,
    }
}

/// Classifies an error answer by its code; the status only counts when there is no code.
pub(crate) fn classify_api(api: &ApiError) -> Class {
    match &api.code {
        ErrorCode::QueryLimitExceeded => Class::Intensity,
        ErrorCode::OperationTimeLimit => Class::OperatingTime,
        ErrorCode::ExpiredToken => Class::ExpiredToken,
        ErrorCode::InternalServerError | ErrorCode::ErrorUnexpectedAnswer => Class::ServerFailure,
        ErrorCode::Other(RawCode::Absent) if api.status >= 500 => Class::ServerFailure,
        _ => Class::Permanent,
    }
}

/// Whether an error answer says the call was refused before it ran: limits, credentials,
/// scopes, an unknown method, a command a batch does not take.
pub(crate) fn refused_before_running(api: &ApiError) -> bool {
    classify_api(api).is_refusal()
        || matches!(
            api.code,
            ErrorCode::ExpiredToken
                | ErrorCode::NoAuthFound
                | ErrorCode::InvalidToken
                | ErrorCode::InvalidCredentials
                | ErrorCode::InvalidRequest
                | ErrorCode::InsufficientScope
                | ErrorCode::WrongAuthType
                | ErrorCode::MethodConfirmWaiting
                | ErrorCode::MethodConfirmDenied
                | ErrorCode::OverloadLimit
                | ErrorCode::PortalDeleted
                | ErrorCode::AuthorizationError
                | ErrorCode::UserAccessError
                | ErrorCode::ApplicationNotFound
                | ErrorCode::ErrorMethodNotFound
                | ErrorCode::ErrorBatchMethodNotAllowed
                | ErrorCode::ErrorBatchLengthExceeded
        )
}

/// Whether a call that failed with `error` may have run: only when the server said it did
/// not, or nothing was sent, is the answer no.
pub(crate) fn may_have_run(error: &Error) -> bool {
    match error {
        Error::Api(api) => !refused_before_running(api),
        Error::V3(api) => !api.refused_before_running(),
        Error::UnknownOutcome { .. } => true,
        Error::Deadline { last, .. } => {
            last.as_ref().is_some_and(|last| may_have_run(last.error()))
        }
        other => classify(other).may_have_run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: ErrorCode, status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            method: String::from("crm.deal.add"),
            code,
            status,
            description: String::new(),
            raw_body: None,
        }))
    }

    #[test]
    fn answers_are_classified_by_code_then_by_status() {
        let cases = [
            (ErrorCode::QueryLimitExceeded, 503, Class::Intensity),
            (ErrorCode::OperationTimeLimit, 429, Class::OperatingTime),
            (ErrorCode::ExpiredToken, 401, Class::ExpiredToken),
            (ErrorCode::InternalServerError, 500, Class::ServerFailure),
            (ErrorCode::Other(RawCode::Absent), 502, Class::ServerFailure),
            // A code decides, whatever the status.
            (ErrorCode::AccessDenied, 503, Class::Permanent),
            (ErrorCode::Other(RawCode::Absent), 404, Class::Permanent),
        ];
        for (code, status, class) in cases {
            let error = api(code.clone(), status);
            assert_eq!(classify(&error), class, "{code} with HTTP {status}");
        }
    }

    #[test]
    fn only_refusals_before_running_are_refusals() {
        assert!(Class::Intensity.is_refusal() && Class::OperatingTime.is_refusal());
        assert!(!Class::ServerFailure.is_refusal() && !Class::NotSent.is_refusal());
        assert!(Class::Intensity.may_heal() && Class::NotSent.may_heal());
        assert!(!Class::ExpiredToken.may_heal() && !Class::Permanent.may_heal());
    }

    #[test]
    fn lost_answers_may_heal_but_bad_shapes_do_not() {
        let malformed = Error::MalformedAnswer {
            method: String::from("profile"),
            message: String::from("EOF while parsing"),
            body: String::new(),
        };
        assert_eq!(classify(&malformed), Class::ServerFailure);
        let decode = Error::Decode {
            method: String::from("profile"),
            path: String::from("result.ID"),
            message: String::from("invalid type"),
            body: String::new(),
        };
        assert_eq!(classify(&decode), Class::Unreadable);
        assert!(malformed.is_retryable() && !decode.is_retryable());
        assert_eq!(
            classify(&Error::Config(String::from("no credentials"))),
            Class::Permanent
        );
    }

    #[test]
    fn only_the_servers_word_or_an_unsent_request_means_it_did_not_run() {
        // Refused before running: limits, credentials, batch rules.
        for code in [
            ErrorCode::QueryLimitExceeded,
            ErrorCode::InvalidCredentials,
            ErrorCode::NoAuthFound,
            ErrorCode::ErrorBatchLengthExceeded,
        ] {
            assert!(!may_have_run(&api(code.clone(), 401)), "{code}");
        }
        // A failure without a code, or an answer the client could not use: it may have run.
        for error in [
            api(ErrorCode::Other(RawCode::Absent), 502),
            api(ErrorCode::InternalServerError, 500),
            Error::ResponseTooLarge {
                method: String::from("batch"),
                limit: 10,
            },
            Error::MalformedAnswer {
                method: String::from("batch"),
                message: String::new(),
                body: String::new(),
            },
        ] {
            assert!(may_have_run(&error), "{error}");
        }
        // Nothing sent, or the deadline passed before an attempt left.
        let deadline = |last: Option<Error>| Error::Deadline {
            method: String::from("batch"),
            limit: std::time::Duration::from_secs(1),
            last: last.map(crate::error::Cause::new),
        };
        assert!(!may_have_run(&deadline(None)));
        assert!(may_have_run(&deadline(Some(api(
            ErrorCode::Other(RawCode::Absent),
            504
        )))));
        assert!(!may_have_run(&Error::Config(String::from("x"))));
    }
}
