//! The README's typed batch, run as written: 120 deals created in one typed batch and streamed
//! back typed. The test checks that the README shows exactly the lines it runs.

use b24_core::filter::{Filter, ItemField};
use b24_core::{Batch, Client, Error};
use b24_methods::crm::item::Item;
use b24_methods::crm::item::add::CrmItemAdd;
use b24_methods::crm::item::list::CrmItemList;
use futures_util::TryStreamExt;

use crate::support;

/// The README's code, between the markers, line for line (kept as the README lays it out).
#[rustfmt::skip]
async fn import_deals(client: &Client) -> Result<Vec<Item>, Error> {
    // README: begin
    let mut batch = Batch::new();
    let mut added = Vec::new();
    for n in 1..=120 {
        let deal = Item::default().with_title(format!("Import {n}")).with_opportunity(n * 100);
        added.push(batch.push(&CrmItemAdd::new(2, deal))?); // entity type 2: deals
    }
    let results = client.batch(&batch).await?;
    for handle in &added { results.get(handle)?; } // each command's own result or error
    let imported = CrmItemList::new(2).with_filter(Filter::new().contains(ItemField::Title, "Import "));
    let deals: Vec<Item> = client.stream(&imported)?.try_collect().await?;
    // README: end
    Ok(deals)
}

/// The lines between the markers in this file, without their indentation.
fn marked_lines(source: &str) -> Vec<&str> {
    let begin = source.find("// README: begin").expect("the begin marker");
    let end = source.find("// README: end").expect("the end marker");
    let marked = &source[begin..end];
    marked
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn the_readme_shows_the_code_this_test_runs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let ran = marked_lines(include_str!("readme.rs"));
    let first = readme
        .find(ran[0])
        .expect("the README shows the typed batch");
    // The README's block is these lines, and ends with them.
    let shown: Vec<&str> = readme[first..]
        .lines()
        .take(ran.len() + 1)
        .map(str::trim)
        .collect();
    let mut expected = ran;
    expected.push("```");
    assert_eq!(shown, expected);
}

#[tokio::test]
async fn the_readme_creates_120_deals_in_a_typed_batch_and_streams_them_back() {
    let (_emulator, client) = support::unpaced_portal().await;
    let deals = import_deals(&client).await.expect("the README's code runs");
    assert_eq!(deals.len(), 120);
    let mut titles: Vec<String> = deals.iter().filter_map(|d| d.title.clone()).collect();
    titles.sort();
    let mut expected: Vec<String> = (1..=120).map(|n| format!("Import {n}")).collect();
    expected.sort();
    assert_eq!(titles, expected);
    let import_7 = deals
        .iter()
        .find(|deal| deal.title.as_deref() == Some("Import 7"))
        .expect("Import 7");
    assert_eq!(
        import_7.opportunity.as_ref().and_then(|o| o.to_f64()),
        Some(700.0)
    );
    assert!(import_7.id.is_some(), "the portal's ID: {import_7:?}");
}
