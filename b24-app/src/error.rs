//! The errors of applications: what the OAuth server, the store or an inbound request did.

use std::time::Duration;

use crate::store::StoreError;

/// Everything that can go wrong in `b24-app`. Messages never contain a token or a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The OAuth server refused the account's refresh token (`invalid_grant`): the account is
    /// marked and needs a new pair — a verified install, update, placement or offline event
    /// that carries one, or the user authorising the application again.
    #[error(
        "the account of portal {member_id} needs re-authorisation: the OAuth server refused its refresh token"
    )]
    NeedsReauthorization {
        /// The portal.
        member_id: String,
    },
    /// No account is stored for the portal.
    #[error("no account for portal {member_id}")]
    UnknownAccount {
        /// The portal.
        member_id: String,
    },
    /// The portal removed the application.
    #[error("the application is uninstalled from portal {member_id}")]
    Uninstalled {
        /// The portal.
        member_id: String,
    },
    /// The OAuth server answered with an error (`invalid_client`, `invalid_grant`, …).
    #[error("the OAuth server answered {status} `{code}`: {description}")]
    OAuth {
        /// HTTP status.
        status: u16,
        /// The OAuth error code.
        code: String,
        /// Its description.
        description: String,
    },
    /// The OAuth server could not be reached or its answer not read.
    #[error("cannot exchange with the OAuth server: {0}")]
    OAuthTransport(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process held the account's refresh lease for longer than the wait allows.
    #[error("the refresh lease of portal {member_id} did not come free within {waited:?}")]
    LeaseTimeout {
        /// The portal.
        member_id: String,
        /// How long this process waited.
        waited: Duration,
    },
    /// The `state` of an authorisation answer is not the one this application sent.
    #[error("the state of the authorisation answer does not match")]
    StateMismatch,
    /// The application was configured in a way that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The administrator denied the method for this token (`METHOD_CONFIRM_DENIED`).
    #[error("the administrator denied `{method}`")]
    MethodConfirmDenied {
        /// The method.
        method: String,
    },
    /// No decision on a method waiting for confirmation arrived in time.
    #[error("no decision on `{method}` within {waited:?}")]
    ConfirmationTimeout {
        /// The method.
        method: String,
        /// How long the call waited.
        waited: Duration,
    },
    /// A call to the portal failed.
    #[error(transparent)]
    Call(#[from] b24_core::Error),
}

impl Error {
    /// The `b24-app` error inside a client error, when a refresh through this crate's token
    /// source failed (`b24_core::Error::TokenRefresh` holding `b24_core::Error::TokenSource`).
    pub fn from_core(error: &b24_core::Error) -> Option<&Error> {
        match error {
            b24_core::Error::TokenSource(inner) => inner.downcast_ref::<Error>(),
            b24_core::Error::TokenRefresh { source, .. } => Error::from_core(source.error()),
            _ => None,
        }
    }
}
