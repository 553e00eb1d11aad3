//! The edge rule: no string reaches a handler or a query holding a control
//! character where none makes sense. PostgreSQL refuses NUL in `text` and
//! `jsonb` (a 500 if it got that far), and the other controls are invisible
//! on the host's screen. One check here covers every JSON body at any depth
//! (keys included), query string and path segment, so a new field cannot
//! forget it; field-specific limits stay in `validate`.

use axum::http::HeaderValue;
use serde_json::Value;

use crate::error::{ApiError, FieldError};

/// A control character (C0, DEL, C1) other than the whitespace multi-line
/// text needs (tab, line feed, carriage return).
pub fn is_forbidden_in_text(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether a JSON document may hold a forbidden character in a string. Cheap,
/// since every write passes here: one pass over the bytes, no allocation. In
/// valid JSON a C0 control can only appear escaped (`\u0000`, `\b`, `\f`), and
/// DEL and C1 only raw; anything else this misreads is invalid JSON, which the
/// parser rejects anyway.
pub fn json_may_hold_control(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x7f => return true,
            // 0xC2 only ever leads a two-byte sequence; 0x80..=0x9F after it is C1.
            0xc2 if bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => return true,
            b'\\' => match bytes.get(i + 1) {
                Some(b'b' | b'f') => return true,
                Some(b'u') if escaped_control(bytes.get(i + 2..i + 6)) => return true,
                // Skips the escaped character, so `\\u0000` (a backslash, then text) is fine.
                _ => i += 1,
            },
            _ => {}
        }
        i += 1;
    }
    false
}

fn escaped_control(hex: Option<&[u8]>) -> bool {
    hex.and_then(|hex| std::str::from_utf8(hex).ok())
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .and_then(char::from_u32)
        .is_some_and(is_forbidden_in_text)
}

/// The first string (or key) in `value` holding a forbidden character, as a
/// 422 entry whose `loc` is its path under `body`.
pub fn find_in_json(value: &Value) -> Option<FieldError> {
    let mut loc = vec!["body".to_owned()];
    walk(value, &mut loc).then(|| control_error(loc))
}

fn walk(value: &Value, loc: &mut Vec<String>) -> bool {
    match value {
        Value::String(text) => text.chars().any(is_forbidden_in_text),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .any(|(index, item)| descend(loc, index.to_string(), item)),
        Value::Object(map) => map.iter().any(|(key, inner)| {
            if key.chars().any(is_forbidden_in_text) {
                loc.push(key.clone());
                return true;
            }
            descend(loc, key.clone(), inner)
        }),
        _ => false,
    }
}

/// Walks into `inner` under `segment`, leaving `loc` as it was if it is clean.
fn descend(loc: &mut Vec<String>, segment: String, inner: &Value) -> bool {
    loc.push(segment);
    let found = walk(inner, loc);
    if !found {
        loc.pop();
    }
    found
}

/// A 422 entry for a query parameter or path segment holding any control
/// character (none belongs in one, line breaks included).
pub fn check_param(place: &str, name: &str, value: &str) -> Result<(), FieldError> {
    if name.chars().chain(value.chars()).any(char::is_control) {
        return Err(control_error(vec![place.to_owned(), name.to_owned()]));
    }
    Ok(())
}

/// A header we read, as text: 400 unless it is visible ASCII (spaces inside
/// allowed). `HeaderValue::to_str` lets a tab through, and `obs-text` bytes
/// would otherwise turn into an empty string and pass unnoticed.
pub fn header_text<'a>(name: &str, value: &'a HeaderValue) -> Result<&'a str, ApiError> {
    let visible = value.as_bytes().iter().all(|b| (b' '..=b'~').contains(b));
    match value.to_str() {
        Ok(text) if visible => Ok(text.trim()),
        _ => Err(ApiError::BadRequest(format!(
            "the {name} header must be visible ASCII, without control characters"
        ))),
    }
}

fn control_error(loc: Vec<String>) -> FieldError {
    FieldError {
        loc,
        msg: "must not contain control characters".into(),
        kind: "value_error".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_finds_escaped_c0_raw_del_and_raw_c1() {
        for json in [
            r#"{"a": "x\u0000y"}"#,
            r#"{"a": "\u001F"}"#,
            r#"{"a": "\b"}"#,
            r#"{"a": "\f"}"#,
            r#"{"a": "\u007f"}"#,
            r#"{"a": "\u0085"}"#,
            "{\"a\": \"\u{7f}\"}",
            "{\"a\": \"\u{85}\"}",
        ] {
            assert!(json_may_hold_control(json.as_bytes()), "{json}");
        }
    }

    #[test]
    fn the_scan_passes_whitespace_escapes_backslashes_and_other_text() {
        for json in [
            r#"{"notes": "line one\nline two\r\n\ttabbed"}"#,
            r#"{"path": "C:\\u0000 is text", "quote": "\"", "slash": "\/"}"#,
            r#"{"name": "Zoë Ørsted 寿司 \u00e9 \u00a0"}"#,
            r#"[1, 2.5, true, null]"#,
        ] {
            assert!(!json_may_hold_control(json.as_bytes()), "{json}");
        }
    }

    #[test]
    fn the_walk_points_at_the_value_or_the_key() {
        let value: Value = serde_json::from_str(r#"{"settings": {"k": "a\u0000b"}}"#).unwrap();
        assert_eq!(find_in_json(&value).unwrap().loc, ["body", "settings", "k"]);
        let value: Value = serde_json::from_str(r#"{"settings": {"a\u0000b": "v"}}"#).unwrap();
        assert_eq!(
            find_in_json(&value).unwrap().loc,
            ["body", "settings", "a\u{0}b"]
        );
        let value: Value = serde_json::from_str(r#"{"list": ["ok", "\u0007"]}"#).unwrap();
        assert_eq!(find_in_json(&value).unwrap().loc, ["body", "list", "1"]);
        let value: Value = serde_json::from_str(r#"{"notes": "a\nb"}"#).unwrap();
        assert!(find_in_json(&value).is_none());
    }

    #[test]
    fn params_refuse_every_control_character() {
        assert!(check_param("query", "q", "pizza").is_ok());
        for bad in ["a\u{0}b", "a\nb", "\u{85}"] {
            let error = check_param("query", "q", bad).unwrap_err();
            assert_eq!(error.loc, ["query", "q"]);
        }
        assert!(check_param("query", "a\u{1}", "v").is_err());
    }

    #[test]
    fn headers_are_visible_ascii_or_a_bad_request() {
        let header = |bytes: &[u8]| HeaderValue::from_bytes(bytes).unwrap();
        assert_eq!(
            header_text("If-Match", &header(b" \"7\" ")).unwrap(),
            "\"7\""
        );
        assert_eq!(
            header_text("Idempotency-Key", &header(b"a b")).unwrap(),
            "a b"
        );
        for bad in [&b"k\ty"[..], b"k\x80y", "é".as_bytes()] {
            let error = header_text("Idempotency-Key", &header(bad)).unwrap_err();
            assert_eq!(error.code(), "bad_request");
        }
    }
}
