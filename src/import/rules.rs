//! The mapping's small rules, one value at a time: statuses, roles, shapes,
//! positions, table numbers. Each returns whether it had to change what the
//! source held, so the report can say how often and why.

use std::collections::HashSet;

/// The Python tables API took a coordinate above 1 as pixels on an 800x600
/// canvas (`app/api/tables.py`); rows written around it may hold anything.
const CANVAS: (f64, f64) = (800.0, 600.0);

/// A table status, or `None` when the source's is unknown (then `available`).
pub fn table_status(raw: Option<&str>) -> Option<&'static str> {
    match squash(raw?).as_str() {
        "available" => Some("available"),
        "occupied" => Some("occupied"),
        "reserved" => Some("reserved"),
        "outofservice" => Some("outOfService"),
        _ => None,
    }
}

/// A table shape; NULL is Python's default, `round`, and so is anything unknown.
pub fn shape(raw: Option<&str>) -> (&'static str, bool) {
    let Some(raw) = raw else {
        return ("round", false);
    };
    match squash(raw).as_str() {
        "round" => ("round", false),
        "square" => ("square", false),
        "rectangle" => ("rectangle", false),
        "oval" => ("oval", false),
        _ => ("round", true),
    }
}

/// A visit's status from a guest's (Title Case, lowercase) or a
/// reservation's (camelCase): COMPAT.md's one-to-one mapping.
pub fn visit_status(raw: Option<&str>) -> Option<&'static str> {
    Some(match squash(raw?).as_str() {
        "waitlist" | "waiting" => "waitlist",
        "confirmed" => "confirmed",
        "arrived" => "arrived",
        "partiallyarrived" => "partiallyArrived",
        "seated" => "seated",
        "finished" | "completed" => "finished",
        "cancelled" | "canceled" => "cancelled",
        "noshow" => "noShow",
        "runninglate" => "runningLate",
        _ => return None,
    })
}

/// A staff role; the Python service never checked roles, so anything but
/// the three we know is the least privileged.
pub fn role(raw: Option<&str>) -> (&'static str, bool) {
    match raw.map(squash).as_deref() {
        Some("owner") => ("owner", false),
        Some("manager") => ("manager", false),
        Some("staff") => ("staff", false),
        _ => ("staff", true),
    }
}

/// Lowercase, without spaces, `_` or `-`: `No Show`, `no_show`, `noShow` alike.
fn squash(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A position in 0..1: pixels converted as the Python service did, then
/// clamped. The flag says whether anything changed.
pub fn position(x: f64, y: f64) -> ((f64, f64), bool) {
    let fit = |value: f64, canvas: f64| {
        let value = if value.is_nan() { 0.0 } else { value };
        let scaled = if value > 1.0 { value / canvas } else { value };
        scaled.clamp(0.0, 1.0)
    };
    let fitted = (fit(x, CANVAS.0), fit(y, CANVAS.1));
    (fitted, fitted != (x, y))
}

/// A count the schema bounds to 1..99 (capacity, party size); 1 when unknown.
pub fn one_to_99(value: Option<i32>) -> (i32, bool) {
    match value {
        Some(n) if (1..=99).contains(&n) => (n, false),
        Some(n) => (n.clamp(1, 99), true),
        None => (1, true),
    }
}

/// Table numbers made unique within a restaurant, in the given order: the
/// first keeps its number, a later duplicate gets the first free `-2`, `-3`...
pub fn unique_numbers<'a>(numbers: impl IntoIterator<Item = &'a str>) -> Vec<(String, bool)> {
    let numbers: Vec<&str> = numbers.into_iter().map(str::trim).collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut wanted: HashSet<&str> = numbers.iter().copied().collect();
    numbers
        .iter()
        .map(|&number| {
            if taken.insert(number.to_owned()) {
                wanted.remove(number);
                return (number.to_owned(), false);
            }
            let free = (2..)
                .map(|n| format!("{number}-{n}"))
                .find(|candidate| {
                    !taken.contains(candidate) && !wanted.contains(candidate.as_str())
                })
                .expect("an unused suffix");
            taken.insert(free.clone());
            (free, true)
        })
        .collect()
}

/// `text` cut to `max` characters.
pub fn truncated(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The name a visit shows: first and last, or Python's own placeholder.
pub fn guest_name(first: Option<&str>, last: Option<&str>) -> String {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "Unknown Guest".to_owned()
    } else {
        truncated(&name, 200)
    }
}

/// A visit's notes: its notes and special requests, which have no column of their own.
pub fn notes(notes: Option<&str>, special_requests: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [notes, special_requests]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_and_reservation_statuses_map_whatever_their_case() {
        for (raw, status) in [
            ("Waitlist", "waitlist"),
            ("waitlist", "waitlist"),
            ("Seated", "seated"),
            ("finished", "finished"),
            ("No Show", "noShow"),
            ("noShow", "noShow"),
            ("Running Late", "runningLate"),
            ("partiallyArrived", "partiallyArrived"),
        ] {
            assert_eq!(visit_status(Some(raw)), Some(status), "{raw}");
        }
        assert_eq!(visit_status(Some("Dancing")), None);
        assert_eq!(visit_status(None), None);
    }

    #[test]
    fn table_statuses_and_roles_fall_back_to_the_safe_value() {
        assert_eq!(table_status(Some("out_of_service")), Some("outOfService"));
        assert_eq!(table_status(Some("cleaning")), None);
        assert_eq!(role(Some("Manager")), ("manager", false));
        assert_eq!(role(Some("admin")), ("staff", true));
        assert_eq!(role(None), ("staff", true));
        assert_eq!(shape(None), ("round", false));
        assert_eq!(shape(Some("hexagon")), ("round", true));
    }

    #[test]
    fn pixel_positions_are_converted_on_800_by_600_then_clamped() {
        assert_eq!(position(0.5, 0.25), ((0.5, 0.25), false));
        assert_eq!(position(200.0, 150.0), ((0.25, 0.25), true));
        assert_eq!(position(1600.0, -3.0), ((1.0, 0.0), true));
    }

    #[test]
    fn duplicate_table_numbers_get_the_first_free_suffix() {
        let numbers = unique_numbers(["1", "2", "1", "1-2", "1"]);
        let names: Vec<&str> = numbers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["1", "2", "1-3", "1-2", "1-4"]);
        assert_eq!(numbers.iter().filter(|(_, changed)| *changed).count(), 2);
    }

    #[test]
    fn names_and_notes_are_assembled_as_the_python_service_showed_them() {
        assert_eq!(guest_name(Some(" Ana "), Some("Silva")), "Ana Silva");
        assert_eq!(guest_name(None, Some("")), "Unknown Guest");
        assert_eq!(
            notes(Some("window"), Some("cake")).as_deref(),
            Some("window\ncake")
        );
        assert_eq!(notes(None, Some(" ")), None);
        assert_eq!(one_to_99(Some(0)), (1, true));
        assert_eq!(one_to_99(None), (1, true));
    }
}
