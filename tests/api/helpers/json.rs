//! Reading and checking JSON bodies: ids, one field of many rows, the exact
//! key set of a contract shape, and wire timestamps.

use serde_json::Value;

/// The status and JSON body of a response.
pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// An object's `id`.
pub fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// The string `key` of each row, in order.
pub fn strings<'a>(rows: impl IntoIterator<Item = &'a Value>, key: &str) -> Vec<&'a str> {
    rows.into_iter()
        .map(|row| row[key].as_str().unwrap())
        .collect()
}

/// A Table's keys, sorted, as the contract (and the compat surface) send it.
pub const TABLE_KEYS: [&str; 10] = [
    "capacity",
    "createdAt",
    "currentGuestId",
    "id",
    "lastUpdated",
    "position",
    "section",
    "shape",
    "status",
    "tableNumber",
];

/// Asserts that an object has exactly these keys (given sorted).
pub fn assert_keys(value: &Value, expected: &[&str]) {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, expected);
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly.
pub fn assert_wire_timestamp(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    assert_eq!(text.len(), 20, "{text}");
    assert!(
        chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'),
        "{text}"
    );
}
