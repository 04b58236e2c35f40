//! Plain types and validation for everything the portfolio holds.
//!
//! Nothing here knows about SQLite, HTTP or Tauri: the store, the API and the importers all build on
//! these types. Each entity type is the editable part of a record; its id lives beside it in
//! [`Stored`]. `validate` checks what can be checked without the database (ranges, dates in order);
//! references between records are checked by the store's foreign keys.

mod entities;
mod metrics;
mod money;
mod month;
mod text;
pub mod words;

pub use entities::*;
pub use metrics::*;
pub use money::{AmountError, CEILING_UNITS, Currency, Money, group_thousands};
pub use month::Month;
pub use text::shorten;

use serde::{Deserialize, Serialize};

/// A value that breaks a rule of the domain, naming the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: String,
    pub message: String,
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError { field: field.into(), message: message.into() }
    }
}

/// A record together with its database id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Entity", deserialize = "T: Entity"))]
pub struct Stored<T: Entity> {
    pub id: T::Id,
    #[serde(flatten)]
    pub record: T,
}

/// Defines a closed set of lowercase words (a status, a category) with parsing that lists the
/// accepted words when it fails.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(try_from = "String", into = "&'static str")]
        #[ts(export)]
        pub enum $name { $(#[ts(rename = $word)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lowered = s.trim().to_ascii_lowercase();
                match lowered.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::domain::DomainError::invalid(
                        $field,
                        format!("`{}` is not one of: {}", s, [$($word),+].join(", ")),
                    )),
                }
            }
        }

        impl TryFrom<String> for $name {
            /// Only the message: serde names the field.
            type Error = String;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse().map_err(|e: $crate::domain::DomainError| e.message)
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use word_enum;

/// "a budget", "an initiative": the article for a kind of record in messages.
pub fn a(kind: EntityKind) -> String {
    let word = kind.as_str();
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {word}")
}

/// Checks that a required text field has something in it.
pub(crate) fn require_text(field: &str, value: &str) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if value.chars().count() > 500 {
        return Err(DomainError::invalid(field, "is longer than 500 characters"));
    }
    Ok(())
}

/// Checks that an optional end does not come before its start.
pub(crate) fn require_order<T: PartialOrd + std::fmt::Display>(
    field: &str,
    start: T,
    end: Option<T>,
) -> Result<(), DomainError> {
    match end {
        Some(end) if end < start => Err(DomainError::invalid(field, format!("{end} comes before the start {start}"))),
        _ => Ok(()),
    }
}
