//! Storage: migrations under concurrency, the demo loader's refusal to touch real data.

use orderline::{
    db::Db,
    demo::{self, DemoState},
};

use crate::helpers::spawn_app;

#[tokio::test]
async fn several_instances_can_migrate_the_same_database_at_once() {
    let app = spawn_app().await;
    // The app already migrated; three more "instances" start at the same moment.
    let cfg = app.config.database.clone();
    let (a, b, c) = tokio::join!(Db::connect(&cfg), Db::connect(&cfg), Db::connect(&cfg));
    for db in [a, b, c] {
        let db = db.expect("a concurrent start migrates or finds the schema current");
        assert!(db.ping().await);
        db.close().await;
    }
}

#[tokio::test]
async fn demo_data_loads_into_an_empty_database_once_and_never_over_real_data() {
    let app = spawn_app().await;
    // spawn_app created API tokens only: no users, clients or products yet.
    assert_eq!(
        demo::ensure_loaded(&app.db, &app.config).await.unwrap(),
        DemoState::Loaded
    );
    assert_eq!(
        demo::ensure_loaded(&app.db, &app.config).await.unwrap(),
        DemoState::AlreadyThere
    );
    let (_, page) = app
        .get_json("/api/v1/clients?limit=200", &app.admin_token)
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 200);
    let clients = orderline::db::clients::count_clients(&app.db)
        .await
        .unwrap();
    assert!((1_900..=2_000).contains(&clients), "{clients} demo clients");

    let other = spawn_app().await;
    other
        .create_client(serde_json::json!({"name": "A real client"}))
        .await;
    assert_eq!(
        demo::ensure_loaded(&other.db, &other.config).await.unwrap(),
        DemoState::RealData
    );
    assert_eq!(
        orderline::db::clients::count_clients(&other.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn the_demo_call_history_goes_through_the_ingest() {
    let app = spawn_app().await;
    demo::ensure_loaded(&app.db, &app.config).await.unwrap();
    let calls = orderline::demo_calls::load(&app.state).await.unwrap();
    assert!((500..2_000).contains(&calls), "{calls} demo calls");
    let count = |path: &'static str| {
        let app = &app;
        async move {
            let (status, page) = app.get_json(path, &app.admin_token).await;
            assert_eq!(status, 200, "{page}");
            page["items"].as_array().unwrap().len()
        }
    };
    // Both queues, matched clients, missed calls whose tasks an operator's call back closed,
    // and outcomes and orders on answered calls.
    assert!(count("/api/v1/calls?queue=sales&limit=5").await == 5);
    assert!(count("/api/v1/calls?queue=support&limit=5").await == 5);
    assert!(count("/api/v1/calls?state=missed&limit=5").await == 5);
    assert!(count("/api/v1/calls?has_order=true&limit=5").await == 5);
    assert!(count("/api/v1/calls?outcome=information&limit=5").await == 5);
    assert!(count("/api/v1/callbacks?status=closed&limit=5").await == 5);
    let (_, known) = app
        .get_json(
            "/api/v1/calls?direction=inbound&limit=200",
            &app.admin_token,
        )
        .await;
    let clients = known["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["caller"]["kind"] == "client")
        .count();
    assert!(
        clients > 50,
        "{clients} of 200 inbound calls from known clients"
    );
}
