//! The SQL the import runs on the Python service's database: reads only.
//! Every timestamp there is zone-less, so each is read `at time zone $n`,
//! the source zone, and arrives as a real instant.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::db::{self, statements};

statements! { python_original:
    /// The columns of every table in the source's schema, to check it is the one we read.
    SELECT_COLUMNS = "select table_name::text, column_name::text
         from information_schema.columns where table_schema = current_schema()";
    /// The zone the Python service's sessions had, which set none: a
    /// database or role setting (most specific first). Ours cannot just ask,
    /// as sqlx starts every session in UTC.
    SELECT_DATABASE_TIMEZONE = "select split_part(cfg, '=', 2)
         from pg_db_role_setting s cross join unnest(s.setconfig) as cfg
         where lower(split_part(cfg, '=', 1)) = 'timezone'
           and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
           and s.setrole in (0, (select oid from pg_roles where rolname = current_user))
         order by s.setrole <> 0 desc, s.setdatabase <> 0 desc
         limit 1";
    /// Else the server's configuration file (readable by superusers and
    /// `pg_read_all_settings`), else PostgreSQL's built-in default.
    SELECT_FILE_TIMEZONE = "select coalesce(
             (select setting from pg_file_settings where name = 'TimeZone' and applied order by seqno desc limit 1),
             (select boot_val from pg_settings where name = 'TimeZone'))";
    TIMEZONE_KNOWN = "select exists (select 1 from pg_timezone_names where name = $1)";
    /// All restaurants when `$1` is empty, else those named.
    SELECT_RESTAURANTS = "select id, name, slug, timezone, settings, is_active
         from restaurants where cardinality($1::text[]) = 0 or id = any($1)
         order by created_at, id";
    /// Every user of every restaurant: an email is decided across all of them.
    SELECT_USERS = "select id, restaurant_id, email, password_hash, first_name, last_name, role, is_active,
             coalesce(last_login_at, updated_at, created_at) at time zone $1 as last_active,
             created_at at time zone $1 as created_at
         from users order by id";
    SELECT_TABLES = "select id, restaurant_id, table_number, capacity, position_x, position_y, shape,
             section, status, current_guest_id, is_active, created_at at time zone $2 as created_at
         from restaurant_tables where restaurant_id = any($1) order by created_at, id";
    SELECT_GUESTS = "select id, restaurant_id, first_name, last_name, email, phone, party_size, status,
             table_id, reservation_time at time zone $2 as reservation_time,
             check_in_time at time zone $2 as check_in_time, seated_time at time zone $2 as seated_time,
             finished_time at time zone $2 as finished_time, dietary_restrictions, special_requests,
             notes, total_visits, created_at at time zone $2 as created_at,
             updated_at at time zone $2 as updated_at
         from guests where restaurant_id = any($1) order by created_at, id";
    SELECT_RESERVATIONS = "select id, restaurant_id, guest_id, table_id, party_size, guest_name,
             guest_phone, guest_email, status, reservation_time at time zone $2 as reservation_time,
             check_in_time at time zone $2 as check_in_time, seated_time at time zone $2 as seated_time,
             finished_time at time zone $2 as finished_time, notes, special_requests,
             created_at at time zone $2 as created_at, updated_at at time zone $2 as updated_at
         from reservations where restaurant_id = any($1) order by created_at, id";
    /// Only databases made before 2025-08-17 have this table.
    SELECT_ACTIVITY = "select id, restaurant_id, user_id, action, entity_type, entity_id,
             old_data, new_data, created_at at time zone $2 as created_at
         from activity_logs where restaurant_id = any($1) order by created_at, id";
}

