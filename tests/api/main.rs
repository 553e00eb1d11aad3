//! One integration-test binary: every module runs the real app on a real socket
//! against its own database cloned from a migrated template.

mod helpers;

mod auth;
mod booking;
mod browser;
mod combinations;
mod compat;
mod compat_flows;
mod compat_surface;
mod connections;
mod day_report;
mod docs;
mod errors;
mod export;
mod guest_profiles;
mod hardening;
mod health;
mod import;
mod input_edge;
mod live;
mod reservations;
mod servers;
mod service;
mod shifts;
mod staff;
mod statements;
mod tables;
mod tenancy;
mod transactions;
mod turn_times;
mod waitlist;
