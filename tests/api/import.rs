//! `qtable import` from a database made of the Python service's schema
//! (tests/fixtures/python-original-schema.sql) and filled as messily as real
//! data was: ids like `table-1`, duplicate table numbers, pixel positions,
//! zone-less times in a non-UTC server, emails colliding by case, Title Case
//! and lowercase guest statuses, a table pointing at a finished guest.

use qtable::{
    db::{Schema, all_statements},
    import::{self, Options, Report, report::Entity},
};
use serde_json::Value;
use sqlx::{ConnectOptions, Connection, Executor, PgPool, SqlSafeStr};

use crate::helpers::{PASSWORD, TestApp, postgres};

const PIZZA: &str = "test-restaurant-1";
const BISTRO: &str = "7d9a3c1e-5b2f-4e8a-9c3d-1f2e3d4c5b6a";

const MESS: &str = "
insert into restaurants (id, name, slug, email, timezone, settings, is_active) values
    ('test-restaurant-1', 'Pizza Palace', 'pizza-palace', 'a@pizza.test', null, null, true),
    ('7d9a3c1e-5b2f-4e8a-9c3d-1f2e3d4c5b6a', 'Bistro', 'bistro', 'b@bistro.test', 'Europe/Paris', '{\"theme\": \"dark\"}', null);
insert into restaurant_tables (id, restaurant_id, table_number, capacity, position_x, position_y, shape, status, current_guest_id, is_active) values
    ('table-1', 'test-restaurant-1', '1', 4, 400, 300, 'round', 'available', null, true),
    ('table-2', 'test-restaurant-1', '1', 2, 0.1, 0.2, null, 'AVAILABLE', null, null),
    ('table-3', 'test-restaurant-1', '3', 2, 0.5, 0.5, 'square', 'available', null, false),
    ('table-4', 'test-restaurant-1', '4', 6, 0.3, 0.3, 'oval', 'cleaning', 'guest-2', true),
    ('table-5', 'test-restaurant-1', '5', 4, 0.7, 0.7, 'rectangle', 'occupied', 'guest-1', true),
    ('table-b1', '7d9a3c1e-5b2f-4e8a-9c3d-1f2e3d4c5b6a', '10', 2, 0.5, 0.5, 'round', 'available', null, true);
insert into guests (id, restaurant_id, first_name, last_name, email, phone, party_size, status, table_id,
                    seated_time, finished_time, total_visits, dietary_restrictions, special_requests, created_at, updated_at) values
    ('guest-1', 'test-restaurant-1', 'Bob', 'Stone', null, '(202) 555-0143', 2, 'Seated', 'table-5',
     '2026-11-30 19:00', null, 3, '[\"gluten\"]', 'booth', '2026-11-30 18:50', '2026-11-30 19:00'),
    ('guest-2', 'test-restaurant-1', 'bob', 'stone', 'BOB@stone.test', '202-555-0143', 2, 'finished', null,
     '2026-11-20 19:00', '2026-11-20 20:30', 5, null, null, '2026-11-20 18:00', '2026-11-20 20:30'),
    ('guest-3', 'test-restaurant-1', 'Cara', 'Lee', 'Cara@Lee.test', null, 3, 'No Show', null,
     null, null, null, '[\"vegan\", \"nuts\"]', null, '2026-11-25 12:00', '2026-11-25 12:00'),
    ('guest-4', 'test-restaurant-1', null, null, null, null, null, 'Waitlist', null,
     null, null, null, null, null, '2026-11-30 19:05', '2026-11-30 19:05');
