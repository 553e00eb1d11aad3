//! The import's writes into QTable, inside one restaurant's tenant
//! transaction. Rows go in batches (arrays bound as parameters, unnested),
//! as upserts that touch a row only when a value differs, and return which
//! rows were new (`xmax = 0`) and which updated: a second run writes nothing.

use serde_json::Value;
use uuid::Uuid;

use super::plan::{Entry, Profile, Restaurant, Table, User, Visit};
use crate::db::{self, TenantTx, statements};

statements! {
    /// Per visit, the history trigger recomputes the visit's profile: for a
    /// restaurant's thousands of visits that costs more than writing them.
    /// Deferred, each profile is recomputed once (`REFRESH_HISTORY`) before commit.
    DEFER_HISTORY = "select set_config('app.defer_guest_history', 'on', true)";
    SELECT_RESTAURANT = "select default_region from restaurants where id = $1";
    UPDATE_RESTAURANT = "update restaurants set name = $2, timezone = $3, settings = $4,
             version = version + 1, updated_at = now()
         where id = $1 and (name, timezone, settings) is distinct from ($2, $3, $4)";
    /// Nothing when the slug is taken (by another tenant, which this one cannot see).
    INSERT_RESTAURANT = "insert into restaurants (id, name, slug, timezone, settings)
         values ($1, $2, $3, $4, $5)
         on conflict do nothing
         returning default_region";
    /// Updates the users already here and inserts the others, in one
    /// statement: for each, whether it is new, updated, and here at all
    /// (not when an account elsewhere holds its email). A hash is replaced
    /// only while it is still the imported bcrypt one: after a sign-in,
    /// QTable's argon2id hash is the password.
    UPSERT_USERS = "with x as (
             select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                  $7::bool[], $8::timestamptz[])
                 as x(id, email, password_hash, first_name, last_name, role, active, created_at)
         ), updated as (
             update users u set email = x.email,
                 password_hash = case when u.password_hash like '$2%' then x.password_hash else u.password_hash end,
                 first_name = x.first_name, last_name = x.last_name, role = x.role::staff_role,
                 active = x.active, version = u.version + 1, updated_at = now()
             from x
             where u.id = x.id
               and (u.email, u.first_name, u.last_name, u.role, u.active,
                    u.password_hash like '$2%' and u.password_hash <> x.password_hash)
                   is distinct from (x.email, x.first_name, x.last_name, x.role::staff_role, x.active, false)
             returning u.id
         ), inserted as (
             insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role, active, created_at)
             select x.id, app.current_restaurant(), x.email, x.password_hash, x.first_name, x.last_name,
                    x.role::staff_role, x.active, coalesce(x.created_at, now())
             from x
             on conflict do nothing
             returning id
         )
         select x.id in (select id from inserted), x.id in (select id from updated),
                x.id in (select id from inserted) or exists (select 1 from users u where u.id = x.id)
         from x";
    UPSERT_TABLES = "insert into dining_tables as t (id, restaurant_id, table_number, capacity, status,
             position_x, position_y, shape, section, created_at)
         select x.id, app.current_restaurant(), x.number, x.capacity, x.status::table_status,
                x.px, x.py, x.shape::table_shape, x.section, coalesce(x.created_at, now())
         from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::timestamptz[])
             as x(id, number, capacity, status, px, py, shape, section, created_at)
         on conflict (id) do update set table_number = excluded.table_number, capacity = excluded.capacity,
             status = excluded.status, position_x = excluded.position_x, position_y = excluded.position_y,
             shape = excluded.shape, section = excluded.section, version = t.version + 1, updated_at = now()
         where (t.table_number, t.capacity, t.status, t.position_x, t.position_y, t.shape, t.section)
             is distinct from (excluded.table_number, excluded.capacity, excluded.status, excluded.position_x,
                               excluded.position_y, excluded.shape, excluded.section)
         returning id, xmax = 0";
    /// Who sits at each table. Run for the free tables before their status
    /// changes, and for the taken ones once their visits exist.
    SET_TABLE_GUESTS = "update dining_tables t set current_guest_id = x.guest,
             version = t.version + 1, updated_at = now()
         from unnest($1::uuid[], $2::uuid[]) as x(id, guest)
         where t.id = x.id and t.current_guest_id is distinct from x.guest
         returning t.id";
    UPSERT_PROFILES = "insert into guest_profiles as g (id, restaurant_id, first_name, last_name, phone, email,
             dietary_restrictions, prior_visit_count, created_at)
         select x.id, app.current_restaurant(), x.first_name, x.last_name, x.phone, x.email,
                array(select jsonb_array_elements_text(x.dietary)), x.prior, coalesce(x.created_at, now())
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[], $8::timestamptz[])
             as x(id, first_name, last_name, phone, email, dietary, prior, created_at)
         on conflict (id) do update set first_name = excluded.first_name, last_name = excluded.last_name,
             phone = excluded.phone, email = excluded.email, dietary_restrictions = excluded.dietary_restrictions,
             prior_visit_count = excluded.prior_visit_count, version = g.version + 1, updated_at = now()
         where (g.first_name, g.last_name, g.phone, g.email, g.dietary_restrictions, g.prior_visit_count)
             is distinct from (excluded.first_name, excluded.last_name, excluded.phone, excluded.email,
                               excluded.dietary_restrictions, excluded.prior_visit_count)
         returning id, xmax = 0";
    REFRESH_HISTORY = "select app.refresh_guest_history(id) from unnest($1::uuid[]) as id";
    /// Deferred too: each visit of these profiles gets its profile's summary
    /// once, and a visit left without a profile loses its summary.
    REFRESH_SUMMARIES = "update reservations r set guest_summary =
             (select app.guest_summary(g) from guest_profiles g where g.id = r.guest_profile_id)
         where r.guest_profile_id = any($1::uuid[])
            or (r.guest_profile_id is null and r.guest_summary is not null)";
    UPSERT_VISITS = "insert into reservations as r (id, restaurant_id, guest_name, party_size, status,
             reservation_time, check_in_time, seated_time, finished_time, assigned_table_id,
             contact_info, notes, guest_profile_id, created_at, updated_at)
         select x.id, app.current_restaurant(), x.guest_name, x.party_size, x.status::reservation_status,
                x.reservation_time, x.check_in_time, x.seated_time, x.finished_time, x.table_id,
                x.contact_info, x.notes, x.profile, coalesce(x.created_at, now()),
                coalesce(x.updated_at, x.created_at, now())
         from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                     $7::timestamptz[], $8::timestamptz[], $9::uuid[], $10::text[], $11::text[], $12::uuid[],
                     $13::timestamptz[], $14::timestamptz[])
             as x(id, guest_name, party_size, status, reservation_time, check_in_time, seated_time,
                  finished_time, table_id, contact_info, notes, profile, created_at, updated_at)
         on conflict (id) do update set guest_name = excluded.guest_name, party_size = excluded.party_size,
             status = excluded.status, reservation_time = excluded.reservation_time,
             check_in_time = excluded.check_in_time, seated_time = excluded.seated_time,
             finished_time = excluded.finished_time, assigned_table_id = excluded.assigned_table_id,
             contact_info = excluded.contact_info, notes = excluded.notes,
             guest_profile_id = excluded.guest_profile_id, version = r.version + 1, updated_at = now()
         where (r.guest_name, r.party_size, r.status, r.reservation_time, r.check_in_time, r.seated_time,
                r.finished_time, r.assigned_table_id, r.contact_info, r.notes, r.guest_profile_id)
             is distinct from (excluded.guest_name, excluded.party_size, excluded.status,
                               excluded.reservation_time, excluded.check_in_time, excluded.seated_time,
                               excluded.finished_time, excluded.assigned_table_id, excluded.contact_info,
                               excluded.notes, excluded.guest_profile_id)
         returning id, xmax = 0";
    /// The journal is history: an entry already here stays as it is.
    INSERT_ACTIVITY = "insert into activity (id, restaurant_id, at, user_id, action, entity_type, entity_id, before, after)
         select x.id, app.current_restaurant(), coalesce(x.at, now()), x.user_id, x.action, x.entity_type,
                x.entity_id, x.before, x.after
         from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::jsonb[])
             as x(id, at, user_id, action, entity_type, entity_id, before, after)
         on conflict (id) do nothing
         returning id";
    /// The seated parties' open seatings; one already open at a table stays.
    OPEN_SEATINGS = "insert into seatings (restaurant_id, reservation_id, table_id, seated_at)
         select app.current_restaurant(), x.visit, x.table_id, coalesce(x.seated_at, now())
         from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as x(visit, table_id, seated_at)
         on conflict (table_id) where released_at is null do nothing";
}

