//! TLS: rustls verifying with the platform's roots (plus extra roots given to a builder), and
//! the process-wide crypto provider.
//!
//! b24 enables reqwest's `rustls-no-provider` feature, which cargo's feature unification also
//! turns on in the program's own reqwest. A reqwest without a TLS backend of its own then
//! looks for rustls' process-wide crypto provider when it builds a client, and panics when
//! there is none. So b24 installs *ring* as that provider whenever it builds a client and the
//! program has not installed one; it never replaces a provider the program chose.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Installs *ring* as rustls' process-wide crypto provider, unless the program installed one
/// already; returns the provider in place.
///
/// b24 calls this itself whenever it builds a client. Call it at the start of `main` when the
/// program builds its own `reqwest::Client` before the first b24 client and its reqwest has no
/// TLS backend of its own (`default-features = false` without `rustls` or `native-tls`):
/// b24's choice of rustls reaches that reqwest through cargo's feature unification.
///
/// To use another provider, install it before building any client; b24 then uses it too.
pub fn install_crypto_provider() -> Arc<CryptoProvider> {
    if let Some(provider) = CryptoProvider::get_default() {
        return provider.clone();
    }
    // Losing a race with another thread installing its own is fine: theirs is used.
    let _ = rustls::crypto::ring::default_provider().install_default();
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

/// A client configuration on the process-wide provider (see [`install_crypto_provider`]),
/// verifying with the platform's roots plus `extra_roots_pem`.
pub(super) fn client_config(extra_roots_pem: &[Vec<u8>]) -> Result<rustls::ClientConfig, String> {
    let tls_error = |error: rustls::Error| format!("TLS: {error}");
    let mut roots = Vec::new();
    for pem in extra_roots_pem {
        for certificate in CertificateDer::pem_slice_iter(pem) {
            roots.push(certificate.map_err(|_| String::from("invalid PEM root certificate"))?);
        }
    }
    let provider = install_crypto_provider();
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(tls_error)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_root_certificates_are_a_configuration_error() {
        let pem = b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
        let error = client_config(&[pem.to_vec()]).unwrap_err();
        assert_eq!(error, "invalid PEM root certificate");
    }

    #[test]
    fn a_provider_is_in_place_after_building_a_configuration() {
        client_config(&[]).unwrap();
        assert!(CryptoProvider::get_default().is_some());
    }
}
