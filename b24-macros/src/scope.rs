/// Known scope codes and the `b24_core::Scope` variant each one maps to.
///
/// Kept in step with `b24_core::Scope::KNOWN`; the `scope_table` integration test compares them.
pub(crate) const SCOPES: &[(&str, &str)] = &[
    ("ai_admin", "AiAdmin"),
    ("basic", "Basic"),
    ("biconnector", "Biconnector"),
    ("bizproc", "Bizproc"),
    ("booking", "Booking"),
    ("calendar", "Calendar"),
    ("call", "Call"),
    ("cashbox", "Cashbox"),
    ("catalog", "Catalog"),
    ("configuration.import", "ConfigurationImport"),
    ("contact_center", "ContactCenter"),
    ("crm", "Crm"),
    ("crm.documentgenerator", "CrmDocumentgenerator"),
    ("delivery", "Delivery"),
    ("department", "Department"),
    ("disk", "Disk"),
    ("documentgenerator", "Documentgenerator"),
    ("entity", "Entity"),
    ("forum", "Forum"),
    ("humanresources", "Humanresources"),
    ("humanresources.hcmlink", "HumanresourcesHcmlink"),
    ("iblock", "Iblock"),
    ("im", "Im"),
    ("imbot", "Imbot"),
    ("imconnector", "Imconnector"),
    ("imopenlines", "Imopenlines"),
    ("intranet", "Intranet"),
    ("landing", "Landing"),
    ("landing_cloud", "LandingCloud"),
    ("lists", "Lists"),
    ("log", "Log"),
    ("mail", "Mail"),
    ("mailservice", "Mailservice"),
    ("main", "Main"),
    ("messageservice", "Messageservice"),
    ("mobile", "Mobile"),
    ("note", "Note"),
    ("pay_system", "PaySystem"),
    ("placement", "Placement"),
    ("pull", "Pull"),
    ("pull_channel", "PullChannel"),
    ("rating", "Rating"),
    ("rpa", "Rpa"),
    ("sale", "Sale"),
    ("salescenter", "Salescenter"),
    ("sign.b2e", "SignB2e"),
    ("smile", "Smile"),
    ("socialnetwork", "Socialnetwork"),
    ("sonet_group", "SonetGroup"),
    ("task", "Task"),
    ("tasks", "Tasks"),
    ("tasks_extended", "TasksExtended"),
    ("tasksmobile", "Tasksmobile"),
    ("telephony", "Telephony"),
    ("timeman", "Timeman"),
    ("user", "User"),
    ("user.userfield", "UserUserfield"),
    ("user_basic", "UserBasic"),
    ("user_brief", "UserBrief"),
    ("userconsent", "Userconsent"),
    ("userfieldconfig", "Userfieldconfig"),
    ("vote", "Vote"),
];

/// The variant name for a known scope code.
pub(crate) fn variant(code: &str) -> Option<&'static str> {
    SCOPES
        .iter()
        .find(|(wire, _)| *wire == code)
        .map(|(_, variant)| *variant)
}

/// The closest known scope code, if one is close enough to be a likely typo.
pub(crate) fn suggestion(code: &str) -> Option<&'static str> {
    let lowered = code.to_ascii_lowercase();
    SCOPES
        .iter()
        .map(|(wire, _)| (edit_distance(&lowered, wire), *wire))
        .filter(|(distance, wire)| *distance <= 2.max(wire.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, wire)| wire)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_codes_only() {
        assert_eq!(suggestion("crn"), Some("crm"));
        assert_eq!(suggestion("telefony"), Some("telephony"));
        assert_eq!(suggestion("USER_BASIC"), Some("user_basic"));
        assert_eq!(suggestion("zzzzzzzz"), None);
    }

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(SCOPES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }
}
