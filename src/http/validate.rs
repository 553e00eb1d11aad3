//! Field checks shared by every domain; each failure is one 422 entry.

use crate::error::{ApiError, FieldError};

/// 1..=max visible characters (after trimming), no control characters.
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let length = value.trim().chars().count();
    if length < min || length > max {
        let msg = format!("must be {min} to {max} characters");
        return Err(FieldError::body(field, msg, "string_length"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::body(
            field,
            "must not contain control characters",
            "value_error",
        ));
    }
    Ok(())
}

/// Single-line text: like `text`, and no line breaks or tabs either.
pub fn line(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    text(field, value, min, max)?;
    if value.contains(['\n', '\t', '\r']) {
        return Err(FieldError::body(
            field,
            "must be a single line",
            "value_error",
        ));
    }
    Ok(())
}

/// A plausible email address, returned lowercased and trimmed.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let email = value.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid && line(field, &email, 3, 254).is_ok() {
        Ok(email)
    } else {
        Err(FieldError::body(
            field,
            "must be a valid email address",
            "value_error",
        ))
    }
}

/// Emails are unique across QTable (one sign-in, one restaurant).
pub const UNIQUE_EMAIL: &str = "users_email_key";

/// The answer when `UNIQUE_EMAIL` refuses a registration or a new staff email.
pub fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "an account with this email already exists")
}

/// An IANA time zone name such as `Europe/Paris`.
pub fn timezone(field: &str, value: &str) -> Result<(), FieldError> {
    value.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
        FieldError::body(
            field,
            "must be an IANA time zone such as Europe/Paris",
            "value_error",
        )
    })
}

/// The largest integer every JSON reader represents exactly (2^53, RFC 7493).
const MAX_SAFE_NUMBER: f64 = 9_007_199_254_740_992.0;

/// Free-form JSON kept for the app: at most `max_bytes` serialised, and
/// numbers within ±2^53, so it reads back exactly as it was written.
pub fn free_json(
    field: &str,
    value: &serde_json::Value,
    max_bytes: usize,
) -> Result<(), FieldError> {
    if value.to_string().len() > max_bytes {
        return Err(FieldError::body(
            field,
            format!("must be at most {max_bytes} bytes of JSON"),
            "value_error",
        ));
    }
    if !numbers_are_safe(value) {
        return Err(FieldError::body(
            field,
            "numbers must be within ±2^53",
            "value_error",
        ));
    }
    Ok(())
}

fn numbers_are_safe(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_f64().is_some_and(|x| x.abs() <= MAX_SAFE_NUMBER),
        Value::Array(items) => items.iter().all(numbers_are_safe),
        Value::Object(map) => map.values().all(numbers_are_safe),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits_and_control_characters() {
        assert!(text("name", "Pizza", 1, 5).is_ok());
        assert!(text("name", "Pizzas", 1, 5).is_err());
        assert!(text("name", "   ", 1, 5).is_err());
        assert!(text("name", "a\u{0}b", 1, 5).is_err());
        assert!(line("name", "a\nb", 1, 5).is_err());
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            email("email", " Owner@Pizza.COM ").unwrap(),
            "owner@pizza.com"
        );
        for bad in ["", "owner", "owner@", "@pizza.com", "a b@c.d", "a@nodot"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn free_json_is_bounded_in_size_and_number_range() {
        let ok = serde_json::json!({"theme": "dark", "tables": [1, 2.5, -3]});
        assert!(free_json("settings", &ok, 1024).is_ok());
        assert!(free_json("settings", &serde_json::json!({"x": 1e300}), 1024).is_err());
        assert!(
            free_json(
                "settings",
                &serde_json::json!({"x": "y".repeat(2000)}),
                1024
            )
            .is_err()
        );
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert!(timezone("timezone", "Europe/Paris").is_ok());
        assert!(timezone("timezone", "Mars/Olympus").is_err());
    }
}
