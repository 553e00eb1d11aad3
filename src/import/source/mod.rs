//! The Python service's database, read over a pool of its own: checked to
//! be the schema we know before anything is written, then read a few
//! restaurants at a time.

mod queries;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    str::FromStr,
};

use anyhow::{Context, bail};
use sqlx::{PgPool, postgres::PgConnectOptions};

pub use queries::{Activity, Guest, Reservation, Restaurant, Table, Time, User};

/// The columns the import reads, per table: a source without one of them
/// is older or newer than the schema we know.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "restaurants",
        &[
            "id",
            "name",
            "slug",
            "timezone",
            "settings",
            "is_active",
            "created_at",
        ],
    ),
    (
        "users",
        &[
            "id",
            "restaurant_id",
            "email",
            "password_hash",
            "first_name",
            "last_name",
            "role",
            "is_active",
            "last_login_at",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "restaurant_tables",
        &[
            "id",
            "restaurant_id",
            "table_number",
            "capacity",
            "position_x",
            "position_y",
            "shape",
            "section",
            "status",
            "current_guest_id",
            "is_active",
            "created_at",
        ],
    ),
    (
        "guests",
        &[
            "id",
            "restaurant_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "party_size",
            "status",
            "table_id",
            "reservation_time",
            "check_in_time",
            "seated_time",
            "finished_time",
            "dietary_restrictions",
            "special_requests",
            "notes",
            "total_visits",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "reservations",
        &[
            "id",
            "restaurant_id",
            "guest_id",
            "table_id",
            "party_size",
            "guest_name",
            "guest_phone",
            "guest_email",
            "status",
            "reservation_time",
            "check_in_time",
            "seated_time",
            "finished_time",
            "notes",
            "special_requests",
            "created_at",
            "updated_at",
        ],
    ),
];

/// The columns read of `activity_logs`, when the source has that table.
const ACTIVITY: (&str, &[&str]) = (
    "activity_logs",
    &[
        "id",
        "restaurant_id",
        "user_id",
        "action",
        "entity_type",
        "entity_id",
        "old_data",
        "new_data",
        "created_at",
    ],
);

/// Everything one restaurant had.
#[derive(Debug, Clone)]
pub struct RestaurantRows {
    pub restaurant: Restaurant,
    pub users: Vec<User>,
    pub tables: Vec<Table>,
    pub guests: Vec<Guest>,
    pub reservations: Vec<Reservation>,
    pub activity: Vec<Activity>,
}

pub struct Source {
    pool: PgPool,
    /// Where it is, without the password.
    description: String,
    /// The zone the source's timestamps are read in.
    pub timezone: String,
    /// Whether the source has the `activity_logs` of older databases.
    pub has_activity_logs: bool,
}

impl Source {
    /// Connects and checks the schema and the zone; any failure here comes
    /// before a single write.
    pub async fn open(url: &str, timezone: Option<&str>) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .context("--from: not a PostgreSQL URL")?
            // The import never writes to the old database, and says so to it.
            .options([("default_transaction_read_only", "on")]);
        let pool = crate::db::pool_options(2)
            .connect_with(options.clone())
            .await
            .with_context(|| {
                format!(
                    "cannot reach the source database {}",
                    crate::db::describe(&options)
                )
            })?;
        let mut conn = pool.acquire().await?;
        let tables = columns_by_table(queries::select_columns(&mut conn).await?);
        check_schema(&tables)?;
        let timezone = match timezone {
            Some(zone) => zone.to_owned(),
            None => queries::select_server_timezone(&mut conn)
                .await
                .context("cannot read the source server's TimeZone: pass --source-timezone")?,
        };
        if !queries::timezone_known(&mut conn, &timezone).await? {
            bail!("the source server does not know the time zone {timezone:?}");
        }
        drop(conn);
        Ok(Self {
            pool,
            description: crate::db::describe(&options),
            timezone,
            has_activity_logs: tables.contains_key(ACTIVITY.0),
        })
    }

    /// The restaurants to import: all, or those named (an unknown name is an error).
    pub async fn restaurants(&self, only: &[String]) -> anyhow::Result<Vec<Restaurant>> {
        let mut conn = self.pool.acquire().await?;
        let found = queries::select_restaurants(&mut conn, only).await?;
        let missing: Vec<&str> = only
            .iter()
            .filter(|id| !found.iter().any(|r| &r.id == *id))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            bail!("no such restaurant in the source: {}", missing.join(", "));
        }
        Ok(found)
    }

    /// Every user of the source, whatever the restaurant.
    pub async fn users(&self) -> anyhow::Result<Vec<User>> {
        let mut conn = self.pool.acquire().await?;
        Ok(queries::select_users(&mut conn, &self.timezone).await?)
    }

    /// The rows of these restaurants, each with its users from `users`.
    pub async fn read(
        &self,
        restaurants: &[Restaurant],
        users: &[User],
    ) -> anyhow::Result<Vec<RestaurantRows>> {
        let ids: Vec<String> = restaurants.iter().map(|r| r.id.clone()).collect();
        let mut conn = self.pool.acquire().await?;
        let zone = &self.timezone;
        let mut tables = by_restaurant(queries::select_tables(&mut conn, &ids, zone).await?, |t| {
            &t.restaurant_id
        });
        let mut guests = by_restaurant(queries::select_guests(&mut conn, &ids, zone).await?, |g| {
            &g.restaurant_id
        });
        let mut reservations = by_restaurant(
            queries::select_reservations(&mut conn, &ids, zone).await?,
            |r| &r.restaurant_id,
        );
        let activity = match self.has_activity_logs {
            true => queries::select_activity(&mut conn, &ids, zone).await?,
            false => Vec::new(),
        };
        let mut activity = by_restaurant(activity, |a| &a.restaurant_id);
        Ok(restaurants
            .iter()
            .map(|restaurant| RestaurantRows {
                restaurant: restaurant.clone(),
                users: users
                    .iter()
                    .filter(|u| u.restaurant_id == restaurant.id)
                    .cloned()
                    .collect(),
                tables: tables.remove(&restaurant.id).unwrap_or_default(),
                guests: guests.remove(&restaurant.id).unwrap_or_default(),
                reservations: reservations.remove(&restaurant.id).unwrap_or_default(),
                activity: activity.remove(&restaurant.id).unwrap_or_default(),
            })
            .collect())
    }

    pub fn describe(&self) -> &str {
        &self.description
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

fn by_restaurant<T>(rows: Vec<T>, key: impl Fn(&T) -> &String) -> HashMap<String, Vec<T>> {
    let mut grouped: HashMap<String, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(key(&row).clone()).or_default().push(row);
    }
    grouped
}

