//! HTTP plumbing shared by every domain: JSON extraction that answers in our
//! error format, path ids, and the wire format of timestamps.

pub mod json;
pub mod time;

pub use json::{AppJson, AppPath, AppQuery};
