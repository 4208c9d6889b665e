use serde_json::{Value, json};

use super::*;

fn wire<F>(filter: Filter<F>) -> Value {
    Value::from(filter)
}

#[test]
fn every_operator_serialises_to_its_documented_prefix() {
    let cases: [(Filter<DealField>, Value); 13] = [
        (
            Filter::new().eq(DealField::TypeId, "COMPLEX"),
            json!({"TYPE_ID": "COMPLEX"}),
        ),
        (
            Filter::new().not_eq(DealField::StageId, "LOSE"),
            json!({"!STAGE_ID": "LOSE"}),
        ),
        (Filter::new().gt(DealField::Id, 100), json!({">ID": 100})),
        (
            Filter::new().gte(DealField::Opportunity, 5000),
            json!({">=OPPORTUNITY": 5000}),
        ),
        (
            Filter::new().lt(DealField::Probability, 50),
            json!({"<PROBABILITY": 50}),
        ),
        (
            Filter::new().lte(DealField::DateCreate, "2024-09-02"),
            json!({"<=DATE_CREATE": "2024-09-02"}),
        ),
        (
            Filter::new().contains(DealField::Title, "Acme"),
            json!({"%TITLE": "Acme"}),
        ),
        (
            Filter::new().not_contains(DealField::Title, "test"),
            json!({"!%TITLE": "test"}),
        ),
        (
            Filter::new().like(DealField::Title, "%a"),
            json!({"=%TITLE": "%a"}),
        ),
        (
            Filter::new().condition(DealField::Title, Operator::LikeAlias, "mol%"),
            json!({"%=TITLE": "mol%"}),
        ),
        (
            Filter::new().not_like(DealField::Title, "%mol%"),
            json!({"!=%TITLE": "%mol%"}),
        ),
        (
            Filter::new().any_of(DealField::StageId, ["NEW", "WON"]),
            json!({"@STAGE_ID": ["NEW", "WON"]}),
        ),
        (
            Filter::new().none_of(DealField::AssignedById, [1, 6]),
            json!({"!@ASSIGNED_BY_ID": [1, 6]}),
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(wire(filter), expected);
    }
}

#[test]
fn every_operator_has_its_own_prefix() {
    let prefixes: std::collections::BTreeSet<_> =
        Operator::ALL.iter().map(|op| op.prefix()).collect();
    assert_eq!(prefixes.len(), Operator::ALL.len());
}

#[test]
fn conditions_combine_in_the_order_given() {
    let filter = Filter::new()
        .gt(DealField::Id, 100)
        .contains(DealField::Title, "Acme")
        .any_of(DealField::StageId, ["NEW", "WON"])
        .gte(DealField::Opportunity, 10_000)
        .lte(DealField::Opportunity, 20_000);
    let text = serde_json::to_string(&filter).unwrap();
    assert_eq!(
        text,
        r#"{">ID":100,"%TITLE":"Acme","@STAGE_ID":["NEW","WON"],">=OPPORTUNITY":10000,"<=OPPORTUNITY":20000}"#
    );
}

#[test]
fn a_repeated_condition_replaces_the_earlier_one() {
    let filter = Filter::new().gt(DealField::Id, 5).gt(DealField::Id, 7);
    assert_eq!(wire(filter), json!({">ID": 7}));
}

#[test]
fn the_documented_crm_deal_list_example_is_expressible() {
    let documented: Value = serde_json::from_str(
        r#"{"=%TITLE": "%a", "CATEGORY_ID": 1, "TYPE_ID": "COMPLEX", "STAGE_ID": "C1:NEW",
            ">OPPORTUNITY": 10000, "<=OPPORTUNITY": 20000, "IS_MANUAL_OPPORTUNITY": "Y",
            "@ASSIGNED_BY_ID": [1, 6], ">DATE_CREATE": "2024-03-02"}"#,
    )
    .unwrap();
    let typed = Filter::new()
        .like(DealField::Title, "%a")
        .eq(DealField::CategoryId, 1)
        .eq(DealField::TypeId, "COMPLEX")
        .eq(DealField::StageId, "C1:NEW")
        .gt(DealField::Opportunity, 10000)
        .lte(DealField::Opportunity, 20000)
        .eq(DealField::IsManualOpportunity, crate::YesNo(true))
        .any_of(DealField::AssignedById, [crate::Id(1), crate::Id(6)])
        .gt(DealField::DateCreate, "2024-03-02");
    assert_eq!(wire(typed), documented);
}

