//! Writing the files a user asks for without replacing one that is already there: the simple
//! calls (`save_png`, `save_parameters` …) refuse an existing file, their `…_overwrite`
//! variants replace it.

use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to a new file at `path`, or replaces the file there if `overwrite`. Without
/// `overwrite`, an existing file is left untouched and the error's kind is
/// [`std::io::ErrorKind::AlreadyExists`] (the check and the creation are one step, so a file
/// created in between is not replaced either).
pub(crate) fn write_file(path: &Path, bytes: &[u8], overwrite: bool) -> std::io::Result<()> {
    if overwrite {
        return std::fs::write(path, bytes);
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)
}

/// Whether an error of [`write_file`] means that the file already exists.
pub(crate) fn already_exists(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::AlreadyExists
}
