//! Where a redirect leads, and whether the client follows it. Every request carries
//! credentials (a webhook code in the path, a token in a header, a password in a body), so
//! only moves within the same origin (scheme, host and port) are followed; a move to another
//! origin is reported to the caller, who decides whether to trust the new address.

use url::Url;

use super::require_secure;

/// Redirects followed in a row before giving up.
pub(crate) const MAX_REDIRECTS: usize = 3;

/// What is wrong with a redirect the portal answered with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedirectProblem {
    /// More redirects in a row than the client follows.
    #[error("more than {limit} redirects")]
    TooMany {
        /// How many the client follows.
        limit: usize,
    },
    /// A redirect status without a `Location` header.
    #[error("a redirect without a Location")]
    MissingLocation,
    /// A `Location` that is not a valid address.
    #[error("the portal redirected to an invalid address")]
    InvalidLocation,
    /// A move to plain http on a host that is not a loopback address.
    #[error("the portal redirected to plain http; use https")]
    Insecure,
}

/// Where a redirect leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Move {
    /// Within the same origin: the client repeats the request there.
    Follow(Url),
    /// To another origin: the request is not repeated there.
    Away(Url),
}

/// Whether `status` moves the request elsewhere.
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Where a redirect from `current` leads, given its `Location` header.
pub(crate) fn target(current: &Url, location: Option<&str>) -> Result<Move, RedirectProblem> {
    let location = location.ok_or(RedirectProblem::MissingLocation)?;
    let target = current
        .join(location)
        .map_err(|_| RedirectProblem::InvalidLocation)?;
    require_secure(&target).map_err(|_| RedirectProblem::Insecure)?;
    Ok(if target.origin() == current.origin() {
        Move::Follow(target)
    } else {
        Move::Away(target)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Url {
        Url::parse("https://old.example.com/rest/1/code/profile").unwrap()
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn moves_within_the_origin_are_followed() {
        assert_eq!(
            target(&current(), Some("/rest/1/code/profile?moved=1")).unwrap(),
            Move::Follow(url("https://old.example.com/rest/1/code/profile?moved=1"))
        );
        assert_eq!(
            target(&current(), Some("https://old.example.com:443/rest/profile")).unwrap(),
            Move::Follow(url("https://old.example.com/rest/profile"))
        );
    }

    #[test]
    fn moves_to_another_host_port_or_scheme_are_not() {
        for away in [
            "https://new.example.com/rest/1/code/profile",
            "https://old.example.com:8443/rest/1/code/profile",
            "http://127.0.0.1/rest/1/code/profile",
        ] {
            assert_eq!(
                target(&current(), Some(away)).unwrap(),
                Move::Away(url(away)),
                "{away}"
            );
        }
    }

    #[test]
    fn broken_or_insecure_redirects_are_refused() {
        assert_eq!(
            target(&current(), None),
            Err(RedirectProblem::MissingLocation)
        );
        assert_eq!(
            target(&current(), Some("http://[::1")),
            Err(RedirectProblem::InvalidLocation)
        );
        assert_eq!(
            target(&current(), Some("http://new.example.com/rest/")),
            Err(RedirectProblem::Insecure)
        );
        assert!(is_redirect(307) && is_redirect(301) && !is_redirect(304) && !is_redirect(300));
    }
}
