//! Field checks shared by every domain; each failure is one 422 entry.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

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

/// Single-line text for identifiers (table numbers, sections, contacts,
/// emails): like `text`, no line breaks or tabs, and no invisible format
/// characters (zero-width spaces, bidi controls, soft hyphens, BOM), with
/// which two values that look the same on the host's screen could coexist.
pub fn line(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    single_line(field, value, min, max)?;
    if value.chars().any(is_format) {
        return Err(invisible(field));
    }
    Ok(())
}

/// A person's or a restaurant's name: like `line`, except that a zero-width
/// joiner or non-joiner between two visible characters is kept, as Persian
/// and Indic names and emoji sequences need them.
pub fn name(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    single_line(field, value, min, max)?;
    let chars: Vec<char> = value.chars().collect();
    let visible = |c: Option<&char>| c.is_some_and(|&c| !c.is_whitespace() && !is_format(c));
    let joins = |i: usize| {
        matches!(chars[i], '\u{200c}' | '\u{200d}')
            && i > 0
            && visible(chars.get(i - 1))
            && visible(chars.get(i + 1))
    };
    if (0..chars.len()).any(|i| is_format(chars[i]) && !joins(i)) {
        return Err(invisible(field));
    }
    Ok(())
}

fn single_line(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
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

/// Unicode general category Cf: characters that take no space of their own.
fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

fn invisible(field: &str) -> FieldError {
    FieldError::body(
        field,
        "must not contain invisible format characters (zero-width, bidi controls)",
        "value_error",
    )
}

/// Serde helpers that read names and identifiers NFC-normalised, so that "É"
/// typed as one code point or as E plus a combining accent is one value: one
/// table number, which the unique constraint then sees twice.
pub mod nfc {
    use serde::{Deserialize, Deserializer};
    use unicode_normalization::{UnicodeNormalization, is_nfc};

    fn normalise(value: String) -> String {
        // Nearly every input is already NFC (all ASCII is): no copy then.
        if is_nfc(&value) {
            value
        } else {
            value.nfc().collect()
        }
    }

    pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        String::deserialize(deserializer).map(normalise)
    }

    pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
        Option::<String>::deserialize(deserializer).map(|value| value.map(normalise))
    }
}

/// A serde helper for optional ids: `""` means null, as the app sends for
/// "no guest" or "no table" (`currentGuestId: ""`).
pub mod blank {
    use std::borrow::Cow;

    use serde::{Deserialize, Deserializer, de::Error};
    use uuid::Uuid;

    pub fn uuid<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Uuid>, D::Error> {
        match Option::<Cow<str>>::deserialize(deserializer)?.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| D::Error::custom(format!("expected a UUID, got {text:?}"))),
        }
    }
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

/// A region code the phone number parser knows (ISO 3166-1 alpha-2, upper
/// case), as a restaurant's `defaultRegion`.
pub fn region(field: &str, code: &str) -> Result<(), FieldError> {
    let known = code.len() == 2
        && code.chars().all(|c| c.is_ascii_uppercase())
        && code.parse::<phonenumber::country::Id>().is_ok();
    if known {
        Ok(())
    } else {
        Err(FieldError::body(
            field,
            "must be a two-letter region code such as US or GB",
            "value_error",
        ))
    }
}

/// A `limit` parameter between 1 and `max`, `default` when absent.
pub fn limit(given: Option<i64>, default: i64, max: i64) -> Result<i64, FieldError> {
    match given.unwrap_or(default) {
        limit if (1..=max).contains(&limit) => Ok(limit),
        _ => Err(FieldError::query(
            "limit",
            format!("must be between 1 and {max}"),
            "value_error",
        )),
    }
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
    fn regions_are_known_two_letter_codes() {
        for ok in ["US", "GB", "DE"] {
            assert!(region("r", ok).is_ok(), "{ok}");
        }
        for bad in ["us", "XX", "USA", ""] {
            assert!(region("r", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_limits_and_control_characters() {
        assert!(text("name", "Pizza", 1, 5).is_ok());
        assert!(text("name", "Pizzas", 1, 5).is_err());
        assert!(text("name", "   ", 1, 5).is_err());
        assert!(text("name", "a\u{0}b", 1, 5).is_err());
        assert!(line("name", "a\nb", 1, 5).is_err());
    }

    #[test]
    fn identifiers_refuse_invisible_format_characters() {
        for bad in [
            "E\u{200b}9",
            "\u{feff}E9",
            "E\u{ad}9",
            "E\u{2060}9",
            "\u{202e}9E",
            "\u{2066}E9\u{2069}",
            "E\u{200d}9",
        ] {
            assert!(line("tableNumber", bad, 1, 20).is_err(), "{bad:?}");
        }
        assert!(line("tableNumber", "É9", 1, 20).is_ok());
    }

    #[test]
    fn names_keep_joiners_between_visible_characters_only() {
        assert!(name("guestName", "می\u{200c}خواهم", 1, 200).is_ok());
        assert!(name("guestName", "👨\u{200d}👩\u{200d}👧 Lee", 1, 200).is_ok());
        for bad in [
            "Ann\u{200b}",
            "\u{200d}Ann",
            "Ann \u{200c}Lee",
            "A\u{202e}nn",
        ] {
            assert!(name("guestName", bad, 1, 200).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_read_nfc_normalised() {
        #[derive(serde::Deserialize)]
        struct Named {
            #[serde(deserialize_with = "nfc::string")]
            name: String,
            #[serde(default, deserialize_with = "nfc::option")]
            other: Option<String>,
        }
        let named: Named = serde_json::from_str(r#"{"name": "E\u0301"}"#).unwrap();
        assert_eq!((named.name.as_str(), named.other), ("\u{c9}", None));
        let named: Named =
            serde_json::from_str(r#"{"name": "A1", "other": "Caf\u0065\u0301"}"#).unwrap();
        assert_eq!(named.other.as_deref(), Some("Café"));
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
