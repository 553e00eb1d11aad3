//! What spans the book of reservations and the guest book: which guest a
//! new visit is for, a guest's visits, moving visits when two profiles are
//! merged, and taking a person out of their visits and every copy of them
//! when their data is erased. The reservation and guest-profile handlers
//! call in here; it uses their models and exported operations, never
//! their queries.
//!
//! Online booking lives here too: shifts and closures; availability from
//! them, turn times and the day's book; holds; the public surface a
//! restaurant's own site books through; and the check every staff booking
//! with a time passes.

pub mod availability;
pub mod closures;
mod handlers;
pub mod holds;
pub mod model;
pub mod public;
mod queries;
pub mod shifts;

use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use availability::rules::Channel;

use crate::{
    error::{ApiError, ApiResult},
    guest_profiles::{self, contact::Contact, model::split_name},
    journal::journal,
    reservations::model::{CreateReservation, Reservation},
    state::AppState,
    tenant::Tenant,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_visits))
        .routes(routes!(handlers::get_availability))
        .merge(public::router())
        .merge(shifts::router())
        .merge(closures::router())
}

/// A staff booking with a time, checked against the day's book under the
/// day's lock (when the restaurant has shifts): 409 `pacing_exceeded` when
/// its slot's covers are booked up (a manager may pass `overridePacing`),
/// 409 `slot_unavailable` when it would leave a party without a table. A
/// table booked for part of its turn is refused by the database itself.
pub async fn admit(tenant: &mut Tenant, new: &CreateReservation) -> ApiResult<()> {
    let Some(at) = new.reservation_time.map(|t| t.0) else {
        return Ok(());
    };
    if new.override_pacing && !tenant.is_manager() {
        return Err(ApiError::Forbidden(
            "only an owner or manager may override pacing",
        ));
    }
    // An online booking was admitted when its hold was made.
    if new.booked_online {
        return Ok(());
    }
    let Some(day) = availability::locked_day(tenant, at).await? else {
        return Ok(());
    };
    let channel = Channel::Staff {
        override_pacing: new.override_pacing,
    };
    if day.paced_out(at, new.party_size, channel) {
        return Err(ApiError::conflict(
            "pacing_exceeded",
            "the covers of that slot are booked up (an owner or manager may override pacing)",
        ));
    }
    let tables: Vec<Uuid> = new.assigned_table_id.into_iter().collect();
    if day.admits(at, new.party_size, &tables) {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "slot_unavailable",
            "no table is free for this party's whole turn at that time",
        ))
    }
}

/// The profile of an online booking's guest: the one with their phone, else
/// their email, else a new one with both.
pub async fn guest_with(
    tenant: &mut Tenant,
    name: &str,
    phone: &str,
    email: Option<&str>,
) -> ApiResult<Uuid> {
    if let Some(id) = queries::find_profile_with(tenant.tx(), Some(phone), email).await? {
        return Ok(id);
    }
    let (first, last) = split_name(name);
    match queries::insert_profile_with(tenant.tx(), (&first, &last), Some(phone), email).await? {
        Some(profile) => {
            journal(tenant, "guest_profile.create", None, &profile).await?;
            Ok(profile.id)
        }
        None => queries::find_profile_with(tenant.tx(), Some(phone), email)
            .await?
            .ok_or(ApiError::conflict(
                "concurrent_update",
                "another change to the same records happened at once; retry",
            )),
    }
}

/// The profile a new visit belongs to: the one it names (404 when the
/// restaurant has no such profile), else the one its `contactInfo` (a phone
/// or an email) matches, else a new one made from its name and contact.
/// Free text that is neither links nothing.
pub async fn guest_for(tenant: &mut Tenant, new: &CreateReservation) -> ApiResult<Option<Uuid>> {
    if let Some(id) = new.guest_profile_id {
        return check_link(tenant, Some(id)).await.map(|()| Some(id));
    }
    let Some(text) = new.contact_info.as_deref() else {
        return Ok(None);
    };
    let Some(contact) = recognise(tenant, text).await? else {
        return Ok(None);
    };
    if let Some(id) = queries::find_profile(tenant.tx(), &contact).await? {
        return Ok(Some(id));
    }
    let (first, last) = split_name(&new.guest_name);
    match queries::insert_profile(tenant.tx(), &first, &last, &contact).await? {
        Some(profile) => {
            journal(tenant, "guest_profile.create", None, &profile).await?;
            Ok(Some(profile.id))
        }
        // Another visit with this contact created it meanwhile.
        None => queries::find_profile(tenant.tx(), &contact).await,
    }
}

/// A contact text as a phone (read in the restaurant's region) or an email.
async fn recognise(tenant: &mut Tenant, text: &str) -> ApiResult<Option<Contact>> {
    let region = guest_profiles::region(tenant).await?;
    Ok(Contact::recognise(text, &region))
}

/// The profile a contact text (a phone or an email) belongs to, if any.
pub async fn profile_with(tenant: &mut Tenant, text: &str) -> ApiResult<Option<Uuid>> {
    match recognise(tenant, text).await? {
        Some(contact) => queries::find_profile(tenant.tx(), &contact).await,
        None => Ok(None),
    }
}

/// 404 unless `id` (when given) is a profile of this restaurant.
pub async fn check_link(tenant: &mut Tenant, id: Option<Uuid>) -> ApiResult<()> {
    match id {
        Some(id) => queries::require_profile(tenant.tx(), id).await,
        None => Ok(()),
    }
}

/// The profile's visits, newest first.
pub async fn visits(tenant: &mut Tenant, profile: Uuid, limit: i64) -> ApiResult<Vec<Reservation>> {
    queries::require_profile(tenant.tx(), profile).await?;
    queries::select_visits(tenant.tx(), profile, limit).await
}

/// Moves every visit of `from` to `to`, journaling each.
pub async fn move_visits(tenant: &mut Tenant, from: Uuid, to: Uuid) -> ApiResult<()> {
    let before = queries::select_all_visits(tenant.tx(), from).await?;
    let ids: Vec<Uuid> = before.iter().map(|v| v.id).collect();
    queries::move_visits(tenant.tx(), from, to).await?;
    // Read after the move: the history trigger refreshed both summaries then.
    let after = queries::select_visits_by_id(tenant.tx(), &ids).await?;
    for (before, after) in before.iter().zip(&after) {
        journal(tenant, "reservation.update", Some(before), after).await?;
    }
    Ok(())
}

/// Takes the person out of every visit of `profile` (already erased) and out
/// of every copy the restaurant holds: the event log (which `since` replays;
/// the waitlist lists in it included), the activity journal's before and
/// after, and remembered idempotent answers. Counts, times and party sizes
/// stay.
pub async fn erase_visits(tenant: &mut Tenant, profile: Uuid) -> ApiResult<()> {
    let visits = queries::erase_visits(tenant.tx(), profile).await?;
    for visit in &visits {
        journal(tenant, "reservation.erase", None, visit).await?;
    }
    let mut ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    ids.push(profile);
    queries::erase_copies(tenant.tx(), &ids).await
}
