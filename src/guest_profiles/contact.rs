//! How a profile keeps a phone number and an email, and how a reservation's
//! free-text `contactInfo` is recognised as one of them (to link the visit).

use phonenumber::{Mode, country};

use crate::{error::FieldError, http::validate};

/// Longer than any phone number as people type them, spaces and all.
const PHONE_MAX: usize = 32;

/// A phone number in E.164 (`+15551234567`) when it is a valid number read
/// in `region` (the restaurant's default, for numbers without `+`); a string
/// of digits the parser cannot place is kept as typed. Text that is no phone
/// number at all (letters, too long, too few digits) is a 422.
pub fn phone(field: &str, typed: &str, region: &str) -> Result<String, FieldError> {
    let typed = phone_text(typed).ok_or_else(|| {
        FieldError::body(
            field,
            format!("must be a phone number: digits, spaces, + - ( ) . and at most {PHONE_MAX} characters"),
            "value_error",
        )
    })?;
    Ok(e164(typed, region).unwrap_or_else(|| typed.to_owned()))
}

/// The trimmed text when it looks like a phone number as people type one.
fn phone_text(typed: &str) -> Option<&str> {
    let typed = typed.trim();
    let digits = typed.chars().filter(char::is_ascii_digit).count();
    let phone_like = typed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (typed.chars().count() <= PHONE_MAX && phone_like && digits >= 3).then_some(typed)
}

/// The number in E.164, if it is a valid number read in `region`.
fn e164(typed: &str, region: &str) -> Option<String> {
    let region = region.parse::<country::Id>().ok();
    phonenumber::parse(region, typed)
        .ok()
        .filter(|number| number.is_valid())
        .map(|number| number.format().mode(Mode::E164).to_string())
}

/// What a free-text contact turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Phone(String),
    Email(String),
}

impl Contact {
    /// Reads a reservation's `contactInfo` to link its guest: an email, a
    /// phone number that is a valid number (read in `region`), or neither.
    /// Free text ("ask at the bar") and numbers no region has (the
    /// placeholder `+1234567890`) link nothing, so they never gather
    /// strangers into one profile.
    pub fn recognise(text: &str, region: &str) -> Option<Self> {
        if text.contains('@') {
            return validate::email("contactInfo", text).ok().map(Self::Email);
        }
        phone_text(text)
            .and_then(|typed| e164(typed, region))
            .map(Self::Phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_become_e164_in_the_restaurants_region() {
        assert_eq!(phone("p", "(202) 555-0143", "US").unwrap(), "+12025550143");
        assert_eq!(
            phone("p", "+44 20 7946 0958", "US").unwrap(),
            "+442079460958"
        );
        assert_eq!(phone("p", "020 7946 0958", "GB").unwrap(), "+442079460958");
    }

    #[test]
    fn numbers_the_parser_cannot_place_are_kept_as_typed() {
        assert_eq!(phone("p", " 12345 ", "US").unwrap(), "12345");
        assert_eq!(phone("p", "+999 1234", "US").unwrap(), "+999 1234");
    }

    #[test]
    fn text_that_is_no_phone_number_is_refused() {
        for bad in [
            "call me",
            "555-CALL-NOW",
            "12",
            "1234567890123456789012345678901234",
            "555\u{0}1234",
        ] {
            let error = phone("phone", bad, "US").unwrap_err();
            assert_eq!(error.loc, ["body", "phone"], "{bad:?}");
        }
    }

    #[test]
    fn contact_info_is_recognised_as_email_phone_or_neither() {
        assert_eq!(
            Contact::recognise("Ana@Example.com", "US"),
            Some(Contact::Email("ana@example.com".into()))
        );
        assert_eq!(
            Contact::recognise("202-555-0143", "US"),
            Some(Contact::Phone("+12025550143".into()))
        );
        assert_eq!(Contact::recognise("ask at the bar", "US"), None);
        assert_eq!(Contact::recognise("+1234567890", "US"), None);
        assert_eq!(Contact::recognise("not@an-email", "US"), None);
    }
}
