//! The rule for portal addresses: https, or plain http to a loopback address only — webhook
//! codes, tokens and passwords must not travel in clear over a network.

use std::fmt;
use std::net::IpAddr;

use url::Url;

/// Why an address may not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum InsecureUrl {
    /// Plain http to a host that is not a loopback address.
    PlainHttp,
    /// A scheme other than http and https.
    Scheme(String),
}

impl fmt::Display for InsecureUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsecureUrl::PlainHttp => f.write_str(
                "plain http is allowed only for loopback portals (credentials would travel in clear); use https",
            ),
            InsecureUrl::Scheme(scheme) => write!(f, "unsupported scheme `{scheme}`; use https"),
        }
    }
}

/// HTTPS is required for every portal but a loopback one.
pub(crate) fn require_secure(url: &Url) -> Result<(), InsecureUrl> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(InsecureUrl::PlainHttp),
        other => Err(InsecureUrl::Scheme(other.to_owned())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A portal's root address with a trailing `/`, from what a user typed: `https://` is assumed
/// when no scheme is given; credentials and a query are refused (the message never repeats
/// the address, which may hold a secret); the fragment is dropped.
pub(crate) fn portal_root(portal: &str) -> Result<Url, String> {
    let portal = portal.trim();
    let with_scheme = if portal.contains("://") {
        portal.to_owned()
    } else {
        format!("https://{portal}")
    };
    let mut url =
        Url::parse(&with_scheme).map_err(|error| format!("invalid portal address: {error}"))?;
    if !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(String::from(
            "the portal address must not carry credentials or a query",
        ));
    }
    require_secure(&url).map_err(|insecure| insecure.to_string())?;
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_off_loopback() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert_eq!(require_secure(&url("https://portal.example.com")), Ok(()));
        for loopback in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:1",
        ] {
            assert_eq!(require_secure(&url(loopback)), Ok(()), "{loopback}");
        }
        assert_eq!(
            require_secure(&url("http://10.0.0.1")),
            Err(InsecureUrl::PlainHttp)
        );
        assert_eq!(
            require_secure(&url("ftp://portal.example.com")),
            Err(InsecureUrl::Scheme(String::from("ftp")))
        );
    }

    #[test]
    fn portal_roots_end_with_a_slash() {
        assert_eq!(
            portal_root("https://example.com/office").unwrap().as_str(),
            "https://example.com/office/"
        );
        assert_eq!(
            portal_root(" portal.example.com ").unwrap().as_str(),
            "https://portal.example.com/"
        );
        assert_eq!(
            portal_root("http://localhost:8080/#top").unwrap().as_str(),
            "http://localhost:8080/"
        );
    }

    #[test]
    fn portal_roots_refuse_secrets_and_clear_text() {
        let error = portal_root("https://admin:s3cr3t@portal.example.com").unwrap_err();
        assert!(!error.contains("s3cr3t"), "{error}");
        assert!(portal_root("https://portal.example.com/?auth=x").is_err());
        assert!(
            portal_root("http://portal.example.com")
                .unwrap_err()
                .contains("https")
        );
        assert!(portal_root("not a url at all").is_err());
    }
}
