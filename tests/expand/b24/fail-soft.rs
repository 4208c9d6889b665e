// On error: the struct, the error, and a stub impl that keeps the rest of the crate quiet.
#[b24_method("crm.lead.add", scope = "crn", response = u64)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}