/// One column of a batch, to bind as an array.
fn column<'a, T, U>(rows: &'a [T], value: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(value).collect()
}

/// Which of a batch's rows were new and which updated (the rest were already so).
#[derive(Debug, Default)]
pub struct Written {
    pub new: Vec<Uuid>,
    pub updated: Vec<Uuid>,
}

impl Written {
    fn of(rows: Vec<(Uuid, bool)>) -> Self {
        let (new, updated): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, new)| *new);
        Self {
            new: new.into_iter().map(|(id, _)| id).collect(),
            updated: updated.into_iter().map(|(id, _)| id).collect(),
        }
    }
}

pub async fn defer_history(tx: &mut TenantTx) -> sqlx::Result<()> {
    db::query(DEFER_HISTORY).execute(tx.conn()).await?;
    Ok(())
}

/// The restaurant's phone region when it is already here.
pub async fn select_restaurant(tx: &mut TenantTx) -> sqlx::Result<Option<String>> {
    let id = tx.restaurant_id();
    db::query_scalar(SELECT_RESTAURANT)
        .bind(id)
        .fetch_optional(tx.conn())
        .await
}

/// Whether a value changed (the slug, once given, stays).
pub async fn update_restaurant(tx: &mut TenantTx, r: &Restaurant) -> sqlx::Result<bool> {
    let done = db::query(UPDATE_RESTAURANT)
        .bind(r.id)
        .bind(&r.name)
        .bind(&r.timezone)
        .bind(&r.settings)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The new restaurant's phone region, or `None` when `slug` is taken.
pub async fn insert_restaurant(
    tx: &mut TenantTx,
    r: &Restaurant,
    slug: &str,
) -> sqlx::Result<Option<String>> {
    db::query_scalar(INSERT_RESTAURANT)
        .bind(r.id)
        .bind(&r.name)
        .bind(slug)
        .bind(&r.timezone)
        .bind(&r.settings)
        .fetch_optional(tx.conn())
        .await
}

/// Users written: how many were new, updated, and are here afterwards.
pub async fn upsert_users(
    tx: &mut TenantTx,
    users: &[User],
) -> sqlx::Result<(usize, usize, usize)> {
    let rows: Vec<(bool, bool, bool)> = db::query_as(UPSERT_USERS)
        .bind(column(users, |u| u.id))
        .bind(column(users, |u| u.email.as_str()))
        .bind(column(users, |u| u.password_hash.as_str()))
        .bind(column(users, |u| u.first_name.as_str()))
        .bind(column(users, |u| u.last_name.as_str()))
        .bind(column(users, |u| u.role))
        .bind(column(users, |u| u.active))
        .bind(column(users, |u| u.created_at))
        .fetch_all(tx.conn())
        .await?;
    let count = |f: fn(&(bool, bool, bool)) -> bool| rows.iter().filter(|r| f(r)).count();
    Ok((count(|r| r.0), count(|r| r.1), count(|r| r.2)))
}

pub async fn upsert_tables(tx: &mut TenantTx, tables: &[Table]) -> sqlx::Result<Written> {
    let rows = db::query_as(UPSERT_TABLES)
        .bind(column(tables, |t| t.id))
        .bind(column(tables, |t| t.number.as_str()))
        .bind(column(tables, |t| t.capacity))
        .bind(column(tables, |t| t.status))
        .bind(column(tables, |t| t.position.0))
        .bind(column(tables, |t| t.position.1))
        .bind(column(tables, |t| t.shape))
        .bind(column(tables, |t| t.section.as_deref()))
        .bind(column(tables, |t| t.created_at))
        .fetch_all(tx.conn())
        .await?;
    Ok(Written::of(rows))
}

/// Sets `current_guest_id` of these tables; returns those that changed.
pub async fn set_table_guests<'a>(
    tx: &mut TenantTx,
    tables: impl Iterator<Item = &'a Table>,
) -> sqlx::Result<Vec<Uuid>> {
    let (ids, guests): (Vec<Uuid>, Vec<Option<Uuid>>) =
        tables.map(|t| (t.id, t.current_guest)).unzip();
    db::query_scalar(SET_TABLE_GUESTS)
        .bind(ids)
        .bind(guests)
        .fetch_all(tx.conn())
        .await
}

