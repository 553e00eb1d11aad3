//! Seating's SQL: locking, taking and freeing tables, and the reservation
//! writes that go with them, all inside the tenant transaction.

use uuid::Uuid;

use super::snapshot::SnapshotRow;

use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, on_constraint, on_constraints},
    reservations::{
        lifecycle::Effects,
        model::{
            GUEST_PROFILE_KEY, Reservation, ReservationStatus, UpdateReservation,
            guest_profile_gone, reservation_columns,
        },
    },
    tables::model::{Table, table_columns},
};

statements! {
    LOCK_TABLE = concat!("select ", table_columns!(), " from dining_tables where id = $1 for update");
    /// Rows are locked in id order, as `LOCK_TABLES` locks them, so two
    /// parties taking overlapping tables never wait on each other in a cycle.
    LOCK_TABLES_OF_GUEST = concat!(
        "select ", table_columns!(), " from dining_tables where current_guest_id = $1 order by id for update"
    );
    LOCK_TABLES = concat!(
        "select ", table_columns!(), " from dining_tables where id = any($1) order by id for update"
    );
    /// Read-locked: a combination's members cannot change under a seating.
    LOCK_COMBINATION = "select table_ids, max_capacity, name from table_combinations where id = $1 for share";
    OPEN_SEATINGS = "insert into seatings (restaurant_id, reservation_id, table_id)
         select $1, $2, unnest($3::uuid[])";
    CLOSE_SEATINGS = "update seatings set released_at = now() where reservation_id = $1 and released_at is null";
    /// Seats `$2` at the table (occupied), or with null frees it (available).
    SET_GUEST = concat!(
        "update dining_tables set
             current_guest_id = $2,
             status = case when $2::uuid is null then 'available'::table_status else 'occupied'::table_status end,
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", table_columns!()
    );
    LOCK_RESERVATION = concat!("select ", reservation_columns!(), " from reservations where id = $1 for update");
    /// The given fields and, when given, a status change with its timestamps.
    UPDATE_RESERVATION = concat!(
        "update reservations set
             guest_name = coalesce($2, guest_name),
             party_size = coalesce($3, party_size),
             reservation_time = coalesce($4, reservation_time),
             contact_info = coalesce($5, contact_info),
             notes = coalesce($6, notes),
             assigned_table_id = coalesce($7, assigned_table_id),
             assigned_combination_id = case when $13::uuid is not null then $13
                 when $7::uuid is not null then null else assigned_combination_id end,
             status = coalesce($8, status),
             check_in_time = case when $9 then coalesce(check_in_time, now()) else check_in_time end,
             seated_time = case when $10 then now() else seated_time end,
             finished_time = case when $11 then now() when $12 then null else finished_time end,
             guest_profile_id = coalesce($14, guest_profile_id),
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", reservation_columns!()
    );
    /// Reservations assigned to the table, alone or in a combination, lose the assignment.
    /// Stores a walk-in's quote, part of the write that added it (no new version).
    SET_QUOTE = concat!(
        "update reservations set quoted_wait_minutes = $2, quoted_at = now() where id = $1
         returning ", reservation_columns!()
    );
    /// The floor in one round trip: the clock; every table with the party at
    /// it; the combinations, turn times and the upcoming reservations that
    /// hold tables (small, as JSON); the walk-in queue (its order is the
    /// caller's: one sort in Rust instead of one per array). The big
    /// parts come as parallel arrays, which travel in binary: building JSON
    /// for a hundred tables cost more than the rest of the quote. Walk-ins of
    /// more than a day ago are not waiting any more.
    SNAPSHOT = "select now() as now, t.*, c.combinations, h.holds, q.*,
             (select json_build_object('defaultMinutes', default_minutes, 'byPartySize', by_party_size)
              from turn_times) as turn_times
         from (select coalesce(array_agg(t.id), '{}') as table_ids,
                      coalesce(array_agg(t.table_number), '{}') as numbers,
                      coalesce(array_agg(t.capacity), '{}') as capacities,
                      -- A table reserved by hand has no time the engine could plan around.
                      coalesce(array_agg(t.status in ('available', 'occupied')), '{}') as seatable,
                      coalesce(array_agg(t.section), '{}') as sections,
                      coalesce(array_agg(t.current_guest_id), '{}') as guests,
                      coalesce(array_agg(coalesce(r.party_size, t.capacity)), '{}') as party_sizes,
                      -- Occupied by hand, with no party: since its last change.
                      coalesce(array_agg(coalesce(r.seated_time,
                          case when t.status = 'occupied' then t.updated_at end)), '{}') as seated_at
               from dining_tables t left join reservations r on r.id = t.current_guest_id) t,
              (select coalesce(json_agg(json_build_object('id', c.id, 'tableIds', c.table_ids,
                          'minCapacity', c.min_capacity, 'maxCapacity', c.max_capacity)), '[]') as combinations
               from table_combinations c) c,
              (select coalesce(json_agg(json_build_object('at', r.reservation_time, 'partySize', r.party_size,
                          'tableIds', coalesce((select c.table_ids from table_combinations c where c.id = r.assigned_combination_id),
                                               array[r.assigned_table_id]))), '[]') as holds
               from reservations r
               where r.booked_at > now() - interval '1 hour' and r.booked_at < now() + interval '1 day'
                 and r.reservation_time is not null and r.assigned_table_id is not null
                 and r.status in ('confirmed', 'runningLate', 'arrived', 'partiallyArrived', 'waitlist')) h,
              (select coalesce(array_agg(r.id), '{}') as queue_ids,
                      coalesce(array_agg(r.guest_name), '{}') as queue_names,
                      coalesce(array_agg(r.party_size), '{}') as queue_sizes,
                      coalesce(array_agg(r.created_at), '{}') as queue_joined,
                      coalesce(array_agg(r.quoted_wait_minutes), '{}') as queue_quotes,
                      coalesce(array_agg(r.quoted_at), '{}') as queue_quoted_at
               from reservations r
               where r.booked_at > now() - interval '1 day' and r.reservation_time is null
                 and r.status in ('waitlist', 'confirmed', 'runningLate', 'arrived', 'partiallyArrived')) q";
    UNASSIGN_TABLE = concat!(
        "update reservations set
             assigned_table_id = case when assigned_table_id = $1 then null else assigned_table_id end,
             assigned_combination_id = null,
             version = version + 1,
             updated_at = now()
         where assigned_table_id = $1
            or assigned_combination_id in (select id from table_combinations where $1 = any(table_ids))
         returning ", reservation_columns!()
    );
}

