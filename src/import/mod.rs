//! `qtable import`: every restaurant of the Python service's database into
//! QTable's, safely and repeatably (docs/import.md). An operator tool that
//! spans every domain: it writes restaurants, staff, tables, reservations
//! and guest profiles with SQL of its own, through the same tenant
//! transactions as the service, so row-level security holds throughout.

mod ids;
mod plan;
mod progress;
mod queries;
pub mod report;
mod rules;
mod source;
mod write;

use futures_util::{StreamExt, stream};
use sqlx::PgPool;

pub use report::Report;
// The deferred guest history and summaries, which loading an export uses too.
pub(crate) use queries::{defer_history, refresh_summaries};

use progress::Progress;
use report::Outcome;
use source::Source;

/// Restaurants read from the source at once: one read of each table per
/// batch, as the source has no index on `restaurant_id`.
const BATCH: usize = 10;
/// Restaurants written at once, each in its own transaction: while one
/// waits on the database the other's rows are prepared.
const CONCURRENT: usize = 2;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The source database's URL.
    pub from: String,
    /// Run everything, then roll it back.
    pub dry_run: bool,
    /// Source ids of the restaurants to import; all when empty.
    pub restaurants: Vec<String>,
    /// The zone of the source's zone-less timestamps; the source server's when `None`.
    pub source_timezone: Option<String>,
}

/// Imports into `target` (migrated). An error here means nothing was
/// written: the source could not be read or is not the schema we know.
/// A restaurant that fails is in the report, and the others go on.
pub async fn run(target: &PgPool, options: &Options) -> anyhow::Result<Report> {
    let source = Source::open(&options.from, options.source_timezone.as_deref()).await?;
    let restaurants = source.restaurants(&options.restaurants).await?;
    let users = source.users().await?;
    let owners = plan::email_owners(&users);
    let mut progress = Progress::new(restaurants.len());
    let mut reports = Vec::with_capacity(restaurants.len());
    for batch in restaurants.chunks(BATCH) {
        let rows = source.read(batch, &users).await?;
        let mut written = stream::iter(&rows)
            .map(|rows| write::restaurant(target, rows, &owners, options.dry_run))
            .buffered(CONCURRENT);
        while let Some(report) = written.next().await {
            let outcome = match &report.outcome {
                Outcome::Imported => "done",
                Outcome::Failed(_) => "FAILED",
            };
            progress.done(&report.name, outcome);
            reports.push(report);
        }
    }
    progress.finish();
    let report = Report {
        source: source.describe().to_owned(),
        timezone: source.timezone.clone(),
        timezone_given: options.source_timezone.is_some(),
        dry_run: options.dry_run,
        restaurants: reports,
    };
    source.close().await;
    Ok(report)
}
