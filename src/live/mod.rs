//! Live updates. Every change is written to the per-restaurant event log in
//! the same transaction as the change itself; the log is the source of truth
//! for delivery and replay.

pub mod event;

pub use event::{Event, EventKind};
