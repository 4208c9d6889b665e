//! The names of a client's budgets in a store: the request bucket by (portal, egress) and the
//! operating-time accounts by (portal, credential, method), as the portal keeps them
//! (PROTOCOL §6).

use std::net::{IpAddr, SocketAddr};

use tokio::sync::OnceCell;
use url::Url;

/// A client's budget keys.
#[derive(Debug)]
pub(crate) struct BudgetKeys {
    portal: String,
    credential: String,
    egress: OnceCell<String>,
}

impl BudgetKeys {
    /// The keys of a client of the portal at `rest_base` with `credential`; `egress` names the
    /// way out when the user gave one (or the client binds a local address).
    pub(crate) fn new(rest_base: &Url, credential: String, egress: Option<String>) -> Self {
        let portal = match (rest_base.host_str(), rest_base.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => rest_base.to_string(),
        };
        let cell = OnceCell::new();
        if let Some(egress) = egress {
            let _ = cell.set(egress);
        }
        BudgetKeys {
            portal,
            credential,
            egress: cell,
        }
    }

    /// The request bucket's key: the portal and this host's way out to it.
    pub(crate) async fn bucket(&self) -> String {
        let egress = self
            .egress
            .get_or_init(|| outbound_address(self.portal.clone()))
            .await;
        format!("{}|{egress}", self.portal)
    }

    /// The operating-time account of `method`.
    pub(crate) fn account(&self, method: &str) -> String {
        format!(
            "{}|{}|{}",
            self.portal,
            self.credential,
            method.to_ascii_lowercase()
        )
    }
}

/// The local address this host reaches `portal` (`host[:port]`) from, found by connecting a
/// UDP socket (nothing is sent); `default` when it cannot be found.
async fn outbound_address(portal: String) -> String {
    let target = if portal.contains(':') && !portal.starts_with('[') {
        portal
    } else {
        format!("{portal}:443")
    };
    let found = async {
        let remote: SocketAddr = tokio::net::lookup_host(target).await.ok()?.next()?;
        let unspecified: IpAddr = if remote.is_ipv4() {
            IpAddr::from([0, 0, 0, 0])
        } else {
            IpAddr::from([0u16; 8])
        };
        let socket = tokio::net::UdpSocket::bind((unspecified, 0)).await.ok()?;
        socket.connect(remote).await.ok()?;
        Some(socket.local_addr().ok()?.ip().to_string())
    };
    found.await.unwrap_or_else(|| String::from("default"))
}

/// A label for a credential that never reveals it: the webhook's user and a fingerprint of
/// its code (64-bit FNV-1a: the same in every build, unlike the standard library's hasher).
pub(crate) fn webhook_label(user: &str, code: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in code.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("webhook:{user}:{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keys_name_portal_egress_credential_and_method() {
        let base = Url::parse("http://127.0.0.1:8080/rest/").unwrap();
        let keys = BudgetKeys::new(&base, webhook_label("1", "secret-code"), None);
        assert_eq!(keys.bucket().await, "127.0.0.1:8080|127.0.0.1");
        let account = keys.account("CRM.Deal.List");
        assert!(
            account.starts_with("127.0.0.1:8080|webhook:1:"),
            "{account}"
        );
        assert!(account.ends_with("|crm.deal.list"), "{account}");
        assert!(!account.contains("secret-code"));
        let named = BudgetKeys::new(&base, String::from("oauth"), Some(String::from("dc1")));
        assert_eq!(named.bucket().await, "127.0.0.1:8080|dc1");
    }
}
