//! Moving a restaurant between deployments: its export (an owner's over
//! HTTP, an operator's through `qtable export`) loaded into another
//! deployment (a fresh database of the same cluster) with `qtable import
//! --from-export`, then read back row by row and through the API.

use std::process::{Command, Output, Stdio};

use qtable::export::{self, Export, Secrets};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    booking::{DINNER, at, next_week},
    helpers::{Account, PASSWORD, TestApp, id, postgres},
};

/// Every table the export carries, with the columns that must come back
/// equal (all of them, but the password hash when it does not travel).
const CARRIED: &[&str] = &[
    "restaurants",
    "dining_tables",
    "table_combinations",
    "turn_times",
    "server_assignments",
    "shifts",
    "closures",
    "guest_profiles",
    "reservations",
    "seatings",
];

/// A restaurant with something in every section of the export: staff of
/// each role, tables, a combination, turn times, a server section, a shift
/// and a closure, profiles with a history, a finished visit, a party seated
/// now, a booking at a table, and one made online (its confirmation, with
/// the guest's manage token, comes back last).
async fn seeded(app: &TestApp) -> (Account, Account, Account, Value) {
    let (owner, manager, staff) = app.team().await;
    let a1 = app.create_table(&owner, "A1", 2).await;
    let a2 = app.create_table(&owner, "A2", 4).await;
    let b1 = app.create_table(&owner, "B1", 6).await;
    let pair = json!({"name": "A1+A2", "tableIds": [id(&a1), id(&a2)]});
    assert_eq!(app.post_combination(&owner, &pair).await.status, 201);
    let turns = json!({"defaultMinutes": 100, "byPartySize": [{"maxPartySize": 2, "minutes": 60}]});
    app.put_turn_times(&owner, &turns).await.expect_200();
    let sections = json!([{"section": "Main Dining", "userId": staff.user_id}]);
    app.put_server_assignments(&owner, &sections)
        .await
        .expect_200();
    let ana = json!({"firstName": "Ana", "lastName": "Silva", "phone": "+12025550143",
        "tags": ["vip"], "dietaryRestrictions": ["gluten"], "notes": "Window table"});
    let ana = app.create_guest_profile(&owner, &ana).await;
    let visit = |party: i32, time: Option<String>, table: Option<&str>| {
        json!({"guestName": "Ana Silva", "partySize": party, "reservationTime": time,
            "assignedTableId": table, "guestProfileId": id(&ana), "notes": "Birthday"})
    };
    let past = app
        .post_reservation(&owner, &visit(2, None, None))
        .await
        .body;
    assert_eq!(app.seat(&owner, &past, &a1).await.status, 200);
    let finished = json!({"status": "finished"});
    app.put_reservation(&owner, id(&past), &finished)
        .await
        .expect_200();
    let now = app.create_reservation(&owner, "Bo Chen", 5, None).await;
    assert_eq!(app.seat(&owner, &now, &b1).await.status, 200);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT19:00:00Z");
    let booked = visit(3, Some(tomorrow.to_string()), Some(id(&a2)));
    let booked = app.post_reservation(&owner, &booked).await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    app.add_shift(&owner, &DINNER).await;
    app.add_closure(&owner, next_week() + chrono::Duration::days(1))
        .await;
    let restaurant = app.get_restaurant(&owner).await.expect_200();
    let slug = restaurant["slug"].as_str().unwrap();
    let online = app.booked_online(slug, &at(next_week(), "19:00"), 2).await;
    (owner, manager, staff, online)
}

/// What the guest's link shows on `app`: 200 while its token is known there.
async fn guest_link(app: &TestApp, online: &Value) -> u16 {
    let reservation = online["reservationId"].as_str().unwrap();
    let token = online["manageToken"].as_str().unwrap();
    let own = app.own_booking(reqwest::Method::GET, reservation, token);
    own.await.status
}

