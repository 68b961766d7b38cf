//! The course crate, ready before the first cell.
//!
//! Started inside the course's repository (JupyterLab starts a kernel in the notebook's folder),
//! the kernel compiles the `dlcourse` dependency and links a first cell against it at once, while
//! the student reads the introduction. The notebooks' own `:dep dlcourse = { path = ".." }` and
//! `use dlcourse::prelude::*;` cells then find it done (evcxr skips a `:dep` it already has).
//!
//! evcxr's compile cache (`:cache`) skips path dependencies, so in a new temporary folder the
//! course crate would be compiled again by every kernel (30–40 s). The kernel therefore works in
//! one of a few persistent folders (`target/kernel-slots/slot-N` in the repository), taking the
//! first one no other kernel holds (an exclusive `flock`, released when the kernel ends): two
//! kernels never share a folder, and a restarted kernel finds the crate it compiled before.

use evcxr::CommandContext;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The course repository the kernel was started in.
pub struct Course {
    pub root: PathBuf,
    /// The crate's path as the notebooks write it, relative to the kernel's folder (`..` from
    /// `notebooks/`), so that the notebook's `:dep` line is the same line as the warm-up's.
    pub dep_path: String,
}

impl Course {
    /// The course whose folder holds `dir` (or is `dir`), if any.
    pub fn find(dir: &Path) -> Option<Course> {
        let mut up = String::new();
        for ancestor in dir.ancestors() {
            let manifest = std::fs::read_to_string(ancestor.join("Cargo.toml")).unwrap_or_default();
            if manifest.lines().any(|l| l.trim() == "name = \"dlcourse\"") {
                let dep_path = if up.is_empty() { ".".to_string() } else { up.trim_end_matches('/').to_string() };
                return Some(Course { root: ancestor.to_path_buf(), dep_path });
            }
            up.push_str("../");
        }
        None
    }

    /// Takes the first free working folder under `target/kernel-slots`; the returned file holds
    /// the lock and must live as long as the kernel.
    pub fn claim_slot(&self) -> Option<(PathBuf, File)> {
        let slots = self.root.join("target").join("kernel-slots");
        std::fs::create_dir_all(&slots).ok()?;
        for n in 0..64 {
            let lock = File::create(slots.join(format!("slot-{n}.lock"))).ok()?;
            // SAFETY: flock on a descriptor owned by `lock`.
            if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                let dir = slots.join(format!("slot-{n}"));
                std::fs::create_dir_all(&dir).ok()?;
                return Some((dir, lock));
            }
        }
        None
    }

    /// The cells the kernel runs before the first request.
    pub fn warm_up_cells(&self) -> [String; 2] {
        [
            format!(":dep dlcourse = {{ path = \"{}\" }}", self.dep_path),
            "use dlcourse::prelude::*;\nlet _ = VERSION;".to_string(),
        ]
    }

    /// Compiles the crate and a first cell against it. Failures are logged, not fatal: the
    /// notebook's own `:dep` cell will then report them to the student.
    pub fn warm_up(&self, context: &mut CommandContext) {
        let t0 = Instant::now();
        for cell in self.warm_up_cells() {
            match context.execute(&cell) {
                Ok(outputs) => {
                    let phases: Vec<String> = outputs
                        .phases
                        .iter()
                        .map(|p| format!("{} {:.1} s", p.name, p.duration.as_secs_f64()))
                        .collect();
                    eprintln!(
                        "dlcourse-kernel: warm-up `{}`: {}",
                        cell.lines().next().unwrap_or(""),
                        phases.join(", ")
                    );
                }
                Err(e) => {
                    eprintln!("dlcourse-kernel: warm-up cell `{cell}` failed: {e}");
                    return;
                }
            }
        }
        eprintln!("dlcourse-kernel: course crate ready in {:.1} s", t0.elapsed().as_secs_f64());
    }

    /// evcxr learns the types of a cell's new variables from rust-analyzer, whose first analysis
    /// reads the standard library and every dependency (4–6 s on two cores; about 14 s with the
    /// crate's `tables` feature, which adds polars; the first cell that defines a variable paid
    /// it). A completion request does that analysis without touching the student's variables;
    /// the kernel makes it when no cell is waiting.
    pub fn analyse(&self, context: &mut CommandContext) {
        let t0 = Instant::now();
        let probe = "let warm_up = Tensor::new(array![1.0].into_dyn());\nwarm_up.";
        let _ = context.completions(probe, probe.len());
        eprintln!("dlcourse-kernel: code analysis ready in {:.1} s", t0.elapsed().as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course_in_tmp(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("dlcourse-kernel-test-{name}-{}", std::process::id()));
        std::fs::create_dir_all(root.join("notebooks")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"dlcourse\"\n").unwrap();
        root
    }

    #[test]
    fn the_course_is_found_from_its_notebooks_folder_with_the_notebooks_dep_path() {
        let root = course_in_tmp("find");
        let course = Course::find(&root.join("notebooks")).expect("found");
        assert_eq!(course.root, root);
        assert_eq!(course.dep_path, "..");
        assert_eq!(course.warm_up_cells()[0], ":dep dlcourse = { path = \"..\" }");
        assert_eq!(Course::find(&root).unwrap().dep_path, ".");
        assert!(Course::find(Path::new("/")).is_none());
    }

    #[test]
    fn two_kernels_never_get_the_same_slot_and_a_freed_slot_is_reused() {
        let course = Course::find(&course_in_tmp("slots")).unwrap();
        let (a, lock_a) = course.claim_slot().unwrap();
        let (b, _lock_b) = course.claim_slot().unwrap();
        assert_ne!(a, b);
        drop(lock_a);
        let (c, _lock_c) = course.claim_slot().unwrap();
        assert_eq!(a, c);
    }
}
