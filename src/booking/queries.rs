//! The SQL of what spans reservations and guest profiles, inside the tenant
//! transaction.

use uuid::Uuid;

use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult},
    guest_profiles::{
        contact::Contact,
        model::{GuestProfile, profile_columns},
    },
    reservations::model::{Reservation, reservation_columns},
};

statements! {
    PROFILE_EXISTS = "select exists (select 1 from guest_profiles where id = $1 and erased_at is null)";
    /// The live profile with this phone, else this email (either may be null).
    FIND_PROFILE = "select id from guest_profiles
         where erased_at is null and (phone = $1 or email = $2)
         order by phone = $1 desc nulls last
         limit 1";
    /// A profile for a visit's contact; nothing when a concurrent visit made it first.
    INSERT_CONTACT_PROFILE = concat!(
        "insert into guest_profiles (restaurant_id, first_name, last_name, phone, email)
         values ($1, $2, $3, $4, $5)
         on conflict do nothing
         returning ", profile_columns!()
    );
    SELECT_VISITS = concat!(
        "select ", reservation_columns!(), " from reservations
         where guest_profile_id = $1
         order by booked_at desc, id desc
         limit $2"
    );
    SELECT_ALL_VISITS = concat!(
        "select ", reservation_columns!(), " from reservations where guest_profile_id = $1 order by id"
    );
    SELECT_VISITS_BY_ID = concat!(
        "select ", reservation_columns!(), " from reservations where id = any($1) order by id"
    );
    MOVE_VISITS = "update reservations set guest_profile_id = $2, version = version + 1, updated_at = now()
         where guest_profile_id = $1";
    /// The visits with the person taken out; times, sizes and statuses stay.
    ERASE_VISITS = concat!(
        "update reservations set guest_name = 'Erased guest', contact_info = null, notes = null,
             special_requests = null, version = version + 1, updated_at = now()
         where guest_profile_id = $1
         returning ", reservation_columns!()
    );
    /// Events about the profile keep only its id; those about its visits, the visit without the person.
    ERASE_EVENTS = "update events set data = case
             when type like 'guest_profile%' then jsonb_build_object('id', entity_id)
             else app.erased_visit(data) end
         where entity_id = any($1)";
    /// The host-stand engine's `waitlist_update` events list waiting
    /// parties by name: those entries keep their place without it.
    ERASE_WAITLISTS = "update events set data = jsonb_set(data, '{waitlist}', (
             select jsonb_agg(case when (entry ->> 'id')::uuid = any($1)
                     then entry || jsonb_build_object('guestName', 'Erased guest')
                     else entry end order by place)
             from jsonb_array_elements(data -> 'waitlist') with ordinality as listed(entry, place)))
         where type = 'waitlist_update'
           and exists (select 1 from jsonb_array_elements(data -> 'waitlist') as listed(entry)
                       where (entry ->> 'id')::uuid = any($1))";
    ERASE_ACTIVITY = "update activity set
             before = case when before is null then null
                 when entity_type = 'guest_profile' then jsonb_build_object('id', entity_id)
                 else app.erased_visit(before) end,
             after = case when after is null then null
                 when entity_type = 'guest_profile' then jsonb_build_object('id', entity_id)
                 else app.erased_visit(after) end
         where entity_id = any($1)";
    /// A remembered answer that is one of the visits loses the person; one
    /// that mentions a visit deeper down (a compat batch's results) keeps
    /// only its top-level scalars (`success`, `message`).
    ERASE_REMEMBERED = "update idempotency_keys set body = case
             when body ->> 'id' = any(cast($1 as uuid[])::text[]) then
                 case when body ? 'guestName' then app.erased_visit(body)
                 else jsonb_build_object('id', body -> 'id') end
             else (select coalesce(jsonb_object_agg(key, value), '{}') from jsonb_each(body)
                   where jsonb_typeof(value) not in ('object', 'array')) end
         where jsonb_typeof(body) = 'object'
           and (body ->> 'id' = any(cast($1 as uuid[])::text[])
                or exists (select 1 from unnest(cast($1 as uuid[])) visit
                           where strpos(body::text, visit::text) > 0))";
}

