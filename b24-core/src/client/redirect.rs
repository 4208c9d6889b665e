//! Where a moved portal's redirect leads: the client repeats the same POST there.

use url::Url;

use crate::error::RedirectProblem;
use crate::transport::require_secure;

/// Redirects followed in a row before giving up.
pub(super) const MAX_REDIRECTS: usize = 3;

/// The address a redirect from `current` leads to, given its `Location` header.
pub(super) fn target(current: &str, location: Option<&str>) -> Result<String, RedirectProblem> {
    let location = location.ok_or(RedirectProblem::MissingLocation)?;
    let target = Url::parse(current)
        .and_then(|base| base.join(location))
        .map_err(|_| RedirectProblem::InvalidLocation)?;
    require_secure(&target).map_err(|_| RedirectProblem::Insecure)?;
    Ok(target.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = "https://old.example.com/rest/1/code/profile";

    #[test]
    fn relative_and_absolute_locations_resolve_against_the_current_address() {
        assert_eq!(
            target(CURRENT, Some("/rest/1/code/profile?moved=1")).unwrap(),
            "https://old.example.com/rest/1/code/profile?moved=1"
        );
        assert_eq!(
            target(CURRENT, Some("https://new.example.com/rest/1/code/profile")).unwrap(),
            "https://new.example.com/rest/1/code/profile"
        );
    }

    #[test]
    fn broken_or_insecure_redirects_are_refused() {
        assert_eq!(target(CURRENT, None), Err(RedirectProblem::MissingLocation));
        assert_eq!(
            target(CURRENT, Some("http://[::1")),
            Err(RedirectProblem::InvalidLocation)
        );
        assert_eq!(
            target(CURRENT, Some("http://new.example.com/rest/")),
            Err(RedirectProblem::Insecure)
        );
    }
}
