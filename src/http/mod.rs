//! HTTP plumbing shared by every domain: JSON extraction that answers in our
//! error format, the edge rule on control characters, path ids, ETags, field
//! validation, error bodies for what hyper refuses, the wire format of
//! timestamps and of local times and days, and the accept loop with its connection bounds.

pub mod control;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod local;
pub mod parse_errors;
pub mod server;
pub mod time;
pub mod validate;

pub use etag::{IfMatch, Tagged, Versioned};
pub use extract::{AppJson, AppPath, AppQuery, RestaurantId, bearer_token};
pub use idempotency::Idempotent;
