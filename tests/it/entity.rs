//! Application data storage (`entity.*`) end to end through the typed methods of
//! b24-methods: storages, properties, sections and items created, listed with filters, sort and
//! pages, changed and removed, with the documented errors.

use b24_methods::entity::add::EntityAdd;
use b24_methods::entity::delete::EntityDelete;
use b24_methods::entity::get::EntityGet;
use b24_methods::entity::item::add::EntityItemAdd;
use b24_methods::entity::item::delete::EntityItemDelete;
use b24_methods::entity::item::get::EntityItemGet;
use b24_methods::entity::item::property::add::EntityItemPropertyAdd;
use b24_methods::entity::item::update::EntityItemUpdate;
use b24_methods::entity::section::add::EntitySectionAdd;
use b24_methods::entity::section::get::EntitySectionGet;
use serde_json::json;

use crate::support;

#[tokio::test]
async fn a_storage_keeps_what_its_methods_write() {
    let (_emulator, client) = support::unpaced_portal().await;
    assert!(
        client
            .call(&EntityAdd::new("menu", "Menu"))
            .await
            .expect("added")
            .get()
    );
    assert_eq!(
        support::api_code(client.call(&EntityAdd::new("menu", "Again")).await),
        "ERROR_ENTITY_ALREADY_EXISTS"
    );
    let storage = client
        .call(&EntityGet::default().with_entity("menu"))
        .await
        .expect("found");
    assert_eq!(storage["NAME"], json!("Menu"));
    client
        .call(&EntityItemPropertyAdd::new("menu", "price").with_type("N"))
        .await
        .expect("a property");
    let section = client
        .call(&EntitySectionAdd::new("menu", "Mains"))
        .await
        .expect("a section");
    let sections = client
        .call(&EntitySectionGet::new("menu"))
        .await
        .expect("listed");
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].name.as_deref(), Some("Mains"));

    let mut ids = Vec::new();
    for i in 0..55 {
        let id = client
            .call(
                &EntityItemAdd::new("menu")
                    .with_name(format!("Dish {i:02}"))
                    .with_section(section.clone())
                    .with_property_values(json!({ "price": i })),
            )
            .await
            .expect("added");
        ids.push(id.as_i64().expect("a numeric ID"));
    }
    support::assert_first_page(&client, &EntityItemGet::new("menu"), 55).await;
    let expensive = client
        .call(
            &EntityItemGet::new("menu")
                .with_filter(json!({ ">=PROPERTY_price": 50 }))
                .with_sort(json!({ "PROPERTY_price": "DESC" })),
        )
        .await
        .expect("listed");
    let names: Vec<&str> = expensive.iter().filter_map(|i| i.name.as_deref()).collect();
    assert_eq!(
        names,
        ["Dish 54", "Dish 53", "Dish 52", "Dish 51", "Dish 50"]
    );

    client
        .call(&EntityItemUpdate::new("menu", ids[0]).with_name("Soup of the day"))
        .await
        .expect("updated");
    let soup = client
        .call(&EntityItemGet::new("menu").with_filter(json!({ "ID": ids[0] })))
        .await
        .expect("listed");
    assert_eq!(soup[0].name.as_deref(), Some("Soup of the day"));
    assert_eq!(soup[0].property_values, Some(json!({ "price": 0 })));

    assert!(
        client
            .call(&EntityItemDelete::new("menu", ids[0]))
            .await
            .expect("deleted")
            .get()
    );
    assert_eq!(
        support::api_code(client.call(&EntityItemDelete::new("menu", ids[0])).await),
        "ERROR_ITEM_NOT_FOUND"
    );
    client
        .call(&EntityDelete::new("menu"))
        .await
        .expect("deleted");
    assert_eq!(
        support::api_code(client.call(&EntityItemGet::new("menu")).await),
        "ERROR_ENTITY_NOT_FOUND"
    );
}