insert into reservations (id, restaurant_id, guest_id, table_id, party_size, reservation_time, guest_name,
                          guest_phone, guest_email, status, created_at) values
    ('res-1', 'test-restaurant-1', null, 'table-1', 4, '2026-12-05 19:30', 'Cara Lee', null, 'cara@lee.test', 'confirmed', '2026-11-29 10:00'),
    ('res-2', 'test-restaurant-1', 'guest-2', null, 2, '2026-12-06 20:00', 'Bob Stone', null, null, 'cancelled', '2026-11-29 11:00'),
    ('res-3', 'test-restaurant-1', null, 'table-1', 2, '2026-12-05 20:00', 'Dan Brook', null, null, 'runningLate', '2026-11-29 10:30'),
    ('res-b1', '7d9a3c1e-5b2f-4e8a-9c3d-1f2e3d4c5b6a', null, null, 2, '2026-12-07 12:00', 'Eve', null, null, 'runningLate', '2026-11-29 12:00');
";

/// The activity log of databases made before 2025-08-17, as the schema's
/// notes describe it (the fixture, the schema at its last commit, has none).
const ACTIVITY_LOGS: &str = "
create table activity_logs (id varchar primary key, restaurant_id varchar not null references restaurants (id),
    user_id varchar, action varchar(100), entity_type varchar(50), entity_id varchar,
    old_data json, new_data json, log_metadata json, created_at timestamp default now());
";

const OLD_ACTIVITY: &str = "
insert into activity_logs (id, restaurant_id, user_id, action, entity_type, entity_id, old_data, new_data, created_at) values
    ('log-1', 'test-restaurant-1', 'user-1', 'table_updated', 'table', 'table-1',
     '{\"status\": \"available\"}', '{\"status\": \"occupied\"}', '2026-11-30 12:00'),
    ('log-2', 'test-restaurant-1', null, 'guest_created', 'guest', 'guest-3', null, '{\"first_name\": \"Cara\"}', '2026-11-25 12:00');
";

/// The old system's schema, a fact to test against.
const SCHEMA: &str = include_str!("../fixtures/python-original-schema.sql");

const INSERT_USER: &str =
    "insert into users (id, restaurant_id, email, password_hash, first_name, role, last_login_at)
    values ($1, $2, $3, $4, $5, $6, $7::timestamp)";

/// A source database of the Python schema with `MESS` and four users
/// (bcrypt, `PASSWORD`), on a server whose TimeZone is New York's.
async fn messy_source(taken_email: &str) -> String {
    let name = python_database().await;
    let mut conn = connect(&name).await;
    sqlx::raw_sql(MESS)
        .execute(&mut conn)
        .await
        .expect("the messy rows");
    for statement in [ACTIVITY_LOGS, OLD_ACTIVITY] {
        sqlx::raw_sql(statement)
            .execute(&mut conn)
            .await
            .expect("an old activity log");
    }
    let hash = bcrypt::hash(PASSWORD, 4).unwrap();
    let users = [
        (
            "user-1",
            PIZZA,
            "Ana@Example.test",
            "Ana",
            Some("owner"),
            Some("2026-11-30 10:00"),
        ),
        (
            "user-2",
            PIZZA,
            "ana@example.test",
            "Old Ana",
            None,
            Some("2025-01-01 10:00"),
        ),
        (
            "user-3",
            BISTRO,
            "host@bistro.test",
            "Hal",
            Some("host"),
            None,
        ),
        (
            "user-4",
            BISTRO,
            taken_email,
            "Taken",
            Some("manager"),
            None,
        ),
    ];
    for (id, restaurant, email, first, role, login) in users {
        sqlx::query(INSERT_USER)
            .bind(id)
            .bind(restaurant)
            .bind(email)
            .bind(&hash)
            .bind(first)
            .bind(role)
            .bind(login)
            .execute(&mut conn)
            .await
            .expect("a user");
    }
    conn.close().await.unwrap();
    name
}

/// An empty database with the Python schema; its server TimeZone is New York's.
async fn python_database() -> String {
    let server = postgres::server();
    let name = server.create_empty_database().await;
    let set_zone = format!("alter database {name} set timezone = 'America/New_York'");
    postgres::execute(&server.admin, &set_zone).await.unwrap();
    let mut conn = connect(&name).await;
    sqlx::raw_sql(SCHEMA)
        .execute(&mut conn)
        .await
        .expect("the Python schema");
    conn.close().await.unwrap();
    name
}

