//! dlcourse-kernel: the course's Jupyter kernel. Cells are Rust, compiled and run by the evcxr
//! library, as in evcxr_jupyter; unlike it, a panic or an error returned with `?` fails the cell,
//! every display of a cell is shown (and can be updated in place), and the course crate is
//! compiled as soon as the kernel starts. See the README's "The course kernel".
//!
//! Modules, one per concern: `wire` (the Jupyter protocol), `server` (sockets and requests),
//! `exec` (running cells with evcxr), `output` (what cells print, displays, how they ended),
//! `report` (a compile error drawn under the cell's lines), `child` (the process that runs cells),
//! `warm` (the course crate before the first cell), `install` (the kernelspec).

mod child;
mod exec;
mod install;
mod output;
mod report;
mod server;
mod warm;
mod wire;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

const USAGE: &str = "usage: dlcourse-kernel CONNECTION_FILE | --install --prefix DIR";

fn main() -> Result<()> {
    // evcxr starts this binary again as the process that runs cells (and as a rustc wrapper);
    // in those roles `runtime_hook` does not return.
    if std::env::var_os("EVCXR_IS_RUNTIME").is_some() {
        child::limit_memory();
        child::watch_stdout();
    }
    if std::env::var_os("EVCXR_RUSTC_WRAPPER").is_some() {
        remap_target_folder();
    }
    evcxr::runtime_hook();

    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--install", "--prefix", prefix] => install::install(&PathBuf::from(prefix)),
        ["--help"] | ["-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        [connection_file] if !connection_file.starts_with('-') => run(PathBuf::from(connection_file)),
        _ => bail!("{USAGE}"),
    }
}

fn run(connection_file: PathBuf) -> Result<()> {
    let info = wire::ConnectionInfo::read(&connection_file)?;
    set_build_environment();
    let cwd = std::env::current_dir().context("the kernel's working folder")?;
    // DLCOURSE_KERNEL_WARM_UP=0: a kernel that will run no cells (the browser test opens every
    // notebook in JupyterLab, which starts a kernel for each) compiles nothing at start.
    let warm_up = std::env::var("DLCOURSE_KERNEL_WARM_UP").map_or(true, |v| v != "0");
    let course = if warm_up { warm::Course::find(&cwd) } else { None };
    // Held until the process ends: the lock on this kernel's working folder.
    let mut _slot_lock = None;
    if let Some(course) = &course {
        if std::env::var_os("EVCXR_TMPDIR").is_none() {
            if let Some((dir, lock)) = course.claim_slot() {
                std::env::set_var("EVCXR_TMPDIR", &dir);
                _slot_lock = Some(lock);
            }
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(server::serve(info, course))
}

/// The compile settings of cells and dependencies, and the flag the course crate reads to know
/// that it runs in this kernel. Cargo reads profile settings from the environment, overriding the
/// Cargo.toml evcxr generates (which compiles everything with debug assertions).
fn set_build_environment() {
    // ndarray's inner loops check debug assertions: training ran 1.4–3× slower with them.
    if std::env::var_os("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS").is_none() {
        std::env::set_var("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS", "false");
    }
    // An integer overflow in a student's cell still panics.
    std::env::set_var("CARGO_PROFILE_DEV_OVERFLOW_CHECKS", "true");
    std::env::set_var("DLCOURSE_KERNEL", env!("CARGO_PKG_VERSION"));
}

/// As evcxr's rustc wrapper (its compile cache): adds `--remap-path-prefix=<target folder>=…` to
/// the compiler's arguments, by starting this wrapper again with it.
///
/// evcxr's cache (`:cache`, on in `notebooks/evcxr.toml`) keys a compiled dependency by its
/// compiler arguments, with the target folder's path masked, and shares it between working
/// folders. But some crates include code generated into the target folder (thiserror 2 includes
/// `OUT_DIR/private.rs`, the proc macro rustversion `OUT_DIR/version.expr`), and that file's
/// absolute path enters the crate's hash, which every crate depending on it records. A copy
/// compiled in one folder and a dependent cached from another then disagree, and rustc answers
/// "can't find crate for `linfa`" (a fresh clone's set-up failed so). With the target folder
/// remapped to one name, every folder compiles the same bytes. Done here rather than in
/// RUSTFLAGS because cargo does not pass RUSTFLAGS to proc macros and build scripts when a
/// target is given, as evcxr does.
fn remap_target_folder() {
    use std::os::unix::process::CommandExt;
    let Some(target) = std::env::var_os("EVCXR_TARGET_DIR") else { return };
    let flag = format!("--remap-path-prefix={}=/evcxr-target", target.to_string_lossy());
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // `args` is the compiler's path and its arguments; already restarted if the flag is there.
    if args.len() < 2 || args.iter().any(|a| *a == *flag) {
        return;
    }
    let Ok(me) = std::env::current_exe() else { return };
    let error = std::process::Command::new(me).args(&args).arg(&flag).exec();
    eprintln!("dlcourse-kernel: could not restart the rustc wrapper with {flag}: {error}");
}
