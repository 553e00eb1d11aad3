//! The export's reads, one statement per section of the document, each a
//! stream of rows (a restaurant's book is written as it is read, never held
//! whole). Row-level security limits every one to the transaction's tenant.

use futures_util::stream::BoxStream;
use sqlx::{FromRow, postgres::PgRow};

use super::document::{
    ExportedClosure, ExportedCombination, ExportedGuestProfile, ExportedManageToken,
    ExportedReservation, ExportedRestaurant, ExportedSeating, ExportedServerAssignment,
    ExportedShift, ExportedStaff, ExportedTable, ExportedTurnTimes,
};
use crate::db::{self, TenantTx, statements};

statements! {
    SELECT_RESTAURANT = "select id, name, slug, timezone, default_region, settings, version, created_at, updated_at
         from restaurants";
    /// The hash only when asked for (`$1`): an HTTP export never reads it.
    SELECT_STAFF = "select id, email, case when $1 then password_hash end as password_hash,
                first_name, last_name, role, active, version, created_at, updated_at
         from users order by created_at, id";
    SELECT_TABLES = "select id, table_number, capacity, status, position_x, position_y, shape, section,
                current_guest_id, version, created_at, updated_at
         from dining_tables order by created_at, id";
    SELECT_COMBINATIONS = "select id, name, table_ids, min_capacity, max_capacity, version, created_at, updated_at
         from table_combinations order by created_at, id";
    SELECT_TURN_TIMES = "select default_minutes, by_party_size, version, updated_at from turn_times";
    SELECT_SERVER_ASSIGNMENTS = "select day, section, user_id, created_at
         from server_assignments order by day, section";
    SELECT_SHIFTS = "select id, name, days_of_week, start_time, last_seating_time, end_time, slot_minutes,
                covers_per_slot, online_covers_per_slot, min_notice_minutes, max_advance_days,
                version, created_at, updated_at
         from shifts order by created_at, id";
    SELECT_CLOSURES = "select day, reason, created_at from closures order by day";
    SELECT_GUEST_PROFILES = "select id, first_name, last_name, phone, email, notes, dietary_restrictions, tags,
                prior_visit_count, visit_count, cover_count, no_show_count, cancellation_count,
                first_visit_at, last_visit_at, erased_at, version, created_at, updated_at
         from guest_profiles order by created_at, id";
    /// In the list's order (its index), so reading the book sorts nothing.
    SELECT_RESERVATIONS = "select id, guest_name, party_size, status, reservation_time, check_in_time,
                seated_time, finished_time, assigned_table_id, assigned_combination_id, guest_profile_id,
                contact_info, notes, special_requests, quoted_wait_minutes, quoted_at, booked_online,
                version, created_at, updated_at
         from reservations order by booked_at, id";
    SELECT_SEATINGS = "select id, reservation_id, table_id, seated_at, released_at
         from seatings order by seated_at, id";
    SELECT_MANAGE_TOKENS = "select reservation_id, encode(token_hash, 'hex') as token_hash, created_at
         from manage_tokens order by created_at, reservation_id";
}

pub type Rows<'a, T> = BoxStream<'a, sqlx::Result<T>>;

fn rows<'a, T>(tx: &'a mut TenantTx, sql: &'static str) -> Rows<'a, T>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin + 'a,
{
    db::query_as(sql).fetch(tx.conn())
}

pub async fn restaurant(tx: &mut TenantTx) -> sqlx::Result<ExportedRestaurant> {
    db::query_as(SELECT_RESTAURANT).fetch_one(tx.conn()).await
}

pub fn staff(tx: &mut TenantTx, with_hashes: bool) -> Rows<'_, ExportedStaff> {
    db::query_as(SELECT_STAFF)
        .bind(with_hashes)
        .fetch(tx.conn())
}

pub fn tables(tx: &mut TenantTx) -> Rows<'_, ExportedTable> {
    rows(tx, SELECT_TABLES)
}

pub fn combinations(tx: &mut TenantTx) -> Rows<'_, ExportedCombination> {
    rows(tx, SELECT_COMBINATIONS)
}

pub async fn turn_times(tx: &mut TenantTx) -> sqlx::Result<Option<ExportedTurnTimes>> {
    db::query_as(SELECT_TURN_TIMES)
        .fetch_optional(tx.conn())
        .await
}

pub fn server_assignments(tx: &mut TenantTx) -> Rows<'_, ExportedServerAssignment> {
    rows(tx, SELECT_SERVER_ASSIGNMENTS)
}

pub fn shifts(tx: &mut TenantTx) -> Rows<'_, ExportedShift> {
    rows(tx, SELECT_SHIFTS)
}

pub fn closures(tx: &mut TenantTx) -> Rows<'_, ExportedClosure> {
    rows(tx, SELECT_CLOSURES)
}

pub fn guest_profiles(tx: &mut TenantTx) -> Rows<'_, ExportedGuestProfile> {
    rows(tx, SELECT_GUEST_PROFILES)
}

pub fn reservations(tx: &mut TenantTx) -> Rows<'_, ExportedReservation> {
    rows(tx, SELECT_RESERVATIONS)
}

pub fn seatings(tx: &mut TenantTx) -> Rows<'_, ExportedSeating> {
    rows(tx, SELECT_SEATINGS)
}

pub fn manage_tokens(tx: &mut TenantTx) -> Rows<'_, ExportedManageToken> {
    rows(tx, SELECT_MANAGE_TOKENS)
}
