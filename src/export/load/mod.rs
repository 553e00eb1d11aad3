//! `qtable import --from-export`: an export document into this deployment,
//! in one tenant transaction, every id kept. All or nothing: a restaurant,
//! slug or staff email this deployment has already fails the load with a
//! message naming it, and nothing is written. The guest history triggers
//! are deferred, as the Python import defers them: the profiles' history
//! comes as exported (the source's triggers kept it true), and each visit's
//! summary is copied once at the end. Recomputing 20,000 profiles one by one
//! from 100,000 visits took a minute (docs/performance.md).

mod queries;

use std::slice;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::document::{Export, ExportedStaff, FORMAT, VERSION};
use crate::{db::TenantTx, import, password};
use queries::{Section, insert};

/// What was loaded, for the operator.
#[derive(Debug)]
pub struct Loaded {
    pub restaurant_id: Uuid,
    pub name: String,
    pub counts: Vec<(&'static str, usize)>,
    /// Staff who came without a password hash: they sign in once an
    /// operator has given them a password (`qtable set-password`).
    pub without_password: Vec<String>,
}

/// The first keys, read before the rest so that another file is named as such.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Reads an export document, refusing anything that is not one of this version.
pub fn parse(text: &str) -> anyhow::Result<Export> {
    let header: Header = serde_json::from_str(text).context("not a JSON object")?;
    anyhow::ensure!(
        header.format.as_deref() == Some(FORMAT),
        "not a QTable export (its \"format\" is not {FORMAT:?})"
    );
    anyhow::ensure!(
        header.version == Some(VERSION),
        "an export of version {:?}; this QTable reads version {VERSION}",
        header.version
    );
    serde_json::from_str(text).context("reading the export")
}

/// Loads `export` into `pool` (migrated), or writes nothing.
pub async fn load(pool: &PgPool, mut export: Export) -> anyhow::Result<Loaded> {
    let without_password = give_unknown_passwords(&mut export.staff).await?;
    if let Err(error) = write(pool, &export).await {
        let error = if error.is::<EmailTaken>() {
            let emails: Vec<&str> = export.staff.iter().map(|s| s.email.as_str()).collect();
            let taken = queries::taken_emails(pool, &emails).await?;
            anyhow::anyhow!(
                "these staff emails already have an account in this deployment \
                 (an email signs in to one restaurant): {}",
                taken.join(", ")
            )
        } else {
            error
        };
        return Err(error.context("nothing of the export was written"));
    }
    let counts = vec![
        ("staff", export.staff.len()),
        ("tables", export.tables.len()),
        ("combinations", export.combinations.len()),
        ("serverAssignments", export.server_assignments.len()),
        ("shifts", export.shifts.len()),
        ("closures", export.closures.len()),
        ("guestProfiles", export.guest_profiles.len()),
        ("reservations", export.reservations.len()),
        ("seatings", export.seatings.len()),
        (
            "manageTokens",
            export.manage_tokens.as_ref().map_or(0, Vec::len),
        ),
    ];
    Ok(Loaded {
        restaurant_id: export.restaurant.id,
        name: export.restaurant.name,
        counts,
        without_password,
    })
}

/// A staff member without a hash gets the hash of a random password nobody
/// is told: a sign-in takes as long as with a real one, and never succeeds.
async fn give_unknown_passwords(staff: &mut [ExportedStaff]) -> anyhow::Result<Vec<String>> {
    let mut emails = Vec::new();
    for member in staff.iter_mut().filter(|m| m.password_hash.is_none()) {
        let unknown = hex::encode(rand::random::<[u8; 32]>());
        member.password_hash = Some(password::hash(unknown).await?);
        emails.push(member.email.clone());
    }
    Ok(emails)
}

/// In the order the foreign keys need: the turn times before the book, since
/// a booked reservation's table blocks last its turn; tables get their
/// guests once the reservations exist.
async fn write(pool: &PgPool, export: &Export) -> anyhow::Result<()> {
    let mut tx = TenantTx::begin(pool, export.restaurant.id).await?;
    import::defer_history(&mut tx).await?;
    let restaurant = slice::from_ref(&export.restaurant);
    put(&mut tx, export, queries::RESTAURANT, restaurant).await?;
    put(&mut tx, export, queries::STAFF, &export.staff).await?;
    let turn_times = export.turn_times.as_slice();
    put(&mut tx, export, queries::TURN_TIMES, turn_times).await?;
    put(&mut tx, export, queries::TABLES, &export.tables).await?;
    put(&mut tx, export, queries::COMBINATIONS, &export.combinations).await?;
    put(&mut tx, export, queries::SHIFTS, &export.shifts).await?;
    put(&mut tx, export, queries::CLOSURES, &export.closures).await?;
    put(
        &mut tx,
        export,
        queries::GUEST_PROFILES,
        &export.guest_profiles,
    )
    .await?;
    put(&mut tx, export, queries::RESERVATIONS, &export.reservations).await?;
    put(&mut tx, export, queries::SEATINGS, &export.seatings).await?;
    put(&mut tx, export, queries::TABLE_GUESTS, &export.tables).await?;
    let assignments = &export.server_assignments;
    put(&mut tx, export, queries::SERVER_ASSIGNMENTS, assignments).await?;
    if let Some(tokens) = &export.manage_tokens {
        put(&mut tx, export, queries::MANAGE_TOKENS, tokens).await?;
    }
    let profiles = queries::profile_ids(&mut tx).await?;
    import::refresh_summaries(&mut tx, &profiles).await?;
    tx.commit().await?;
    Ok(())
}

async fn put<T: Serialize + Sync>(
    tx: &mut TenantTx,
    export: &Export,
    section: Section,
    rows: &[T],
) -> anyhow::Result<()> {
    insert(tx, section, rows)
        .await
        .map_err(|error| explain(error, export, section))
}

/// The unique index on emails refused a staff member; `load` then looks up
/// which emails are taken (row-level security keeps the row out of the error).
#[derive(Debug, thiserror::Error)]
#[error("a staff email already has an account in this deployment")]
struct EmailTaken;

/// A row this deployment has already is the failure a move can expect:
/// said plainly, naming what is taken. Anything else keeps its own words.
fn explain(error: sqlx::Error, export: &Export, section: Section) -> anyhow::Error {
    let taken = error
        .as_database_error()
        .filter(|e| e.is_unique_violation())
        .map(|e| e.constraint().unwrap_or_default().to_owned());
    let Some(constraint) = taken else {
        return anyhow::Error::new(error).context(format!("writing {}", section.name));
    };
    let restaurant = &export.restaurant;
    anyhow::anyhow!(match constraint.as_str() {
        "restaurants_pkey" => format!(
            "this deployment already has the restaurant {} ({})",
            restaurant.id, restaurant.name
        ),
        "restaurants_slug_key" => format!(
            "another restaurant of this deployment has the slug {:?}",
            restaurant.slug
        ),
        "users_email_key" => return EmailTaken.into(),
        _ => format!(
            "{}: a row is already in this deployment ({constraint})",
            section.name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_export_of_this_version_is_read() {
        let other = parse(r#"{"format": "something-else", "version": 1}"#);
        let newer = parse(r#"{"format": "qtable-export", "version": 2}"#);
        let partial = parse(r#"{"format": "qtable-export", "version": 1}"#);

        assert!(format!("{:#}", other.unwrap_err()).contains("not a QTable export"));
        assert!(format!("{:#}", newer.unwrap_err()).contains("reads version 1"));
        assert!(format!("{:#}", partial.unwrap_err()).contains("missing field"));
        assert!(parse("[1, 2]").is_err());
    }
}
