//! The loader's writes: plain inserts, so a row the deployment already has
//! fails the load instead of being overwritten. Each binds a batch of the
//! document's own rows as one JSON array (`jsonb_to_recordset`, the keys as
//! the document spells them), so a section is one statement per batch.

use serde::Serialize;
use sqlx::PgPool;

use crate::db::{self, TenantTx, statements};

statements! {
    INSERT_RESTAURANT = r#"insert into restaurants (id, name, slug, timezone, default_region, settings,
             version, created_at, updated_at)
         select x.id, x.name, x.slug, x.timezone, x."defaultRegion", x.settings, x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, name text, slug text, timezone text, "defaultRegion" text,
             settings jsonb, version int, "createdAt" timestamptz, "updatedAt" timestamptz)"#;
    INSERT_STAFF = r#"insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role,
             active, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x.email, x."passwordHash", x."firstName", x."lastName", x.role,
                x.active, x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, email text, "passwordHash" text, "firstName" text,
             "lastName" text, role staff_role, active bool, version int, "createdAt" timestamptz,
             "updatedAt" timestamptz)"#;
    INSERT_TURN_TIMES = r#"insert into turn_times (restaurant_id, default_minutes, by_party_size, version, updated_at)
         select app.current_restaurant(), x."defaultMinutes", x."byPartySize", x.version, x."updatedAt"
         from jsonb_to_recordset($1) as x("defaultMinutes" int, "byPartySize" jsonb, version int,
             "updatedAt" timestamptz)"#;
    /// Free of guests: the reservations they seat come later (`SET_TABLE_GUESTS`).
    INSERT_TABLES = r#"insert into dining_tables (id, restaurant_id, table_number, capacity, status,
             position_x, position_y, shape, section, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x."tableNumber", x.capacity, x.status, x."positionX",
                x."positionY", x.shape, x.section, x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, "tableNumber" text, capacity int, status table_status,
             "positionX" float8, "positionY" float8, shape table_shape, section text, version int,
             "createdAt" timestamptz, "updatedAt" timestamptz)"#;
    SET_TABLE_GUESTS = r#"update dining_tables t set current_guest_id = x."currentGuestId"
         from jsonb_to_recordset($1) as x(id uuid, "currentGuestId" uuid)
         where t.id = x.id and x."currentGuestId" is not null"#;
    INSERT_COMBINATIONS = r#"insert into table_combinations (id, restaurant_id, name, table_ids, min_capacity,
             max_capacity, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x.name, x."tableIds", x."minCapacity", x."maxCapacity",
                x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, name text, "tableIds" uuid[], "minCapacity" int,
             "maxCapacity" int, version int, "createdAt" timestamptz, "updatedAt" timestamptz)"#;
    INSERT_SERVER_ASSIGNMENTS = r#"insert into server_assignments (restaurant_id, day, section, user_id, created_at)
         select app.current_restaurant(), x.day, x.section, x."userId", x."createdAt"
         from jsonb_to_recordset($1) as x(day date, section text, "userId" uuid, "createdAt" timestamptz)"#;
    INSERT_SHIFTS = r#"insert into shifts (id, restaurant_id, name, days_of_week, start_time, last_seating_time,
             end_time, slot_minutes, covers_per_slot, online_covers_per_slot, min_notice_minutes,
             max_advance_days, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x.name, x."daysOfWeek", x."startTime", x."lastSeatingTime",
                x."endTime", x."slotMinutes", x."coversPerSlot", x."onlineCoversPerSlot", x."minNoticeMinutes",
                x."maxAdvanceDays", x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, name text, "daysOfWeek" int[], "startTime" time,
             "lastSeatingTime" time, "endTime" time, "slotMinutes" int, "coversPerSlot" int,
             "onlineCoversPerSlot" int, "minNoticeMinutes" int, "maxAdvanceDays" int, version int,
             "createdAt" timestamptz, "updatedAt" timestamptz)"#;
    INSERT_CLOSURES = r#"insert into closures (restaurant_id, day, reason, created_at)
         select app.current_restaurant(), x.day, x.reason, x."createdAt"
         from jsonb_to_recordset($1) as x(day date, reason text, "createdAt" timestamptz)"#;
    /// With the history as exported: the load defers its triggers.
    INSERT_GUEST_PROFILES = r#"insert into guest_profiles (id, restaurant_id, first_name, last_name, phone, email,
             notes, dietary_restrictions, tags, prior_visit_count, visit_count, cover_count, no_show_count,
             cancellation_count, first_visit_at, last_visit_at, erased_at, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x."firstName", x."lastName", x.phone, x.email, x.notes,
                x."dietaryRestrictions", x.tags, x."priorVisitCount", x."visitCount", x."coverCount",
                x."noShowCount", x."cancellationCount", x."firstVisitAt", x."lastVisitAt", x."erasedAt",
                x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, "firstName" text, "lastName" text, phone text, email text,
             notes text, "dietaryRestrictions" text[], tags text[], "priorVisitCount" int, "visitCount" int,
             "coverCount" int, "noShowCount" int, "cancellationCount" int, "firstVisitAt" timestamptz,
             "lastVisitAt" timestamptz, "erasedAt" timestamptz, version int, "createdAt" timestamptz,
             "updatedAt" timestamptz)"#;
    INSERT_RESERVATIONS = r#"insert into reservations (id, restaurant_id, guest_name, party_size, status,
             reservation_time, check_in_time, seated_time, finished_time, assigned_table_id,
             assigned_combination_id, guest_profile_id, contact_info, notes, special_requests,
             quoted_wait_minutes, quoted_at, booked_online, version, created_at, updated_at)
         select x.id, app.current_restaurant(), x."guestName", x."partySize", x.status, x."reservationTime",
                x."checkInTime", x."seatedTime", x."finishedTime", x."assignedTableId",
                x."assignedCombinationId", x."guestProfileId", x."contactInfo", x.notes, x."specialRequests",
                x."quotedWaitMinutes", x."quotedAt", x."bookedOnline", x.version, x."createdAt", x."updatedAt"
         from jsonb_to_recordset($1) as x(id uuid, "guestName" text, "partySize" int,
             status reservation_status, "reservationTime" timestamptz, "checkInTime" timestamptz,
             "seatedTime" timestamptz, "finishedTime" timestamptz, "assignedTableId" uuid,
             "assignedCombinationId" uuid, "guestProfileId" uuid, "contactInfo" text, notes text,
             "specialRequests" text, "quotedWaitMinutes" int, "quotedAt" timestamptz, "bookedOnline" bool,
             version int, "createdAt" timestamptz, "updatedAt" timestamptz)"#;
    INSERT_SEATINGS = r#"insert into seatings (id, restaurant_id, reservation_id, table_id, seated_at, released_at)
         select x.id, app.current_restaurant(), x."reservationId", x."tableId", x."seatedAt", x."releasedAt"
         from jsonb_to_recordset($1) as x(id uuid, "reservationId" uuid, "tableId" uuid,
             "seatedAt" timestamptz, "releasedAt" timestamptz)"#;
    INSERT_MANAGE_TOKENS = r#"insert into manage_tokens (reservation_id, restaurant_id, token_hash, created_at)
         select x."reservationId", app.current_restaurant(), decode(x."tokenHash", 'hex'), x."createdAt"
         from jsonb_to_recordset($1) as x("reservationId" uuid, "tokenHash" text, "createdAt" timestamptz)"#;
    /// Which of these emails have an account, in any restaurant (through the
    /// sign-in lookup, the one door across tenants for an email).
    SELECT_TAKEN_EMAILS = "select email from unnest($1::text[]) as email
         where exists (select 1 from auth_private.find_login(email))";
    /// Every profile of the restaurant: a load writes them all.
    SELECT_PROFILE_IDS = "select id from guest_profiles";
}