pub type Time = Option<DateTime<Utc>>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Restaurant {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub timezone: Option<String>,
    pub settings: Option<Value>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub restaurant_id: String,
    pub email: String,
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<String>,
    pub is_active: Option<bool>,
    pub last_active: Time,
    pub created_at: Time,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Table {
    pub id: String,
    pub restaurant_id: String,
    pub table_number: String,
    pub capacity: i32,
    pub position_x: f64,
    pub position_y: f64,
    pub shape: Option<String>,
    pub section: Option<String>,
    pub status: Option<String>,
    pub current_guest_id: Option<String>,
    pub is_active: Option<bool>,
    pub created_at: Time,
}

/// One party's visit, with who they are (a Python guest).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Guest {
    pub id: String,
    pub restaurant_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub party_size: Option<i32>,
    pub status: Option<String>,
    pub table_id: Option<String>,
    pub reservation_time: Time,
    pub check_in_time: Time,
    pub seated_time: Time,
    pub finished_time: Time,
    pub dietary_restrictions: Option<Value>,
    pub special_requests: Option<String>,
    pub notes: Option<String>,
    pub total_visits: Option<i32>,
    pub created_at: Time,
    pub updated_at: Time,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reservation {
    pub id: String,
    pub restaurant_id: String,
    pub guest_id: Option<String>,
    pub table_id: Option<String>,
    pub party_size: i32,
    pub guest_name: String,
    pub guest_phone: Option<String>,
    pub guest_email: Option<String>,
    pub status: Option<String>,
    pub reservation_time: Time,
    pub check_in_time: Time,
    pub seated_time: Time,
    pub finished_time: Time,
    pub notes: Option<String>,
    pub special_requests: Option<String>,
    pub created_at: Time,
    pub updated_at: Time,
}

/// One entry of the Python service's activity log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Activity {
    pub id: String,
    pub restaurant_id: String,
    pub user_id: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub old_data: Option<Value>,
    pub new_data: Option<Value>,
    pub created_at: Time,
}

pub async fn select_columns(conn: &mut PgConnection) -> sqlx::Result<Vec<(String, String)>> {
    db::query_as(SELECT_COLUMNS).fetch_all(conn).await
}

/// The source server's `TimeZone` as its own clients got it.
pub async fn select_server_timezone(conn: &mut PgConnection) -> sqlx::Result<String> {
    let set: Option<String> = db::query_scalar(SELECT_DATABASE_TIMEZONE)
        .fetch_optional(&mut *conn)
        .await?;
    match set {
        Some(zone) => Ok(zone.trim_matches(['\'', '"']).to_owned()),
        None => db::query_scalar(SELECT_FILE_TIMEZONE).fetch_one(conn).await,
    }
}

pub async fn timezone_known(conn: &mut PgConnection, zone: &str) -> sqlx::Result<bool> {
    db::query_scalar(TIMEZONE_KNOWN)
        .bind(zone)
        .fetch_one(conn)
        .await
}

pub async fn select_restaurants(
    conn: &mut PgConnection,
    only: &[String],
) -> sqlx::Result<Vec<Restaurant>> {
    db::query_as(SELECT_RESTAURANTS)
        .bind(only)
        .fetch_all(conn)
        .await
}

pub async fn select_users(conn: &mut PgConnection, zone: &str) -> sqlx::Result<Vec<User>> {
    db::query_as(SELECT_USERS).bind(zone).fetch_all(conn).await
}

/// The rows of `statement` for these restaurants, times read in `zone`.
async fn select_for<T>(
    conn: &mut PgConnection,
    statement: &'static str,
    restaurants: &[String],
    zone: &str,
) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    db::query_as(statement)
        .bind(restaurants)
        .bind(zone)
        .fetch_all(conn)
        .await
}

pub async fn select_tables(
    conn: &mut PgConnection,
    restaurants: &[String],
    zone: &str,
) -> sqlx::Result<Vec<Table>> {
    select_for(conn, SELECT_TABLES, restaurants, zone).await
}

pub async fn select_guests(
    conn: &mut PgConnection,
    restaurants: &[String],
    zone: &str,
) -> sqlx::Result<Vec<Guest>> {
    select_for(conn, SELECT_GUESTS, restaurants, zone).await
}

pub async fn select_reservations(
    conn: &mut PgConnection,
    restaurants: &[String],
    zone: &str,
) -> sqlx::Result<Vec<Reservation>> {
    select_for(conn, SELECT_RESERVATIONS, restaurants, zone).await
}

pub async fn select_activity(
    conn: &mut PgConnection,
    restaurants: &[String],
    zone: &str,
) -> sqlx::Result<Vec<Activity>> {
    select_for(conn, SELECT_ACTIVITY, restaurants, zone).await
}
