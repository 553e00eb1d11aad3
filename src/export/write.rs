//! Writes the document section by section as the rows stream in, so its
//! size in memory is at most the output's (the HTTP response's bytes), and
//! nothing for a file. The keys are `Export`'s, in its order: reading the
//! output back as an `Export` is the test that they agree.

use std::io::Write;

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    document::{ExportedRestaurant, FORMAT, VERSION},
    queries::{self, Rows},
};
use crate::db::TenantTx;

/// Whether the document carries the secrets it can: staff password hashes
/// and the hashes of guests' manage links. Only an operator's CLI export does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    Left,
    Included,
}

/// What was written: the restaurant, and how many rows each list holds.
#[derive(Debug)]
pub struct Written {
    pub restaurant: ExportedRestaurant,
    pub counts: Vec<(&'static str, usize)>,
}

/// The operator's export: opens its own snapshot of `restaurant_id`.
pub async fn export(
    pool: &PgPool,
    restaurant_id: Uuid,
    secrets: Secrets,
    out: &mut impl Write,
) -> anyhow::Result<Written> {
    let mut tx = TenantTx::begin_snapshot(pool, restaurant_id, None).await?.0;
    let written = write(&mut tx, secrets, out).await.map_err(|error| {
        match error.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::RowNotFound) => {
                anyhow::anyhow!("no restaurant has the id {restaurant_id}")
            }
            _ => error,
        }
    })?;
    tx.end_read();
    Ok(written)
}

/// Writes the whole document from `tx`, which should be a snapshot
/// (`TenantTx::begin_snapshot`) so that it is one point in time.
pub async fn write(
    tx: &mut TenantTx,
    secrets: Secrets,
    out: &mut impl Write,
) -> anyhow::Result<Written> {
    let exported_at = chrono::Utc::now();
    let restaurant = queries::restaurant(tx).await?;
    write!(out, "{{\"format\":")?;
    serde_json::to_writer(&mut *out, FORMAT)?;
    let mut doc = Sections {
        out,
        counts: Vec::new(),
    };
    doc.value("version", &VERSION)?;
    doc.value("exportedAt", &exported_at)?;
    doc.value("restaurant", &restaurant)?;
    let included = secrets == Secrets::Included;
    doc.list("staff", queries::staff(tx, included)).await?;
    doc.list("tables", queries::tables(tx)).await?;
    doc.list("combinations", queries::combinations(tx)).await?;
    doc.value("turnTimes", &queries::turn_times(tx).await?)?;
    doc.list("serverAssignments", queries::server_assignments(tx))
        .await?;
    doc.list("shifts", queries::shifts(tx)).await?;
    doc.list("closures", queries::closures(tx)).await?;
    doc.list("guestProfiles", queries::guest_profiles(tx))
        .await?;
    doc.list("reservations", queries::reservations(tx)).await?;
    doc.list("seatings", queries::seatings(tx)).await?;
    if included {
        doc.list("manageTokens", queries::manage_tokens(tx)).await?;
    }
    doc.out.write_all(b"}\n")?;
    doc.out.flush()?;
    Ok(Written {
        restaurant,
        counts: doc.counts,
    })
}

/// The document after its first key: each further key is preceded by a comma.
struct Sections<'w, W> {
    out: &'w mut W,
    counts: Vec<(&'static str, usize)>,
}

impl<W: Write> Sections<'_, W> {
    fn value(&mut self, key: &str, value: &impl Serialize) -> anyhow::Result<()> {
        write!(self.out, ",\"{key}\":")?;
        serde_json::to_writer(&mut *self.out, value)?;
        Ok(())
    }

    async fn list<T: Serialize>(
        &mut self,
        key: &'static str,
        mut rows: Rows<'_, T>,
    ) -> anyhow::Result<()> {
        write!(self.out, ",\"{key}\":[")?;
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            if count > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *self.out, &row)?;
            count += 1;
        }
        self.out.write_all(b"]")?;
        self.counts.push((key, count));
        Ok(())
    }
}
