//! The statements of the SQL backends. SQLite and PostgreSQL read the same text: parameters
//! are written `$1`, `$2`, … in the order they first appear (SQLite numbers named parameters
//! that way), and the only difference, the database's clock, is put in at construction.

/// The statements, with the clock expression of one database.
pub(crate) struct Statements {
    pub load: String,
    pub save: String,
    pub swap: String,
    pub set_status: String,
    pub delete: String,
    pub lease: String,
    pub release: String,
    pub remember: String,
    pub forget_lapsed: String,
}

const COLUMNS: &str = "member_id, domain, client_endpoint, user_id, scopes, access_token, \
                       refresh_token, expires_at, application_token, status";

impl Statements {
    /// The statements for a database whose current Unix time (seconds, fractional) is `now`.
    pub fn new(now: &str) -> Statements {
        Statements {
            load: format!("SELECT {COLUMNS} FROM b24_accounts WHERE member_id = $1"),
            save: format!(
                "INSERT INTO b24_accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (member_id) DO UPDATE SET domain = excluded.domain, \
                 client_endpoint = excluded.client_endpoint, user_id = excluded.user_id, \
                 scopes = excluded.scopes, access_token = excluded.access_token, \
                 refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, \
                 application_token = excluded.application_token, status = excluded.status"
            ),
            swap:
                "UPDATE b24_accounts SET access_token = $1, refresh_token = $2, expires_at = $3, \
                   status = 'active' WHERE member_id = $4 AND refresh_token = $5"
                    .to_owned(),
            set_status: "UPDATE b24_accounts SET status = $1 WHERE member_id = $2".to_owned(),
            delete: "DELETE FROM b24_accounts WHERE member_id = $1".to_owned(),
            lease: format!(
                "INSERT INTO b24_leases (member_id, holder, until) VALUES ($1, $2, {now} + $3) \
                 ON CONFLICT (member_id) DO UPDATE SET holder = excluded.holder, \
                 until = excluded.until \
                 WHERE b24_leases.until < {now} OR b24_leases.holder = excluded.holder"
            ),
            release: "DELETE FROM b24_leases WHERE member_id = $1 AND holder = $2".to_owned(),
            remember: format!(
                "INSERT INTO b24_deliveries (key, until) VALUES ($1, {now} + $2) \
                 ON CONFLICT (key) DO UPDATE SET until = excluded.until \
                 WHERE b24_deliveries.until < {now}"
            ),
            forget_lapsed: format!("DELETE FROM b24_deliveries WHERE until < {now}"),
        }
    }
}

/// How often (one call in N) `remember` also deletes lapsed delivery keys.
pub(crate) const FORGET_EVERY: u64 = 256;
