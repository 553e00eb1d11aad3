//! HTTP plumbing shared by every domain: JSON extraction that answers in our
//! error format, the edge rule on control characters, path ids, ETags, field
//! validation, error bodies for what hyper refuses, and the wire format of
//! timestamps.

pub mod control;
pub mod etag;
pub mod idempotency;
pub mod json;
pub mod parse_errors;
pub mod time;
pub mod validate;

pub use etag::{IfMatch, Tagged, Versioned};
pub use idempotency::Idempotent;
pub use json::{AppJson, AppPath, AppQuery, bearer_token};
