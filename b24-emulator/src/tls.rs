//! HTTPS: a throw-away certificate authority and a server certificate for `127.0.0.1` and
//! `localhost`, generated at start (rcgen), served with rustls and the `ring` provider.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The generated material.
#[derive(Debug)]
pub struct TlsMaterial {
    /// PEM of the CA certificate (what clients must trust).
    pub ca_pem: String,
    /// The rustls server configuration (leaf + CA chain).
    pub server_config: Arc<rustls::ServerConfig>,
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Generates a CA and a server certificate for `127.0.0.1`, `::1` and `localhost`.
pub fn generate() -> Result<TlsMaterial, std::io::Error> {
    let ca_key = KeyPair::generate().map_err(io_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io_err)?;
    let mut ca_dn = DistinguishedName::new();
    ca_dn.push(DnType::CommonName, "b24-emulator local CA");
    ca_dn.push(DnType::OrganizationName, "b24-emulator");
    ca_params.distinguished_name = ca_dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(io_err)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(io_err)?;
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).map_err(io_err)?;
    leaf.subject_alt_names
        .push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
    leaf.subject_alt_names
        .push(SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()));
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    leaf.distinguished_name = dn;
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(io_err)?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_err)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(io_err)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn generates() {
        let m = super::generate().unwrap_or_else(|e| panic!("{e}"));
        assert!(m.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
