//! QTable: the multi-tenant backend behind restaurant host-stand iPads.

pub mod activity;
pub mod auth;
pub mod config;
pub mod db;
pub mod docs;
pub mod embedded_pg;
pub mod error;
pub mod health;
pub mod http;
pub mod live;
pub mod metrics;
pub mod reservations;
pub mod restaurants;
pub mod staff;
pub mod startup;
pub mod state;
pub mod tables;
pub mod telemetry;
