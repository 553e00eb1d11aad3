//! One restaurant, in one tenant transaction (row-level security on, as
//! for a request): its row first, since its phone region decides how the
//! guests group, then users, tables, profiles, visits, seatings and who sits
//! where, then the old activity log. Any error rolls back this restaurant alone.

use std::collections::{HashMap, HashSet};

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    plan::{self, Plan},
    queries::{self, Written},
    report::{Counts, Entity, Outcome, RestaurantReport},
    source::RestaurantRows,
};
use crate::db::TenantTx;

/// A taken slug gets `-2`, `-3`...; past this many the restaurant fails.
const SLUG_TRIES: usize = 50;

pub async fn restaurant(
    pool: &PgPool,
    rows: &RestaurantRows,
    email_owners: &HashMap<String, String>,
    dry_run: bool,
) -> RestaurantReport {
    let mut report = RestaurantReport::new(&rows.restaurant.id, Uuid::nil(), &rows.restaurant.name);
    let target = plan::restaurant(&rows.restaurant, &mut report);
    report.id = target.id;
    report.name.clone_from(&target.name);
    if let Err(error) = write(pool, rows, &target, email_owners, dry_run, &mut report).await {
        report.outcome = Outcome::Failed(format!("{error:#}"));
        // Rolled back: what was read and planned stands, nothing was written.
        for counts in report.counts.values_mut() {
            *counts = Counts {
                read: counts.read,
                skipped: counts.skipped,
                ..Counts::default()
            };
        }
    }
    report
}

async fn write(
    pool: &PgPool,
    rows: &RestaurantRows,
    target: &plan::Restaurant,
    email_owners: &HashMap<String, String>,
    dry_run: bool,
    report: &mut RestaurantReport,
) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, target.id).await?;
    queries::defer_history(&mut tx).await?;
    let region = upsert_restaurant(&mut tx, target, report).await?;
    let plan = plan::build(rows, email_owners, &region, report);
    write_users(&mut tx, &plan, report).await?;
    write_floor_and_book(&mut tx, &plan, report).await?;
    let journaled = queries::insert_activity(&mut tx, &plan.activity).await?;
    report.written(Entity::Activity, plan.activity.len(), journaled, 0);
    if dry_run {
        // Dropping it rolls everything back: the report is the run's only trace.
        drop(tx);
    } else {
        tx.commit().await?;
    }
    Ok(())
}

/// The restaurant row; returns its phone region.
async fn upsert_restaurant(
    tx: &mut TenantTx,
    target: &plan::Restaurant,
    report: &mut RestaurantReport,
) -> anyhow::Result<String> {
    if let Some(region) = queries::select_restaurant(tx).await? {
        let updated = queries::update_restaurant(tx, target).await?;
        report.written(Entity::Restaurant, 1, 0, usize::from(updated));
        return Ok(region);
    }
    let candidates = std::iter::once(target.slug.clone())
        .chain((2..).map(|n| format!("{}-{n}", target.slug)))
        .take(SLUG_TRIES);
    for (tried, slug) in candidates.enumerate() {
        if let Some(region) = queries::insert_restaurant(tx, target, &slug).await? {
            if tried > 0 {
                report.note(
                    Entity::Restaurant,
                    &format!("slug taken, imported as {slug}"),
                );
            }
            report.written(Entity::Restaurant, 1, 1, 0);
            return Ok(region);
        }
    }
    anyhow::bail!(
        "the slug {:?} and {SLUG_TRIES} suffixed ones are taken",
        target.slug
    )
}

async fn write_users(
    tx: &mut TenantTx,
    plan: &Plan,
    report: &mut RestaurantReport,
) -> anyhow::Result<()> {
    let (new, updated, present) = queries::upsert_users(tx, &plan.users).await?;
    for _ in present..plan.users.len() {
        report.skip(
            Entity::Users,
            "email already has a QTable account, skipped (never overwritten)",
        );
    }
    report.written(Entity::Users, present, new, updated);
    Ok(())
}

async fn write_floor_and_book(
    tx: &mut TenantTx,
    plan: &Plan,
    report: &mut RestaurantReport,
) -> anyhow::Result<()> {
    // A table that is to be free lets go of its guest before its status changes.
    let freed =
        queries::set_table_guests(tx, plan.tables.iter().filter(|t| t.current_guest.is_none()))
            .await?;
    let tables = queries::upsert_tables(tx, &plan.tables).await?;
    let profiles = queries::upsert_profiles(tx, &plan.profiles).await?;
    report.written(
        Entity::GuestProfiles,
        plan.profiles.len(),
        profiles.new.len(),
        profiles.updated.len(),
    );
    let visits = queries::upsert_visits(tx, &plan.visits).await?;
    // A moved visit's old profile is one of this restaurant's too: after
    // any change, every profile's history is recomputed.
    if !(visits.new.is_empty() && visits.updated.is_empty() && profiles.updated.is_empty()) {
        let all: Vec<Uuid> = plan.profiles.iter().map(|p| p.id).collect();
        queries::refresh_history(tx, &all).await?;
    }
    queries::open_seatings(tx, &plan.visits).await?;
    let seated =
        queries::set_table_guests(tx, plan.tables.iter().filter(|t| t.current_guest.is_some()))
            .await?;
    count_tables(
        report,
        plan.tables.len(),
        &tables,
        freed.into_iter().chain(seated),
    );
    count_visits(report, plan, &visits);
    Ok(())
}

/// A table counts as updated when its row or its guest changed, and was not new.
fn count_tables(
    report: &mut RestaurantReport,
    planned: usize,
    written: &Written,
    guests_moved: impl Iterator<Item = Uuid>,
) {
    let new: HashSet<Uuid> = written.new.iter().copied().collect();
    let updated: HashSet<Uuid> = written
        .updated
        .iter()
        .copied()
        .chain(guests_moved)
        .filter(|id| !new.contains(id))
        .collect();
    report.written(Entity::Tables, planned, new.len(), updated.len());
}

/// Visits are counted by where they came from (Python guests or reservations).
fn count_visits(report: &mut RestaurantReport, plan: &Plan, written: &Written) {
    let new: HashSet<Uuid> = written.new.iter().copied().collect();
    let updated: HashSet<Uuid> = written.updated.iter().copied().collect();
    for entity in [Entity::GuestVisits, Entity::Reservations] {
        let of_kind: Vec<&plan::Visit> =
            plan.visits.iter().filter(|v| v.entity == entity).collect();
        let count = |set: &HashSet<Uuid>| of_kind.iter().filter(|v| set.contains(&v.id)).count();
        report.written(entity, of_kind.len(), count(&new), count(&updated));
    }
}