/// The database's own backstop against double seating: whichever unique
/// index a racing writer trips, the answer is the one the row lock gives.
fn table_occupied() -> ApiError {
    ApiError::conflict(
        "table_occupied",
        "the table is already occupied by another party",
    )
}

/// The table, locked until commit: seating decisions about it are serialised.
pub async fn lock_table(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Table>> {
    Ok(db::query_as(LOCK_TABLE)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The tables `guest` is seated at, locked.
pub async fn lock_tables_of_guest(tx: &mut TenantTx, guest: Uuid) -> ApiResult<Vec<Table>> {
    Ok(db::query_as(LOCK_TABLES_OF_GUEST)
        .bind(guest)
        .fetch_all(tx.conn())
        .await?)
}

/// The tables with these ids, locked (missing ones are simply absent).
pub async fn lock_tables(tx: &mut TenantTx, ids: &[Uuid]) -> ApiResult<Vec<Table>> {
    Ok(db::query_as(LOCK_TABLES)
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}

/// A combination's members (natural order), maximum capacity and name, read-locked.
pub async fn lock_combination(
    tx: &mut TenantTx,
    id: Uuid,
) -> ApiResult<Option<(Vec<Uuid>, i32, String)>> {
    Ok(db::query_as(LOCK_COMBINATION)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn set_guest(tx: &mut TenantTx, id: Uuid, guest: Option<Uuid>) -> ApiResult<Table> {
    Ok(db::query_as(SET_GUEST)
        .bind(id)
        .bind(guest)
        .fetch_one(tx.conn())
        .await?)
}

/// Opens a seating of `guest` at each table: the unique index on open
/// seatings refuses a table another party holds.
pub async fn open_seatings(tx: &mut TenantTx, guest: Uuid, tables: &[Uuid]) -> ApiResult<()> {
    let restaurant_id = tx.restaurant_id();
    db::query(OPEN_SEATINGS)
        .bind(restaurant_id)
        .bind(guest)
        .bind(tables)
        .execute(tx.conn())
        .await
        .map_err(on_constraint(
            "seatings_one_party_per_table",
            table_occupied,
        ))?;
    Ok(())
}

pub async fn close_seatings(tx: &mut TenantTx, guest: Uuid) -> ApiResult<()> {
    db::query(CLOSE_SEATINGS)
        .bind(guest)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The reservation, locked until commit.
pub async fn lock_reservation(tx: &mut TenantTx, id: Uuid) -> ApiResult<Option<Reservation>> {
    Ok(db::query_as(LOCK_RESERVATION)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?)
}

/// A status change as the lifecycle allowed it.
pub struct StatusUpdate {
    pub status: ReservationStatus,
    pub effects: Effects,
}

/// Where the party is to sit: a table (a combination's first member) and
/// the combination, when one is named; `None`s keep the current assignment.
#[derive(Debug, Default, Clone, Copy)]
pub struct Assignment {
    pub table_id: Option<Uuid>,
    pub combination_id: Option<Uuid>,
}

pub async fn update_reservation(
    tx: &mut TenantTx,
    id: Uuid,
    change: &UpdateReservation,
    status: Option<&StatusUpdate>,
    assignment: Assignment,
) -> ApiResult<Reservation> {
    let effects = status.map(|s| s.effects).unwrap_or_default();
    db::query_as(UPDATE_RESERVATION)
        .bind(id)
        .bind(change.guest_name.as_deref().map(str::trim))
        .bind(change.party_size)
        .bind(change.reservation_time)
        .bind(change.contact_info.as_deref())
        .bind(change.notes.as_deref())
        .bind(assignment.table_id)
        .bind(status.map(|s| s.status))
        .bind(effects.set_check_in)
        .bind(effects.seat)
        .bind(effects.finish)
        .bind(effects.reopen)
        .bind(assignment.combination_id)
        .bind(change.guest_profile_id)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraints(&[
            ("reservations_one_seated_per_table", table_occupied),
            (GUEST_PROFILE_KEY, guest_profile_gone),
        ]))
}

pub async fn set_quote(tx: &mut TenantTx, id: Uuid, minutes: i32) -> ApiResult<Reservation> {
    Ok(db::query_as(SET_QUOTE)
        .bind(id)
        .bind(minutes)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn snapshot(tx: &mut TenantTx) -> ApiResult<SnapshotRow> {
    Ok(db::query_as(SNAPSHOT).fetch_one(tx.conn()).await?)
}

/// Clears the assignment of every reservation to a table about to be deleted.
pub async fn unassign_table(tx: &mut TenantTx, table_id: Uuid) -> ApiResult<Vec<Reservation>> {
    Ok(db::query_as(UNASSIGN_TABLE)
        .bind(table_id)
        .fetch_all(tx.conn())
        .await?)
}
