//! The `orderline` binary: everything lives in the library; this only hands over the
//! command line.

// glibc's malloc was ~10 % of the CPU of a loaded server in profiles (small JSON and HTTP
// buffers freed on other threads); mimalloc handles that pattern better (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    orderline::cli::main()
}