/// The rows of `table`, as JSON, in a stable order.
async fn rows_of(db: &PgPool, table: &str, without: &[&str]) -> Value {
    let statement = format!(
        "select coalesce(jsonb_agg(r order by r::text), '[]') from
             (select to_jsonb(t) - $1::text[] as r from {table} t) rows"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
        .bind(without)
        .fetch_one(db)
        .await
        .expect(table)
}

/// Whether every carried table and the staff (but `without` of theirs) hold the same rows.
async fn assert_same_rows(from: &PgPool, to: &PgPool, without: &[&str]) {
    for table in CARRIED {
        assert_eq!(
            rows_of(from, table, &[]).await,
            rows_of(to, table, &[]).await,
            "{table}"
        );
    }
    assert_eq!(
        rows_of(from, "users", without).await,
        rows_of(to, "users", without).await
    );
    // Derived by a trigger on the book; `live` starts at the write. Holds
    // (and so their blocks) stay behind.
    let blocks = "(select table_id, during, reservation_id from table_blocks
                   where reservation_id is not null)";
    assert_eq!(
        rows_of(from, blocks, &[]).await,
        rows_of(to, blocks, &[]).await
    );
}

/// What clients read of the restaurant.
async fn through_the_api(app: &TestApp, by: &Account) -> Vec<Value> {
    let mut read = vec![
        app.get_restaurant(by).await.expect_200(),
        app.get_staff(by).await.expect_200(),
        app.get_tables(by).await.expect_200(),
        app.get_combinations(by).await.expect_200(),
        app.get_turn_times(by).await.expect_200(),
        app.get_server_assignments(by).await.expect_200(),
        app.get_reservations(by, "").await.expect_200(),
        app.get_guest_profiles(by, "").await.expect_200(),
    ];
    // A password set after the move changes its account's `lastUpdated`.
    for member in read[1].as_array_mut().unwrap() {
        member.as_object_mut().unwrap().remove("lastUpdated");
    }
    let profiles = read[7]["items"].as_array().unwrap().clone();
    for profile in &profiles {
        read.push(app.get_visits(by, id(profile)).await.expect_200());
    }
    read
}

async fn parsed(reply_body: &[u8]) -> Export {
    export::parse(std::str::from_utf8(reply_body).unwrap()).expect("an export document")
}

#[tokio::test]
async fn an_owners_export_moves_the_restaurant_and_set_password_lets_the_staff_back_in() {
    let here = TestApp::spawn().await;
    let (owner, manager, staff, online) = seeded(&here).await;
    let there = TestApp::spawn().await;

    let response = here
        .with_token(reqwest::Method::GET, &owner.path("/export"), &owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"qtable-pizza-palace-")
            && disposition.ends_with(".json\""),
        "{disposition}"
    );
    let body = response.bytes().await.unwrap();
    let text = std::str::from_utf8(&body).unwrap();
    assert!(!text.contains("passwordHash") && !text.contains("$argon2"));
    assert!(!text.contains("manageTokens"));
    let document = parsed(&body).await;
    assert_eq!(
        (
            document.staff.len(),
            document.tables.len(),
            document.reservations.len()
        ),
        (3, 3, 4)
    );
    let loaded = export::load(&there.db, document).await.expect("loaded");

    assert_eq!(loaded.without_password.len(), 3);
    assert_same_rows(&here.db, &there.db, &["password_hash"]).await;
    assert_eq!(guest_link(&here, &online).await, 200);
    assert_eq!(
        guest_link(&there, &online).await,
        404,
        "the link stays behind"
    );
    assert_eq!(there.login(&owner.email, PASSWORD).await.status, 401);
    qtable::auth::set_password(
        &there.db,
        &owner.email.to_uppercase(),
        "a new one 123".into(),
    )
    .await
    .expect("set");
    let moved = there.sign_in(&owner.email, "a new one 123").await;
    assert_eq!(moved.restaurant_id, owner.restaurant_id);
    assert_eq!(
        through_the_api(&here, &owner).await,
        through_the_api(&there, &moved).await
    );
    for other in [&manager, &staff] {
        assert_eq!(there.login(&other.email, PASSWORD).await.status, 401);
    }
}

#[tokio::test]
async fn only_an_owner_exports() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let stranger = app.register().await;

    let by_manager = app.get_export(&manager).await;
    let by_staff = app.get_export(&staff).await;
    let elsewhere = app
        .send(app.with_token(
            reqwest::Method::GET,
            &owner.path("/export"),
            &stranger.token,
        ))
        .await;

    assert_eq!(by_manager.status_and("code"), (403, &json!("forbidden")));
    assert_eq!(by_staff.status, 403);
    assert_eq!(elsewhere.status, 403);
    assert_eq!(app.get_export(&owner).await.status, 200);
}

