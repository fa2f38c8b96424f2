//! `orderline serve`.

use crate::{
    app::App,
    config::Config,
    db::Db,
    demo::{self, DemoState},
};

/// Opens the database, loads the demo data if asked (with its call history when
/// `demo_calls`), and serves until SIGINT/SIGTERM.
pub async fn run(mut config: Config, with_demo: bool, demo_calls: bool) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    if with_demo {
        demo::add_source(&mut config);
    }
    let demo_state = if with_demo {
        Some(demo::ensure_loaded(&db, &config).await?)
    } else {
        None
    };
    let app = App::build_with_db(config.clone(), db).await?;
    if demo_calls && demo_state == Some(DemoState::Loaded) {
        // The demo's call history goes through the running service's own ingest.
        let calls = crate::demo_calls::load(app.state()).await?;
        eprintln!("demo data: {calls} calls of the last two weeks sent through the ingest");
    }
    let addr = app.local_addr();
    let url = if config.server.public_base_url.contains("localhost:8080") && addr.port() != 8080 {
        format!("http://{addr}")
    } else {
        config.server.public_base_url.clone()
    };
    match demo_state {
        Some(DemoState::Loaded | DemoState::AlreadyThere) => demo::print_credentials(&url),
        Some(DemoState::RealData) => {
            eprintln!("--demo: the database already holds data; no demo data was loaded")
        }
        None => {}
    }
    tracing::info!(%addr, backend = app.state().db.backend(), "orderline is listening");
    eprintln!("orderline is running: open {url} (Ctrl-C to stop)");
    app.run_until_stopped(crate::app::shutdown_signal()).await
}
