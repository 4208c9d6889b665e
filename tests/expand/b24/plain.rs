// The plainest method: a name, a scope and a response type.
#[b24_method("crm.lead.add", scope = "crm", response = u64)]
#[derive(Serialize)]
struct AddLead {
    fields: LeadFields,
}