#[tokio::test]
async fn the_operators_export_carries_hashes_only_when_asked_and_then_everyone_signs_in() {
    let here = TestApp::spawn().await;
    let (owner, manager, staff, online) = seeded(&here).await;
    let there = TestApp::spawn().await;
    let restaurant = owner.restaurant_id.parse().unwrap();

    let mut plain = Vec::new();
    export::export(&here.db, restaurant, Secrets::Left, &mut plain)
        .await
        .unwrap();
    let mut secret = Vec::new();
    let written = export::export(&here.db, restaurant, Secrets::Included, &mut secret)
        .await
        .unwrap();
    let plain = parsed(&plain).await;
    let secret = parsed(&secret).await;
    export::load(&there.db, secret).await.expect("loaded");

    assert!(plain.staff.iter().all(|s| s.password_hash.is_none()));
    assert!(plain.manage_tokens.is_none());
    assert!(written.counts.contains(&("manageTokens", 1)));
    assert_same_rows(&here.db, &there.db, &[]).await;
    let tokens = "manage_tokens";
    assert_eq!(
        rows_of(&here.db, tokens, &[]).await,
        rows_of(&there.db, tokens, &[]).await
    );
    assert_eq!(guest_link(&there, &online).await, 200);
    for account in [&owner, &manager, &staff] {
        there.sign_in(&account.email, PASSWORD).await;
    }
}

#[tokio::test]
async fn a_deployment_that_has_the_restaurant_its_slug_or_a_staff_email_gets_nothing_written() {
    let here = TestApp::spawn().await;
    let (owner, _, staff, _) = seeded(&here).await;
    let there = TestApp::spawn().await;
    let already = there.register().await;
    sqlx::query("update users set email = $1 where id = $2::uuid")
        .bind(&staff.email)
        .bind(&already.user_id)
        .execute(&there.db)
        .await
        .unwrap();
    let restaurant = owner.restaurant_id.parse().unwrap();
    let document = || async {
        let mut out = Vec::new();
        export::export(&here.db, restaurant, Secrets::Left, &mut out)
            .await
            .unwrap();
        parsed(&out).await
    };

    let same = export::load(&here.db, document().await).await;
    let email = export::load(&there.db, document().await).await;
    let mut renamed = document().await;
    renamed.restaurant.id = uuid::Uuid::new_v4();
    let slug = export::load(&here.db, renamed).await;

    let message = |r: anyhow::Result<export::Loaded>| format!("{:#}", r.expect_err("refused"));
    let same = message(same);
    assert!(
        same.starts_with(
            "nothing of the export was written: this deployment already has the restaurant"
        ),
        "{same}"
    );
    let email = message(email);
    assert!(
        email.contains("these staff emails already have an account")
            && email.ends_with(&staff.email),
        "{email}"
    );
    let slug = message(slug);
    assert!(slug.contains("has the slug \"pizza-palace-"), "{slug}");
    for table in CARRIED.iter().chain(&["users"]) {
        let rows: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(&there.db)
                .await
                .unwrap();
        let registered = if matches!(*table, "restaurants" | "users") {
            1
        } else {
            0
        };
        assert_eq!(rows, registered, "{table}");
    }
}