async fn connect(database: &str) -> sqlx::PgConnection {
    let options = postgres::server().admin.clone().database(database);
    options.connect().await.expect("connecting to the source")
}

fn options(source: &str) -> Options {
    Options {
        from: postgres::server().url_for(source),
        ..Options::default()
    }
}

async fn run(app: &TestApp, options: &Options) -> Report {
    import::run(&app.db, options)
        .await
        .expect("the import runs")
}

async fn restaurants_in(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from restaurants")
        .fetch_one(db)
        .await
        .unwrap()
}

fn restaurant<'a>(report: &'a Report, source_id: &str) -> &'a import::report::RestaurantReport {
    report
        .restaurants
        .iter()
        .find(|r| r.source_id == source_id)
        .expect("the restaurant is in the report")
}

fn by_number<'a>(tables: &'a Value, number: &str) -> &'a Value {
    let tables = tables.as_array().expect("a list of tables");
    tables
        .iter()
        .find(|t| t["tableNumber"] == number)
        .unwrap_or_else(|| panic!("no table {number} in {tables:?}"))
}

#[tokio::test]
async fn an_import_brings_the_floor_the_book_the_regulars_and_the_logins() {
    let app = TestApp::spawn().await;
    let existing = app.register().await;
    sqlx::query(
        "insert into restaurants (id, name, slug) values (gen_random_uuid(), 'Other', 'bistro')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let source = messy_source(&existing.email).await;

    let report = run(&app, &options(&source)).await;

    assert_eq!(report.failed(), 0, "{report}");
    assert_eq!(report.timezone, "America/New_York");
    let text = report.to_string();
    assert!(
        text.contains("America/New_York (the source server's TimeZone setting)"),
        "{text}"
    );
    let pizza = restaurant(&report, PIZZA);
    let tables = pizza.counts[&Entity::Tables];
    assert_eq!(
        (tables.read, tables.new, tables.skipped),
        (5, 4, 1),
        "{text}"
    );
    for reason in [
        "soft-deleted in the source",
        "duplicate table number",
        "converted from 800x600 pixels",
        "unknown status, imported available",
        "current guest is not seated there, imported free",
        "its table was booked for an overlapping time, imported without a table",
    ] {
        assert!(
            pizza.notes.keys().any(|(_, r)| r.contains(reason)),
            "{reason}: {text}"
        );
    }
    let users = pizza.counts[&Entity::Users];
    assert_eq!((users.read, users.new, users.skipped), (2, 1, 1), "{text}");
    assert_eq!(pizza.counts[&Entity::GuestProfiles].new, 3, "{text}");
    assert_eq!(pizza.counts[&Entity::Activity].new, 2, "{text}");
    let bistro = restaurant(&report, BISTRO);
    assert!(
        bistro
            .notes
            .keys()
            .any(|(_, r)| r == "slug taken, imported as bistro-2"),
        "{text}"
    );
    assert!(
        bistro
            .notes
            .keys()
            .any(|(_, r)| r.contains("already has a QTable account")),
        "{text}"
    );

    // The old password signs in, and is rehashed by it.
    let ana = app.sign_in("ana@example.test", PASSWORD).await;
    let me = app.me(&ana.token).await.expect_200();
    assert_eq!(
        (me["first_name"].as_str(), me["role"].as_str()),
        (Some("Ana"), Some("owner")),
        "{me}"
    );
    let hash: String = sqlx::query_scalar(
        "select password_hash from users where lower(email) = 'ana@example.test'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    let floor = app.get_tables(&ana).await.expect_200();
    assert_eq!(floor.as_array().unwrap().len(), 4, "{floor}");
    assert_eq!(
        by_number(&floor, "1")["position"],
        serde_json::json!({"x": 0.5, "y": 0.5})
    );
    assert_eq!(by_number(&floor, "1-2")["shape"], "round");
    let freed = by_number(&floor, "4");
    assert_eq!(
        (&freed["status"], &freed["currentGuestId"]),
        (&"available".into(), &Value::Null)
    );
    let taken = by_number(&floor, "5");
    assert_eq!(taken["status"], "occupied");
    let journal = app.get_activity(&ana, "").await.expect_200();
    let logged = journal.to_string();
    let table_one = by_number(&floor, "1")["id"].as_str().unwrap().to_owned();
    assert!(
        logged.contains(&table_one) && logged.contains("table_updated"),
        "{journal}"
    );

    let book = app
        .get_reservations(&ana, "from=2026-11-01T00:00:00Z&to=2027-01-01T00:00:00Z")
        .await
        .expect_200();
    let book = book.as_array().expect("a list");
    let seated = book
        .iter()
        .find(|r| r["status"] == "seated")
        .expect("the seated guest");
    assert_eq!(taken["currentGuestId"], seated["id"]);
    assert_eq!(seated["assignedTableId"], taken["id"]);
    let cara = book
        .iter()
        .find(|r| r["status"] == "confirmed")
        .expect("res-1");
    // 19:30 zone-less in New York.
    assert_eq!(cara["reservationTime"], "2026-12-06T00:30:00Z");
    assert_eq!(cara["assignedTableId"], by_number(&floor, "1")["id"]);
    // Booked on Cara's table half an hour into her turn: kept, without the table.
    let dan = book
        .iter()
        .find(|r| r["guestName"] == "Dan Brook")
        .expect("res-3");
    assert_eq!(dan["assignedTableId"], Value::Null, "{dan}");
    let statuses: Vec<&str> = book.iter().filter_map(|r| r["status"].as_str()).collect();
    for status in ["finished", "noShow", "waitlist", "cancelled"] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }

    let bob = app.get_guest_profiles(&ana, "q=stone").await.expect_200();
    let bob = &bob["items"][0];
    // The largest total_visits (5, never 3 + 5), plus the one finished visit.
    assert_eq!(
        (
            bob["visitCount"].as_i64(),
            bob["cancellationCount"].as_i64()
        ),
        (Some(6), Some(1)),
        "{bob}"
    );
    assert_eq!(
        (bob["phone"].as_str(), bob["email"].as_str()),
        (Some("+12025550143"), Some("bob@stone.test"))
    );
    // Each of his visits carries the summary of the history as imported.
    let his_visits: Vec<&Value> = book
        .iter()
        .filter(|r| r["guestProfileId"] == bob["id"])
        .collect();
    assert!(!his_visits.is_empty());
    for visit in his_visits {
        assert_eq!(visit["guest"]["visitCount"], 6, "{visit}");
    }
    let cara = app.get_guest_profiles(&ana, "q=cara").await.expect_200();
    let cara = &cara["items"][0];
    assert_eq!(
        (cara["noShowCount"].as_i64(), cara["email"].as_str()),
        (Some(1), Some("cara@lee.test")),
        "{cara}"
    );
    assert_eq!(
        cara["dietaryRestrictions"],
        serde_json::json!(["vegan", "nuts"])
    );

    // Again: nothing changes, the rehashed password included.
    let again = run(&app, &options(&source)).await;

    assert_eq!(again.changes(), 0, "{again}");
    assert!(again.to_string().contains("nothing changed"), "{again}");
    app.sign_in("ana@example.test", PASSWORD).await;
}

#[tokio::test]
async fn a_dry_run_reports_the_same_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let source = messy_source("someone@else.test").await;
    let dry = Options {
        dry_run: true,
        source_timezone: Some("Europe/Paris".into()),
        ..options(&source)
    };

    let report = run(&app, &dry).await;

    assert_eq!(restaurants_in(&app.db).await, 0);
    let text = report.to_string();
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert!(text.contains("Europe/Paris (--source-timezone)"), "{text}");
    let real = run(
        &app,
        &Options {
            dry_run: false,
            ..dry
        },
    )
    .await;
    for (dry, real) in report.restaurants.iter().zip(&real.restaurants) {
        assert_eq!(dry.counts, real.counts, "{report}\n{real}");
        assert_eq!(dry.notes, real.notes);
    }
}