/// 404 unless the restaurant has this (unerased) profile.
pub async fn require_profile(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    let exists: bool = db::query_scalar(PROFILE_EXISTS)
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
    if exists {
        Ok(())
    } else {
        Err(ApiError::NotFound("guest profile"))
    }
}

fn phone_and_email(contact: &Contact) -> (Option<&str>, Option<&str>) {
    match contact {
        Contact::Phone(phone) => (Some(phone), None),
        Contact::Email(email) => (None, Some(email)),
    }
}

pub async fn find_profile(tx: &mut TenantTx, contact: &Contact) -> ApiResult<Option<Uuid>> {
    let (phone, email) = phone_and_email(contact);
    find_profile_with(tx, phone, email).await
}

/// The live profile with this phone, or else this email.
pub async fn find_profile_with(
    tx: &mut TenantTx,
    phone: Option<&str>,
    email: Option<&str>,
) -> ApiResult<Option<Uuid>> {
    Ok(db::query_scalar(FIND_PROFILE)
        .bind(phone)
        .bind(email)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn insert_profile(
    tx: &mut TenantTx,
    first_name: &str,
    last_name: &str,
    contact: &Contact,
) -> ApiResult<Option<GuestProfile>> {
    let (phone, email) = phone_and_email(contact);
    insert_profile_with(tx, (first_name, last_name), phone, email).await
}

/// A profile with a name and a phone and/or an email; nothing when a
/// concurrent visit made it first.
pub async fn insert_profile_with(
    tx: &mut TenantTx,
    (first_name, last_name): (&str, &str),
    phone: Option<&str>,
    email: Option<&str>,
) -> ApiResult<Option<GuestProfile>> {
    let restaurant_id = tx.restaurant_id();
    Ok(db::query_as(INSERT_CONTACT_PROFILE)
        .bind(restaurant_id)
        .bind(first_name)
        .bind(last_name)
        .bind(phone)
        .bind(email)
        .fetch_optional(tx.conn())
        .await?)
}

pub async fn select_visits(
    tx: &mut TenantTx,
    profile: Uuid,
    limit: i64,
) -> ApiResult<Vec<Reservation>> {
    Ok(db::query_as(SELECT_VISITS)
        .bind(profile)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?)
}

/// Every visit of `profile`, in id order.
pub async fn select_all_visits(tx: &mut TenantTx, profile: Uuid) -> ApiResult<Vec<Reservation>> {
    Ok(db::query_as(SELECT_ALL_VISITS)
        .bind(profile)
        .fetch_all(tx.conn())
        .await?)
}

/// These visits, in id order.
pub async fn select_visits_by_id(tx: &mut TenantTx, ids: &[Uuid]) -> ApiResult<Vec<Reservation>> {
    Ok(db::query_as(SELECT_VISITS_BY_ID)
        .bind(ids)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn move_visits(tx: &mut TenantTx, from: Uuid, to: Uuid) -> ApiResult<()> {
    db::query(MOVE_VISITS)
        .bind(from)
        .bind(to)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn erase_visits(tx: &mut TenantTx, profile: Uuid) -> ApiResult<Vec<Reservation>> {
    Ok(db::query_as(ERASE_VISITS)
        .bind(profile)
        .fetch_all(tx.conn())
        .await?)
}

/// Scrubs the copies of the profile and of its visits (`ids`).
pub async fn erase_copies(tx: &mut TenantTx, ids: &[Uuid]) -> ApiResult<()> {
    for statement in [
        ERASE_EVENTS,
        ERASE_WAITLISTS,
        ERASE_ACTIVITY,
        ERASE_REMEMBERED,
    ] {
        db::query(statement).bind(ids).execute(tx.conn()).await?;
    }
    Ok(())
}