/// The binary, on the database of `app`, in an empty directory (no `.env`).
fn qtable(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let database = app.db_options.get_database().expect("a database name");
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qtable"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", postgres::server().url_for(database))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the qtable binary");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_commands_export_import_and_set_a_password_on_real_databases() {
    let here = TestApp::spawn().await;
    let (owner, manager, _, _) = seeded(&here).await;
    let there = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("move.json");
    let file = file.to_str().unwrap();
    let restaurant = owner.restaurant_id.as_str();

    let exported = qtable(
        &here,
        &[
            "export",
            "--restaurant",
            restaurant,
            "--output",
            file,
            "--include-password-hashes",
        ],
        "",
    );
    let to_stdout = qtable(&here, &["export", "--restaurant", restaurant], "");
    let imported = qtable(&there, &["import", "--from-export", file], "");
    let again = qtable(&there, &["import", "--from-export", file], "");
    let both = qtable(
        &there,
        &["import", "--from", "postgres://x", "--from-export", file],
        "",
    );

    assert!(exported.status.success(), "{}", text(&exported.stderr));
    assert!(
        text(&exported.stderr).contains("exported Pizza Palace"),
        "{}",
        text(&exported.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(to_stdout.status.success(), "{}", text(&to_stdout.stderr));
    let plain = parsed(&to_stdout.stdout).await;
    assert!(plain.staff.iter().all(|s| s.password_hash.is_none()));
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(
        text(&imported.stdout).starts_with("imported Pizza Palace"),
        "{}",
        text(&imported.stdout)
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("this deployment already has the restaurant"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    assert_same_rows(&here.db, &there.db, &[]).await;
    there.sign_in(&owner.email, PASSWORD).await;

    let set = qtable(
        &there,
        &["set-password", "--email", &manager.email],
        "another pass 9\n",
    );
    let short = qtable(
        &there,
        &["set-password", "--email", &manager.email],
        "short\n",
    );
    let nobody = qtable(
        &there,
        &["set-password", "--email", "nobody@example.com"],
        "long enough 1\n",
    );

    assert!(set.status.success(), "{}", text(&set.stderr));
    assert!(!short.status.success() && !nobody.status.success());
    assert_eq!(there.login(&manager.email, PASSWORD).await.status, 401);
    there.sign_in(&manager.email, "another pass 9").await;
}

const BIG_BOOK: &str = "
with tables as (
    insert into dining_tables (restaurant_id, table_number, capacity)
    select $1, 'T' || n, 4 from generate_series(1, 40) n
    returning id
), floor as (select array_agg(id) as ids from tables),
profiles as (
    insert into guest_profiles (restaurant_id, first_name, last_name, phone, tags)
    select $1, 'Guest', 'Number ' || n, '+1202' || lpad(n::text, 7, '0'), '{regular}'
    from generate_series(1, 20000) n
    returning id
), people as (select array_agg(id) as ids from profiles)
insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, seated_time,
    finished_time, assigned_table_id, guest_profile_id, contact_info, notes)
select $1, 'Guest ' || n, 2 + n % 4, 'finished', t, t + interval '5 minutes', t + interval '95 minutes',
       floor.ids[1 + n % 40], people.ids[1 + n % 20000], '+1202' || lpad((1 + n % 20000)::text, 7, '0'),
       case when n % 3 = 0 then 'Window seat, please' end
from generate_series(1, 100000) n, floor, people,
     lateral (select now() - make_interval(days => n % 700, mins => n % 600)) as at(t)";

/// A measurement rather than a check (docs/performance.md): a restaurant
/// with 100,000 reservations and 20,000 profiles, exported (to memory, as
/// over HTTP) and loaded into another database. Run it with
/// `cargo test --test api big_restaurant -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn a_big_restaurant_moves_measured() {
    let here = TestApp::spawn().await;
    let owner = here.register().await;
    let restaurant: uuid::Uuid = owner.restaurant_id.parse().unwrap();
    let mut seed = here.db.begin().await.unwrap();
    sqlx::query("select set_config('app.defer_guest_history', 'on', true)")
        .execute(&mut *seed)
        .await
        .unwrap();
    sqlx::query(BIG_BOOK)
        .bind(restaurant)
        .execute(&mut *seed)
        .await
        .unwrap();
    seed.commit().await.unwrap();
    sqlx::query("select app.refresh_guest_history(id) from guest_profiles")
        .execute(&here.db)
        .await
        .unwrap();
    let there = TestApp::spawn().await;

    let started = std::time::Instant::now();
    let mut out = Vec::new();
    export::export(&here.db, restaurant, Secrets::Left, &mut out)
        .await
        .unwrap();
    let exported = started.elapsed();
    let started = std::time::Instant::now();
    let document = parsed(&out).await;
    let loaded = export::load(&there.db, document).await.unwrap();
    let imported = started.elapsed();

    println!(
        "export: {} bytes in {exported:?}; import: {imported:?} ({:?}); peak RSS of the test process: {}",
        out.len(),
        loaded.counts,
        std::fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .find(|l| l.starts_with("VmHWM"))
            .unwrap_or_default()
    );
    assert_same_rows(&here.db, &there.db, &["password_hash"]).await;
}
