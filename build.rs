//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the files of
//! `migrations/` at compile time but does not tell cargo to watch the folders for new ones.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
