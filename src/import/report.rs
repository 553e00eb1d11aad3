//! What a run did, per restaurant and per kind of row, with the reasons
//! behind every row skipped or adjusted; rendered as plain text that ends
//! with one table per restaurant.

use std::{collections::BTreeMap, fmt};

use uuid::Uuid;

/// The kinds of rows the report counts, in the order it lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entity {
    Restaurant,
    Users,
    Tables,
    GuestProfiles,
    /// Python guests, each one visit.
    GuestVisits,
    Reservations,
    Activity,
}

impl Entity {
    pub const ALL: [Entity; 7] = [
        Entity::Restaurant,
        Entity::Users,
        Entity::Tables,
        Entity::GuestProfiles,
        Entity::GuestVisits,
        Entity::Reservations,
        Entity::Activity,
    ];

    fn label(self) -> &'static str {
        match self {
            Entity::Restaurant => "restaurant",
            Entity::Users => "users",
            Entity::Tables => "tables",
            Entity::GuestProfiles => "guest profiles",
            Entity::GuestVisits => "guests (visits)",
            Entity::Reservations => "reservations",
            Entity::Activity => "activity log",
        }
    }
}

/// Rows of one kind: `read` from the source (for profiles, made from the
/// rows), then each one `new`, `updated`, `unchanged` or `skipped`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub read: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    /// Rolled back; nothing of this restaurant was written.
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct RestaurantReport {
    pub source_id: String,
    pub id: Uuid,
    pub name: String,
    pub outcome: Outcome,
    pub counts: BTreeMap<Entity, Counts>,
    /// How many rows each reason skipped or adjusted.
    pub notes: BTreeMap<(Entity, String), usize>,
}

impl RestaurantReport {
    pub fn new(source_id: &str, id: Uuid, name: &str) -> Self {
        Self {
            source_id: source_id.to_owned(),
            id,
            name: name.to_owned(),
            outcome: Outcome::Imported,
            counts: BTreeMap::new(),
            notes: BTreeMap::new(),
        }
    }

    pub fn counts(&mut self, entity: Entity) -> &mut Counts {
        self.counts.entry(entity).or_default()
    }

    /// One row of `entity` skipped or adjusted for `reason`.
    pub fn note(&mut self, entity: Entity, reason: &str) {
        *self.notes.entry((entity, reason.to_owned())).or_default() += 1;
    }

    /// One row of `entity` read and skipped for `reason`.
    pub fn skip(&mut self, entity: Entity, reason: &str) {
        self.counts(entity).skipped += 1;
        self.note(entity, reason);
    }

    /// Rows written: how many were new and how many updated, of `planned`.
    pub fn written(&mut self, entity: Entity, planned: usize, new: usize, updated: usize) {
        let counts = self.counts(entity);
        counts.new += new;
        counts.updated += updated;
        counts.unchanged += planned - new - updated;
    }

    /// New or updated rows, of every kind.
    pub fn changes(&self) -> usize {
        self.counts.values().map(|c| c.new + c.updated).sum()
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub source: String,
    pub timezone: String,
    /// Whether the zone was given (`--source-timezone`) or the source server's.
    pub timezone_given: bool,
    pub dry_run: bool,
    pub restaurants: Vec<RestaurantReport>,
}

impl Report {
    pub fn failed(&self) -> usize {
        let failed = |r: &&RestaurantReport| matches!(r.outcome, Outcome::Failed(_));
        self.restaurants.iter().filter(failed).count()
    }

    pub fn changes(&self) -> usize {
        self.restaurants.iter().map(RestaurantReport::changes).sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zone_from = if self.timezone_given {
            "--source-timezone"
        } else {
            "the source server's TimeZone setting"
        };
        writeln!(f, "Import from {}", self.source)?;
        writeln!(
            f,
            "Source timestamps read in {} ({zone_from}).",
            self.timezone
        )?;
        let verb = if self.dry_run {
            "would change"
        } else {
            "changed"
        };
        let summary = match self.changes() {
            0 => "nothing changed: everything was already imported as it is".to_owned(),
            n => format!("{n} rows {verb}"),
        };
        writeln!(
            f,
            "{} restaurants, {} failed; {summary}.",
            self.restaurants.len(),
            self.failed()
        )?;
        if self.dry_run {
            writeln!(f, "Dry run: nothing was written.")?;
        }
        for restaurant in &self.restaurants {
            writeln!(f)?;
            write!(f, "{restaurant}")?;
        }
        Ok(())
    }
}

impl fmt::Display for RestaurantReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = match &self.outcome {
            Outcome::Imported => "imported".to_owned(),
            Outcome::Failed(why) => format!("FAILED, rolled back: {why}"),
        };
        writeln!(
            f,
            "{} (source id {}, QTable id {}): {outcome}",
            self.name, self.source_id, self.id
        )?;
        writeln!(
            f,
            "  {:<16} {:>7} {:>7} {:>7} {:>9} {:>7}",
            "", "read", "new", "updated", "unchanged", "skipped"
        )?;
        for entity in Entity::ALL {
            let c = self.counts.get(&entity).copied().unwrap_or_default();
            writeln!(
                f,
                "  {:<16} {:>7} {:>7} {:>7} {:>9} {:>7}",
                entity.label(),
                c.read,
                c.new,
                c.updated,
                c.unchanged,
                c.skipped
            )?;
        }
        for ((entity, reason), count) in &self.notes {
            writeln!(f, "  - {}: {count} {reason}", entity.label())?;
        }
        Ok(())
    }
}
