//! The core's one error type, and the `{code, message}` shape it takes at every boundary.
//!
//! Messages are written for the person at the keyboard: they name the place (file, row, column,
//! field, record) and say what to do. `code` is the small set the UI branches on; pin its JSON in
//! tests before changing it.

use serde::{Deserialize, Serialize};

use crate::domain::{DomainError, EntityKind};

/// What kind of failure it was, for code that reacts to failures (the UI, scripts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input breaks a rule; fix the named field or value.
    Validation,
    /// The record, file or setting asked for does not exist.
    NotFound,
    /// The change clashes with what is stored (a duplicate name, a record still referred to).
    Conflict,
    /// The portfolio file cannot be used as it is (newer schema, not a portfolio, corrupt).
    Storage,
    /// Reading or writing a file failed.
    Io,
    /// A credential was missing or refused.
    Auth,
    /// A server could not be reached or answered badly.
    Network,
    /// A bug: something that should not happen did.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::Validation,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Storage,
        ErrorCode::Io,
        ErrorCode::Auth,
        ErrorCode::Network,
        ErrorCode::Internal,
    ];

    /// The code as JSON spells it (`not_found`), for storing beside a message.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Storage => "storage",
            ErrorCode::Io => "io",
            ErrorCode::Auth => "auth",
            ErrorCode::Network => "network",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code spelled `text`, if any.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Io(String),
    /// A credential was missing, refused, or the OS keyring could not be used.
    #[error("{0}")]
    Auth(String),
    /// A server could not be reached or answered badly; the message names the server's answer.
    #[error("{0}")]
    Network(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Storage(_) | Error::Sqlite(_) => ErrorCode::Storage,
            Error::Io(_) => ErrorCode::Io,
            Error::Auth(_) => ErrorCode::Auth,
            Error::Network(_) => ErrorCode::Network,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// An error of the given kind (a `Sqlite` error has none of its own: `Storage`).
    pub fn with_code(code: ErrorCode, message: String) -> Error {
        match code {
            ErrorCode::Validation => Error::Validation(message),
            ErrorCode::NotFound => Error::NotFound(message),
            ErrorCode::Conflict => Error::Conflict(message),
            ErrorCode::Storage => Error::Storage(message),
            ErrorCode::Io => Error::Io(message),
            ErrorCode::Auth => Error::Auth(message),
            ErrorCode::Network => Error::Network(message),
            ErrorCode::Internal => Error::Internal(message),
        }
    }

    pub fn not_found(kind: EntityKind, id: i64) -> Error {
        Error::NotFound(format!("there is no {kind} with id {id}; `list {kind}` shows the ids"))
    }

    /// A file operation that failed, naming the file.
    pub fn io(path: &std::path::Path, what: &str, err: std::io::Error) -> Error {
        Error::Io(format!("cannot {what} {}: {err}", path.display()))
    }
}

/// SQLite's own failures, with the one a person can act on said in words: a write that waited
/// the whole busy timeout for another program's lock.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match &e {
            rusqlite::Error::SqliteFailure(failure, _) if matches!(failure.code, DatabaseBusy | DatabaseLocked) => {
                Error::Conflict(
                    "another program is writing this portfolio and did not finish within 10 seconds (the app, \
                     browser mode or a sync running on the same file); nothing was changed. Try again when it \
                     has finished, or close the other program"
                        .into(),
                )
            }
            _ => Error::Sqlite(e),
        }
    }
}

impl From<DomainError> for Error {
    fn from(e: DomainError) -> Error {
        Error::Validation(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Internal(format!("JSON: {e}"))
    }
}

/// The error as it crosses the CLI, IPC and HTTP boundaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        ApiError { code: e.code(), message: e.to_string() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_that_waited_out_the_lock_says_another_program_is_writing() {
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(5), Some("database is locked".into()));
        let err = Error::from(busy);
        assert_eq!(err.code(), ErrorCode::Conflict);
        assert!(err.to_string().starts_with("another program is writing this portfolio"), "{err}");
        let other = Error::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(other.code(), ErrorCode::Storage);
    }

    #[test]
    fn api_error_json_is_pinned() {
        let err: ApiError = Error::Validation("row 7, column `amount`: `12,5O` is not a number".into()).into();
        assert_eq!(
            serde_json::to_string(&err).unwrap(),
            r#"{"code":"validation","message":"row 7, column `amount`: `12,5O` is not a number"}"#
        );
        let codes = ErrorCode::ALL;
        let words: Vec<String> = codes.iter().map(|c| serde_json::to_string(c).unwrap()).collect();
        assert_eq!(
            words.join(","),
            r#""validation","not_found","conflict","storage","io","auth","network","internal""#
        );
        for code in codes {
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str()),
                "stored as JSON says it"
            );
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("offline"), None);
    }
}
