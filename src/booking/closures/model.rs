//! Closed days on the wire.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    error::FieldError, event::EventKind, http::local::LocalDate, http::validate, journal::Journaled,
};

/// A local day on which the restaurant takes no bookings.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Closure {
    #[sqlx(rename = "day")]
    pub date: LocalDate,
    /// Shown to nobody but staff; may be empty.
    pub reason: String,
    /// The journal records closures as the restaurant's (they have no id).
    #[serde(skip)]
    pub restaurant_id: Uuid,
}

impl Journaled for Closure {
    const ENTITY: &'static str = "closure";
    const UPDATED: EventKind = EventKind::ClosureUpdate;
    const DELETED: EventKind = EventKind::ClosureDelete;
    fn id(&self) -> Uuid {
        self.restaurant_id
    }
    fn key(&self) -> Value {
        json!({ "date": self.date })
    }
}

/// A day to close; one closure per day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateClosure {
    pub date: LocalDate,
    /// At most 200 characters; empty when omitted.
    #[serde(default)]
    pub reason: String,
}

impl CreateClosure {
    /// The reason as stored: trimmed, at most 200 characters.
    pub fn reason(&self) -> Result<&str, FieldError> {
        let reason = self.reason.trim();
        validate::text("reason", reason, 0, 200)?;
        Ok(reason)
    }
}

/// Which closures to list: both ends inclusive, either open.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClosureQuery {
    /// The first day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-01")]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClosurePath {
    pub restaurant_id: Uuid,
    /// The closed day, `YYYY-MM-DD`.
    #[param(value_type = String, format = Date, example = "2026-12-24")]
    date: String,
}

impl ClosurePath {
    /// The day in the path, 422 naming it when it is not one.
    pub fn date(&self) -> Result<LocalDate, FieldError> {
        self.date.parse().map_err(|msg| FieldError {
            loc: vec!["path".into(), "date".into()],
            msg,
            kind: "value_error".into(),
        })
    }
}

/// A query's date, 422 naming the parameter when it is not one.
fn query_date(field: &str, text: Option<&str>) -> Result<Option<LocalDate>, FieldError> {
    text.map(|text| {
        text.parse()
            .map_err(|msg: String| FieldError::query(field, msg, "value_error"))
    })
    .transpose()
}

impl ClosureQuery {
    /// `(from, to)` as dates.
    pub fn range(&self) -> Result<(Option<LocalDate>, Option<LocalDate>), FieldError> {
        Ok((
            query_date("from", self.from.as_deref())?,
            query_date("to", self.to.as_deref())?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_and_at_most_200_characters() {
        let closure = |reason: String| CreateClosure {
            date: "2026-12-24".parse().unwrap(),
            reason,
        };
        assert_eq!(closure(" Christmas\n".into()).reason(), Ok("Christmas"));
        assert_eq!(closure(String::new()).reason(), Ok(""));
        assert!(closure(format!("{} ", "x".repeat(200))).reason().is_ok());
        let long = closure("x".repeat(201)).reason().unwrap_err();
        assert_eq!(long.loc, ["body", "reason"]);
    }

    #[test]
    fn a_malformed_bound_names_its_parameter() {
        let query = |from: &str, to: &str| ClosureQuery {
            from: Some(from.into()),
            to: Some(to.into()),
        };
        assert!(query("2026-12-01", "2026-12-31").range().is_ok());
        let error = query("2026-12-01", "2026-13-01").range().unwrap_err();
        assert_eq!(error.loc, ["query", "to"]);
        let error = query("1/12/2026", "2026-12-31").range().unwrap_err();
        assert_eq!(error.loc, ["query", "from"]);
    }
}