#[test]
fn the_documented_crm_item_list_example_is_expressible() {
    let documented = json!({
        "0": {"logic": "OR", "0": {"!=name": ""}, "1": {"!=lastName": ""}},
        "@stageId": ["NEW", "IN_PROCESS"],
        "@sourceId": ["WEB", "ADVERTISING"],
        "@assignedById": [1, 6],
        ">=opportunity": 5000,
        "<=opportunity": 20000,
        "isManualOpportunity": "Y"
    });
    // The documented example spells "not equal" `!=`; `!` is the same operator.
    let typed = Filter::new()
        .or_group([
            Filter::new().not_eq(ItemField::Name, ""),
            Filter::new().not_eq(ItemField::LastName, ""),
        ])
        .any_of(ItemField::StageId, ["NEW", "IN_PROCESS"])
        .any_of(ItemField::SourceId, ["WEB", "ADVERTISING"])
        .any_of(ItemField::AssignedById, [1, 6])
        .gte(ItemField::Opportunity, 5000)
        .lte(ItemField::Opportunity, 20000)
        .eq(ItemField::IsManualOpportunity, "Y");
    let mut expected = documented;
    expected["0"] = json!({"logic": "OR", "0": {"!name": ""}, "1": {"!lastName": ""}});
    assert_eq!(wire(typed), expected);
}

#[test]
fn or_groups_take_consecutive_numeric_keys() {
    let filter = Filter::new()
        .or_group([Filter::new().eq(ItemField::StageId, "NEW")])
        .gt(ItemField::Id, 3)
        .or_group([
            Filter::new().lt(ItemField::Opportunity, 10),
            Filter::new().gt(ItemField::Opportunity, 100),
        ]);
    assert_eq!(
        wire(filter),
        json!({
            "0": {"logic": "OR", "0": {"stageId": "NEW"}},
            ">id": 3,
            "1": {"logic": "OR", "0": {"<opportunity": 10}, "1": {">opportunity": 100}}
        })
    );
}

#[test]
fn custom_fields_keep_their_wire_names() {
    let filter = Filter::new()
        .eq(DealField::custom("UF_CRM_1725365197310"), 1)
        .any_of(DealField::Custom("PARENT_ID_1032".into()), [4]);
    assert_eq!(
        wire(filter),
        json!({"UF_CRM_1725365197310": 1, "@PARENT_ID_1032": [4]})
    );
    assert_eq!(ItemField::custom("ufCrm_1").wire_name(), "ufCrm_1");
}

#[test]
fn order_keeps_the_fields_in_the_order_given() {
    let order = Order::new()
        .asc(DealField::Title)
        .desc(DealField::Opportunity)
        .by(DealField::Id, Direction::Ascending);
    assert_eq!(
        serde_json::to_string(&order).unwrap(),
        r#"{"TITLE":"ASC","OPPORTUNITY":"DESC","ID":"ASC"}"#
    );
    assert_eq!(
        Value::from(Order::new().asc(DealField::Id)),
        json!({"ID": "ASC"})
    );
    assert_eq!(
        Value::from(Order::new().desc(ItemField::LastName)),
        json!({"lastName": "DESC"})
    );
}

#[test]
fn renaming_a_direction_keeps_the_fields_place() {
    let order = Order::new()
        .asc(ContactField::LastName)
        .asc(ContactField::Name)
        .desc(ContactField::LastName);
    assert_eq!(
        serde_json::to_string(&order).unwrap(),
        r#"{"LAST_NAME":"DESC","NAME":"ASC"}"#
    );
}

#[test]
fn empty_filter_and_order_are_empty_objects() {
    let filter: Filter<LeadField> = Filter::default();
    assert!(filter.is_empty());
    assert!(!Filter::new().eq(LeadField::StatusId, "NEW").is_empty());
    assert_eq!(wire(filter), json!({}));
    assert_eq!(Value::from(Order::<CompanyField>::default()), json!({}));
}

#[test]
fn the_field_sets_spell_their_tables() {
    assert_eq!(DealField::StageId.wire_name(), "STAGE_ID");
    assert_eq!(DealField::BeginDate.wire_name(), "BEGINDATE");
    assert_eq!(ContactField::Address2.wire_name(), "ADDRESS_2");
    assert_eq!(
        LeadField::StatusSemanticId.wire_name(),
        "STATUS_SEMANTIC_ID"
    );
    assert_eq!(CompanyField::IsMyCompany.wire_name(), "IS_MY_COMPANY");
    assert_eq!(ItemField::Id.wire_name(), "id");
    assert_eq!(ItemField::MyCompanyId.wire_name(), "mycompanyId");
    assert_eq!(ItemField::CreatedTime.wire_name(), "createdTime");
}
