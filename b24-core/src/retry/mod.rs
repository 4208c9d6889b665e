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
    /// run.
    ServerFailure,
    /// Repeating cannot help: a refusal on the merits, a decoding problem, a configuration
    /// error.
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
}

/// Classifies the failure of one attempt.
pub(crate) fn classify(error: &Error) -> Class {
    match error {
        Error::Api(api) => classify_api(api),
        // The connection never opened: the request did not reach the portal.
        Error::Transport { source, .. } if source.is_connect() => Class::NotSent,
        Error::Transport { .. } => Class::ServerFailure,
        // The body was cut or garbled: the call ran, its answer is lost.
        Error::MalformedAnswer { .. } => Class::ServerFailure,
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
        assert_eq!(classify(&decode), Class::Permanent);
        assert!(malformed.is_retryable() && !decode.is_retryable());
        assert_eq!(
            classify(&Error::Config(String::from("no credentials"))),
            Class::Permanent
        );
    }
}
