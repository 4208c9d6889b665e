//! Universal lists (`lists.*`, `lists.element.*`) end to end through the typed methods of
//! b24-methods: a list created, elements added with property values, listed with a filter, an
//! order and pages, changed and removed, with the documented errors.

use b24_methods::lists::Lists;
use b24_methods::lists::add::ListsAdd;
use b24_methods::lists::delete::ListsDelete;
use b24_methods::lists::element::ListsElement;
use b24_methods::lists::element::delete::ListsElementDelete;
use b24_methods::lists::element::get::ListsElementGet;
use b24_methods::lists::element::update::ListsElementUpdate;
use b24_methods::lists::get::ListsGet;
use serde_json::json;

use crate::support;

#[tokio::test]
async fn a_list_keeps_its_elements() {
    let (_emulator, client) = support::unpaced_portal().await;
    let list = support::add_list(&client, "orders", "Orders").await;
    assert_eq!(
        support::api_code(
            client
                .call(&ListsAdd::new(
                    "lists",
                    "orders",
                    Lists::default().with_name("Again")
                ))
                .await
        ),
        "ERROR_IBLOCK_ALREADY_EXISTS"
    );
    let lists = client.call(&ListsGet::new("lists")).await.expect("listed");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].name.as_deref(), Some("Orders"));

    for i in 0..60 {
        let mut fields = ListsElement::default().with_name(format!("Order {i:02}"));
        fields.extra.insert("PROPERTY_AMOUNT".into(), json!(i * 10));
        support::add_list_element(&client, list, "orders", format!("order-{i}"), fields).await;
    }
    let orders = ListsElementGet::new("lists", list, "orders");
    support::assert_first_page(&client, &orders, 60).await;
    let big = client
        .call(
            &ListsElementGet::new("lists", list, "orders")
                .with_filter(json!({ ">=PROPERTY_AMOUNT": 570 }))
                .with_element_order(json!({ "PROPERTY_AMOUNT": "DESC" })),
        )
        .await
        .expect("listed");
    let names: Vec<&str> = big.iter().filter_map(|e| e.name.as_deref()).collect();
    assert_eq!(names, ["Order 59", "Order 58", "Order 57"]);
    let one = client
        .call(&ListsElementGet::new("lists", list, "orders").with_element_code("order-3"))
        .await
        .expect("found");
    // The element's ID is no documented field of `ListsElement`: it stays in `extra`.
    let element = one[0].extra["ID"].as_str().expect("an ID").to_owned();

    client
        .call(&ListsElementUpdate::new(
            "lists",
            list,
            element.as_str(),
            ListsElement::default().with_name("Order 3, paid"),
        ))
        .await
        .expect("updated");
    let again = client
        .call(&ListsElementGet::new("lists", list, "orders").with_element_id(element.as_str()))
        .await
        .expect("found");
    assert_eq!(again[0].name.as_deref(), Some("Order 3, paid"));
    assert_eq!(again[0].extra["PROPERTY_AMOUNT"], json!(30));

    client
        .call(&ListsElementDelete::new("lists", list, element.as_str()))
        .await
        .expect("deleted");
    assert_eq!(
        support::api_code(
            client
                .call(&ListsElementDelete::new("lists", list, element.as_str()))
                .await
        ),
        "ERROR_ELEMENT_NOT_FOUND"
    );
    client
        .call(&ListsDelete::new("lists", list))
        .await
        .expect("deleted");
    assert_eq!(
        support::api_code(
            client
                .call(&ListsElementGet::new("lists", list, "orders"))
                .await
        ),
        "ERROR_IBLOCK_NOT_FOUND"
    );
}