#[tokio::test]
async fn a_failing_restaurant_is_rolled_back_alone_and_the_others_are_imported() {
    let app = TestApp::spawn().await;
    let source = messy_source("someone@else.test").await;
    app.db
        .execute(
            "create function refuse_ten() returns trigger language plpgsql as $$
             begin if new.table_number = '10' then raise exception 'table 10 refused'; end if; return new; end $$;
             create trigger refuse_ten before insert on dining_tables for each row execute function refuse_ten();",
        )
        .await
        .unwrap();

    let report = run(&app, &options(&source)).await;

    assert_eq!(report.failed(), 1, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("FAILED, rolled back") && text.contains("table 10 refused"),
        "{text}"
    );
    assert_eq!(restaurants_in(&app.db).await, 1);
}

#[tokio::test]
async fn a_source_that_is_not_the_python_schema_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let empty = postgres::server().create_empty_database().await;
    let old = python_database().await;
    connect(&old)
        .await
        .execute("alter table guests drop column total_visits")
        .await
        .unwrap();
    let unreachable = Options {
        from: "postgres://nobody@127.0.0.1:1/none".into(),
        ..Options::default()
    };

    for (options, message) in [
        (options(&empty), "not the Python QTable service's database"),
        (options(&old), "missing columns guests.total_visits"),
        (unreachable, "cannot reach the source database"),
    ] {
        let error = import::run(&app.db, &options).await.expect_err("refused");
        assert!(format!("{error:#}").contains(message), "{error:#}");
    }

    assert_eq!(restaurants_in(&app.db).await, 0);
}

