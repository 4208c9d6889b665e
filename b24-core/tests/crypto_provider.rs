//! rustls' process-wide crypto provider, in a process of its own: b24 installs one when it
//! builds a client and the program has none, so the program's reqwest (which gets b24's
//! rustls through cargo's feature unification) can build clients too; afterwards b24 keeps
//! using the provider in place and never replaces it.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

#[test]
fn building_a_client_puts_a_provider_in_place_for_the_whole_program() {
    assert!(
        CryptoProvider::get_default().is_none(),
        "this test binary starts without a provider"
    );

    b24_core::Client::webhook("https://example.bitrix24.com/rest/1/abc123/").unwrap();
    let installed = Arc::clone(CryptoProvider::get_default().expect("b24 installed a provider"));

    // The program's own client no longer panics for want of a provider.
    reqwest::Client::new();
    reqwest::Client::builder().build().unwrap();

    // Later clients, of either API, keep the provider in place.
    b24_core::r7::Client::new("https://portal.example.com", "admin", "secret").unwrap();
    b24_core::Client::webhook("https://example.bitrix24.com/rest/1/abc123/").unwrap();
    assert!(Arc::ptr_eq(
        &installed,
        CryptoProvider::get_default().unwrap()
    ));
    assert!(Arc::ptr_eq(
        &installed,
        &b24_core::install_crypto_provider()
    ));
}
