use b24_core::b24_method;

#[b24_method("crm.lead.add", scope = "crm", response = ())]
union AddLead {
    id: u32,
    score: f32,
}

fn main() {}