#[tokio::test]
async fn the_command_exits_non_zero_with_a_clear_message_on_a_bad_source() {
    let app = TestApp::spawn().await;
    let empty = postgres::server().create_empty_database().await;
    let target = app.db_options.get_database().unwrap().to_owned();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_qtable"))
        .args([
            "import",
            "--dry-run",
            "--from",
            &postgres::server().url_for(&empty),
        ])
        .env("DATABASE_URL", postgres::server().url_for(&target))
        .output()
        .expect("running qtable");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not the Python QTable service's database"),
        "{stderr}"
    );
}

/// The import's statements on the source, prepared against the fixture
/// and the older activity log (as `statements.rs` does for the service's
/// against the migrations).
#[tokio::test]
async fn every_statement_on_the_source_prepares_against_the_python_schema() {
    let mut conn = connect(&python_database().await).await;
    sqlx::raw_sql(ACTIVITY_LOGS)
        .execute(&mut conn)
        .await
        .unwrap();

    let mut failures = Vec::new();
    let on_source = all_statements().filter(|s| s.schema == Schema::PythonOriginal);
    for statement in on_source {
        if let Err(error) = conn.prepare(statement.sql.into_sql_str()).await {
            failures.push(format!("{}: {error}", statement.name));
        }
    }

    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn only_the_restaurants_named_are_imported_and_an_unknown_one_is_refused() {
    let app = TestApp::spawn().await;
    let source = messy_source("someone@else.test").await;
    let only = |ids: &[&str]| Options {
        restaurants: ids.iter().map(|id| id.to_string()).collect(),
        ..options(&source)
    };

    let unknown = import::run(&app.db, &only(&[PIZZA, "no-such-place"])).await;
    let report = run(&app, &only(&[PIZZA])).await;

    let error = format!("{:#}", unknown.expect_err("refused"));
    assert!(
        error.contains("no such restaurant in the source: no-such-place"),
        "{error}"
    );
    let names: Vec<&str> = report
        .restaurants
        .iter()
        .map(|r| r.source_id.as_str())
        .collect();
    assert_eq!(names, [PIZZA]);
    assert_eq!(restaurants_in(&app.db).await, 1);
}
