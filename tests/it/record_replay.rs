//! Record and replay: a quickstart-like run against an emulator that records it, then the same
//! run against an emulator that only replays the recording, with the same typed results.

use b24_core::Client;
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::crm::automatedsolution::list::AutomatedSolutionList;
use b24_methods::im::department::get::ImDepartmentGet;
use b24_methods::profile::Profile;
use b24_methods::server::time::ServerTime;
use b24_methods::tasks::task::Task;
use b24_methods::tasks::task::add::TasksTaskAdd;

use crate::support;

/// The quickstart's calls; every typed result (and the typed error) in Debug form.
async fn quickstart(client: &Client) -> Vec<String> {
    let mut seen = Vec::new();
    seen.push(format!(
        "{:?}",
        client.call(&Profile).await.expect("profile")
    ));
    seen.push(format!(
        "{:?}",
        client.call(&ServerTime).await.expect("time")
    ));
    for title in ["HR", "Customer Success", "R&D"] {
        let added = client
            .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(title)))
            .await
            .expect("added");
        seen.push(format!("{added:?}"));
    }
    let page = client
        .call_envelope(&AutomatedSolutionList::new().order_by("id", "DESC"))
        .await
        .expect("listed");
    seen.push(format!("{:?} {:?}", page.result, page.total));
    let departments = client
        .call(&ImDepartmentGet::new([1, 7]).with_manager_data())
        .await
        .expect("departments");
    seen.push(format!("{departments:?}"));
    let task = client
        .call(&TasksTaskAdd::new(
            Task::default()
                .with_title("Call the customer")
                .with_responsible_id(1_u64),
        ))
        .await
        .expect("task added");
    seen.push(format!("{task:?}"));
    let refused = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("")))
        .await
        .expect_err("an empty title is refused");
    seen.push(format!("{:?}", refused.code()));
    seen
}

#[tokio::test]
async fn a_recorded_quickstart_replays_with_the_same_typed_results() {
    let path = std::env::temp_dir().join(format!(
        "b24-it-record-{}-{:?}.jsonl",
        std::process::id(),
        std::thread::current().id()
    ));
    let recorder = Emulator::builder()
        .record_to(&path)
        .start()
        .await
        .expect("starts and creates the recording");
    let recorded = quickstart(&support::unpaced_for(&recorder)).await;
    let text = std::fs::read_to_string(&path).expect("the recording");
    assert_eq!(text.lines().count(), 9, "one line per call:\n{text}");
    let code = recorder.webhook_url();
    let code = code
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .expect("a code");
    assert!(
        !text.contains(code),
        "the webhook code stays out of the file"
    );
    drop(recorder);

    let player = Emulator::builder()
        .replay_from(&path)
        .start()
        .await
        .expect("starts from the recording");
    let client = support::unpaced_for(&player);
    let replayed = quickstart(&client).await;
    assert_eq!(replayed, recorded);
    // The replaying portal answered from the file: it holds no automated solution of its own,
    // and a call the recording does not hold is refused.
    assert_eq!(player.request_count("crm.automatedsolution.add"), 4);
    let unrecorded = client
        .call(&AutomatedSolutionList::new().order_by("id", "ASC"))
        .await
        .expect_err("not recorded");
    assert_eq!(
        unrecorded.code().map(ToString::to_string).as_deref(),
        Some("REPLAY_NOT_RECORDED")
    );
    std::fs::remove_file(&path).ok();
}

#[tokio::test]
async fn a_file_that_is_no_recording_stops_the_start() {
    let path = std::env::temp_dir().join(format!(
        "b24-it-not-a-recording-{}.jsonl",
        std::process::id()
    ));
    std::fs::write(&path, "{\"method\": \"profile\"}\n").expect("written");
    let error = Emulator::builder()
        .replay_from(&path)
        .start()
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(error.to_string().contains(":1:"), "{error}");
    std::fs::remove_file(&path).ok();
}
