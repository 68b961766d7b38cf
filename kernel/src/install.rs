//! `dlcourse-kernel --install --prefix DIR`: registers the kernel with Jupyter.
//!
//! The kernelspec is named `rust`, the name the notebooks' metadata carries, so the notebooks open
//! on this kernel where it is installed and on stock evcxr_jupyter (also `rust`) elsewhere.

use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;

pub fn install(prefix: &Path) -> Result<()> {
    let exe = std::env::current_exe().context("finding the kernel's own path")?;
    let dir = prefix.join("share").join("jupyter").join("kernels").join("rust");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let spec = json!({
        "argv": [exe, "{connection_file}"],
        "display_name": "Rust (dlcourse)",
        "language": "rust",
        "interrupt_mode": "message",
        "metadata": {"implementation": "dlcourse-kernel", "version": env!("CARGO_PKG_VERSION")},
    });
    let path = dir.join("kernel.json");
    std::fs::write(&path, serde_json::to_string_pretty(&spec)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!("installed the kernelspec {}", path.display());
    Ok(())
}