pub async fn upsert_profiles(tx: &mut TenantTx, profiles: &[Profile]) -> sqlx::Result<Written> {
    let dietary: Vec<Value> = profiles
        .iter()
        .map(|p| Value::from(p.dietary_restrictions.clone()))
        .collect();
    let rows = db::query_as(UPSERT_PROFILES)
        .bind(column(profiles, |p| p.id))
        .bind(column(profiles, |p| p.first_name.as_str()))
        .bind(column(profiles, |p| p.last_name.as_str()))
        .bind(column(profiles, |p| p.phone.as_deref()))
        .bind(column(profiles, |p| p.email.as_deref()))
        .bind(dietary)
        .bind(column(profiles, |p| p.prior_visits))
        .bind(column(profiles, |p| p.created_at))
        .fetch_all(tx.conn())
        .await?;
    Ok(Written::of(rows))
}

pub async fn refresh_history(tx: &mut TenantTx, profiles: &[Uuid]) -> sqlx::Result<()> {
    db::query(REFRESH_HISTORY)
        .bind(profiles)
        .execute(tx.conn())
        .await?;
    refresh_summaries(tx, profiles).await
}

/// The visits' copies of their profiles' summaries, once the history is true.
pub async fn refresh_summaries(tx: &mut TenantTx, profiles: &[Uuid]) -> sqlx::Result<()> {
    db::query(REFRESH_SUMMARIES)
        .bind(profiles)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn upsert_visits(tx: &mut TenantTx, visits: &[Visit]) -> sqlx::Result<Written> {
    let rows = db::query_as(UPSERT_VISITS)
        .bind(column(visits, |v| v.id))
        .bind(column(visits, |v| v.guest_name.as_str()))
        .bind(column(visits, |v| v.party_size))
        .bind(column(visits, |v| v.status))
        .bind(column(visits, |v| v.reservation_time))
        .bind(column(visits, |v| v.check_in_time))
        .bind(column(visits, |v| v.seated_time))
        .bind(column(visits, |v| v.finished_time))
        .bind(column(visits, |v| v.table))
        .bind(column(visits, |v| v.contact_info.as_deref()))
        .bind(column(visits, |v| v.notes.as_deref()))
        .bind(column(visits, |v| v.profile))
        .bind(column(visits, |v| v.created_at))
        .bind(column(visits, |v| v.updated_at))
        .fetch_all(tx.conn())
        .await?;
    Ok(Written::of(rows))
}

/// Opens a seating for every seated visit (at its table, since its seated time).
pub async fn open_seatings(tx: &mut TenantTx, visits: &[Visit]) -> sqlx::Result<()> {
    let seated: Vec<&Visit> = visits.iter().filter(|v| v.status == "seated").collect();
    db::query(OPEN_SEATINGS)
        .bind(column(&seated, |v| v.id))
        .bind(column(&seated, |v| v.table))
        .bind(column(&seated, |v| v.seated_time))
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// How many of these journal entries were new.
pub async fn insert_activity(tx: &mut TenantTx, entries: &[Entry]) -> sqlx::Result<usize> {
    let new: Vec<Uuid> = db::query_scalar(INSERT_ACTIVITY)
        .bind(column(entries, |e| e.id))
        .bind(column(entries, |e| e.at))
        .bind(column(entries, |e| e.user))
        .bind(column(entries, |e| e.action.as_str()))
        .bind(column(entries, |e| e.entity_type.as_str()))
        .bind(column(entries, |e| e.entity_id))
        .bind(column(entries, |e| e.before.clone()))
        .bind(column(entries, |e| e.after.clone()))
        .fetch_all(tx.conn())
        .await?;
    Ok(new.len())
}
