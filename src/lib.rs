//! QTable: the multi-tenant backend behind restaurant host-stand iPads.
//! Layers (docs/architecture.md): a bottom layer that names no domain
//! (config, db, role, tokens, password, event, tenant, journal, error, http,
//! metrics, state), the domains above it, `floor` for what spans tables and
//! reservations, `web` (the host stand's page), `compat` translating the
//! app-as-it-grew's routes onto them, `import` (the operator's `qtable
//! import`) and `export` (a restaurant's move) over them all, and `startup`
//! assembling it all.

// The bottom layer.
pub mod config;
pub mod db;
pub mod embedded_pg;
pub mod error;
pub mod event;
pub mod http;
pub mod journal;
pub mod metrics;
pub mod password;
pub mod role;
pub mod state;
pub mod telemetry;
pub mod tenant;
pub mod tokens;

// The domains, which never import each other.
pub mod auth;
pub mod guest_profiles;
pub mod live;
pub mod reservations;
pub mod restaurants;
pub mod staff;
pub mod tables;

// What spans domains.
pub mod booking;
pub mod compat;
/// A restaurant's whole data out and back in: `GET …/export`, `qtable export`.
pub mod export;
pub mod floor;
/// An operator tool over every domain: `qtable import`.
pub mod import;

// The service around them.
pub mod docs;
pub mod health;
pub mod startup;
pub mod web;
