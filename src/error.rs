//! One error type for the whole crate: every variant says what went wrong, where, and how to fix it.

use std::fmt;
use std::path::PathBuf;

/// What can go wrong in the support crate. The message of each variant names the operation,
/// the shapes or the file involved, and a way to fix it.
#[derive(Debug)]
pub enum Error {
    /// A data file is missing, unreadable or malformed.
    DataFile {
        /// The file that was looked for.
        path: PathBuf,
        /// What was wrong with it (not found, not gzip, bad row …).
        problem: String,
        /// How to restore or fix it.
        hint: String,
    },
    /// Arrays whose shapes do not fit the operation.
    Shape {
        /// The operation that was called.
        op: String,
        /// The shapes that were expected.
        expected: String,
        /// The shapes that were given.
        got: String,
    },
    /// A figure could not be drawn or saved.
    Plot {
        /// What the figure was doing.
        context: String,
        /// The underlying message.
        message: String,
    },
    /// A value that is out of its allowed range (a probability above 1, an empty series …).
    InvalidArgument {
        /// The function that rejected the argument.
        op: String,
        /// What was wrong and how to fix it.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DataFile { path, problem, hint } => {
                write!(f, "data file {}: {problem}. {hint}", path.display())
            }
            Error::Shape { op, expected, got } => {
                write!(f, "{op}: shape mismatch: expected {expected}, got {got}")
            }
            Error::Plot { context, message } => write!(f, "plot ({context}): {message}"),
            Error::InvalidArgument { op, message } => write!(f, "{op}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn plot(context: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Plot { context: context.into(), message: message.to_string() }
    }

    pub(crate) fn invalid(op: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument { op: op.into(), message: message.into() }
    }
}