/// Rows bound per statement: a few megabytes of JSON for the widest rows.
const BATCH: usize = 5_000;

/// One section of the document, as rows of a table.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub name: &'static str,
    sql: &'static str,
}

pub const RESTAURANT: Section = Section {
    name: "restaurant",
    sql: INSERT_RESTAURANT,
};
pub const STAFF: Section = Section {
    name: "staff",
    sql: INSERT_STAFF,
};
pub const TURN_TIMES: Section = Section {
    name: "turnTimes",
    sql: INSERT_TURN_TIMES,
};
pub const TABLES: Section = Section {
    name: "tables",
    sql: INSERT_TABLES,
};
pub const TABLE_GUESTS: Section = Section {
    name: "tables (their guests)",
    sql: SET_TABLE_GUESTS,
};
pub const COMBINATIONS: Section = Section {
    name: "combinations",
    sql: INSERT_COMBINATIONS,
};
pub const SERVER_ASSIGNMENTS: Section = Section {
    name: "serverAssignments",
    sql: INSERT_SERVER_ASSIGNMENTS,
};
pub const SHIFTS: Section = Section {
    name: "shifts",
    sql: INSERT_SHIFTS,
};
pub const CLOSURES: Section = Section {
    name: "closures",
    sql: INSERT_CLOSURES,
};
pub const GUEST_PROFILES: Section = Section {
    name: "guestProfiles",
    sql: INSERT_GUEST_PROFILES,
};
pub const RESERVATIONS: Section = Section {
    name: "reservations",
    sql: INSERT_RESERVATIONS,
};
pub const SEATINGS: Section = Section {
    name: "seatings",
    sql: INSERT_SEATINGS,
};
pub const MANAGE_TOKENS: Section = Section {
    name: "manageTokens",
    sql: INSERT_MANAGE_TOKENS,
};

/// Writes `rows` into the section's table, a batch per statement.
pub async fn insert<T: Serialize + Sync>(
    tx: &mut TenantTx,
    section: Section,
    rows: &[T],
) -> sqlx::Result<()> {
    for batch in rows.chunks(BATCH) {
        db::query(section.sql)
            .bind(sqlx::types::Json(batch))
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// In a transaction of its own, for a transaction pooler (as `auth` does).
pub async fn taken_emails(pool: &PgPool, emails: &[&str]) -> sqlx::Result<Vec<String>> {
    let mut tx = pool.begin().await?;
    let taken = db::query_scalar(SELECT_TAKEN_EMAILS)
        .bind(emails)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(taken)
}

pub async fn profile_ids(tx: &mut TenantTx) -> sqlx::Result<Vec<uuid::Uuid>> {
    db::query_scalar(SELECT_PROFILE_IDS)
        .fetch_all(tx.conn())
        .await
}