fn columns_by_table(columns: Vec<(String, String)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in columns {
        tables.entry(table).or_default().insert(column);
    }
    tables
}

/// Names every table and column we read that the source lacks.
fn check_schema(tables: &BTreeMap<String, BTreeSet<String>>) -> anyhow::Result<()> {
    let missing_tables: Vec<&str> = EXPECTED
        .iter()
        .map(|(table, _)| *table)
        .filter(|table| !tables.contains_key(*table))
        .collect();
    if missing_tables.len() == EXPECTED.len() {
        bail!(
            "the source is not the Python QTable service's database: it has none of the tables {}",
            missing_tables.join(", ")
        );
    }
    if !missing_tables.is_empty() {
        bail!(
            "the source is not the Python QTable schema we know: missing tables {}",
            missing_tables.join(", ")
        );
    }
    let optional = tables.contains_key(ACTIVITY.0).then_some(&ACTIVITY);
    let missing_columns: Vec<String> = EXPECTED
        .iter()
        .chain(optional)
        .flat_map(|(table, columns)| {
            columns
                .iter()
                .filter(|column| !tables[*table].contains(**column))
                .map(move |column| format!("{table}.{column}"))
        })
        .collect();
    if !missing_columns.is_empty() {
        bail!(
            "the source is older or newer than the Python QTable schema we know: missing columns {}",
            missing_columns.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(drop: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut tables = BTreeMap::new();
        for (table, columns) in EXPECTED {
            let kept = columns
                .iter()
                .filter(|column| format!("{table}.{column}") != drop)
                .map(|column| column.to_string());
            tables.insert(table.to_string(), kept.collect());
        }
        tables
    }

    #[test]
    fn the_known_schema_passes_and_a_missing_column_is_named() {
        assert!(check_schema(&schema("")).is_ok());
        let error = check_schema(&schema("guests.total_visits")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("missing columns guests.total_visits")
        );
    }

    #[test]
    fn an_activity_log_is_optional_but_checked_when_there() {
        let mut tables = schema("");
        let kept = ACTIVITY.1.iter().filter(|c| **c != "new_data");
        tables.insert(
            "activity_logs".into(),
            kept.map(|c| c.to_string()).collect(),
        );
        let error = check_schema(&tables).unwrap_err();
        assert!(
            error.to_string().contains("activity_logs.new_data"),
            "{error}"
        );
    }

    #[test]
    fn another_database_is_named_as_such() {
        let error = check_schema(&BTreeMap::new()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not the Python QTable service's database")
        );
    }
}
