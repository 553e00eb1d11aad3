//! Tenant isolation, proven twice: over HTTP (another restaurant's token gets
//! 403/404 and changes nothing) and in SQL as the service's role (row-level
//! security hides and protects other tenants' rows on every tenant table).

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{PgPool, Row, postgres::PgConnectOptions};
use uuid::Uuid;

use qtable::db::TenantTx;

use crate::{
    booking::{DINNER, at, next_week},
    compat_flows::realtime,
    helpers::{Account, Reply, TestApp, id},
};

/// Every table with a `restaurant_id` column.
async fn tenant_tables(db: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select c.table_name::text from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
         where c.table_schema = 'public' and c.column_name = 'restaurant_id' and t.table_type = 'BASE TABLE'
         order by 1",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

/// Two restaurants with data in every tenant table.
async fn two_tenants(app: &TestApp) -> (Account, Account) {
    let a = app.register().await;
    let b = app.register().await;
    for owner in [&a, &b] {
        app.add_staff(owner, "staff").await;
        let table = app.create_table(owner, "A1", 4).await;
        let guest = app.create_reservation(owner, "Guest", 2, None).await;
        app.seat(owner, &guest, &table).await;
        let regular =
            json!({"guestName": "Ana Silva", "partySize": 2, "contactInfo": "ana@example.com"});
        assert_eq!(app.post_reservation(owner, &regular).await.status, 201);
        let spare = json!({"tableNumber": "B1", "capacity": 2});
        let retried = app.post_table_with_key(owner, "k1", &spare).await;
        assert_eq!(retried.status, 201);
        host_stand_rows(app, owner, &table, &retried.body).await;
        booking_rows(app, owner).await;
    }
    (a, b)
}

/// A row in each of the host-stand engine's tables (seatings come with the seating above).
async fn host_stand_rows(app: &TestApp, owner: &Account, table: &Value, spare: &Value) {
    let times = json!({"defaultMinutes": 90, "byPartySize": [{"maxPartySize": 2, "minutes": 60}]});
    assert_eq!(app.put_turn_times(owner, &times).await.status, 200);
    let pair = json!({"name": "A1+B1", "tableIds": [id(table), id(spare)]});
    assert_eq!(app.post_combination(owner, &pair).await.status, 201);
    let sections = json!([{"section": "Main Dining", "userId": owner.user_id}]);
    let assigned = app.put_server_assignments(owner, &sections).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
}

/// A row in each of online booking's tables: a shift and a closure, a hold
/// confirmed (with its manage token) and one still live, with their blocks.
async fn booking_rows(app: &TestApp, owner: &Account) {
    app.add_shift(owner, &DINNER).await;
    app.add_closure(owner, next_week() + chrono::Duration::days(1))
        .await;
    let restaurant = app.get_restaurant(owner).await.expect_200();
    let slug = restaurant["slug"].as_str().unwrap();
    app.booked_online(slug, &at(next_week(), "19:00"), 2).await;
    app.held(slug, &at(next_week(), "17:00"), 2).await;
}

/// B's token on A's restaurant: every helper called `by` it sends B's token
/// to A's paths.
fn intruder(a: &Account, b: &Account) -> Account {
    Account {
        token: b.token.clone(),
        ..a.clone()
    }
}

/// Ids of one table, one reservation and one guest profile of `owner`'s restaurant.
async fn objects(app: &TestApp, owner: &Account) -> Objects {
    let tables = app.get_tables(owner).await.expect_200();
    let reservations = app.get_reservations(owner, "").await.expect_200();
    let profiles = app.get_guest_profiles(owner, "").await.expect_200();
    Objects {
        table: id(&tables[0]).to_owned(),
        reservation: id(&reservations[0]).to_owned(),
        profile: id(&profiles["items"][0]).to_owned(),
    }
}

struct Objects {
    table: String,
    reservation: String,
    profile: String,
}

#[tokio::test]
async fn every_tenant_table_has_forced_row_level_security_with_a_policy() {
    let app = TestApp::spawn().await;
    let mut tables = tenant_tables(&app.db).await;
    tables.push("restaurants".into());

    for table in tables {
        let row = sqlx::query(
            "select c.relrowsecurity, c.relforcerowsecurity,
                    (select count(*) from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)
             from pg_class c where c.oid = ('public.' || $1)::regclass",
        )
        .bind(&table)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert!(row.get::<bool, _>(0), "{table}: RLS enabled");
        assert!(row.get::<bool, _>(1), "{table}: RLS forced");
        assert!(row.get::<i64, _>(2) >= 1, "{table}: has a policy");
    }
}

/// One row of tenant `b` in `table`, as JSON, and the columns an insert may
/// set (generated columns take no value).
async fn sample_row(db: &PgPool, table: &str, b: Uuid) -> (Value, String) {
    let sample: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select to_jsonb(t) from {table} t where restaurant_id = $1 limit 1"
    )))
    .bind(b)
    .fetch_one(db)
    .await
    .unwrap_or_else(|_| panic!("{table}: tenant B needs a row for this test"));
    let columns: String = sqlx::query_scalar(
        "select string_agg(column_name, ', ') from information_schema.columns
         where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'",
    )
    .bind(table)
    .fetch_one(db)
    .await
    .unwrap();
    (sample, columns)
}

/// How many of `b`'s rows in `table` the tenant of `tx` sees, updates and deletes.
async fn reach(tx: &mut TenantTx, table: &str, b: Uuid) -> (i64, u64, u64) {
    let seen: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from {table} where restaurant_id = $1"
    )))
    .bind(b)
    .fetch_one(tx.conn())
    .await
    .unwrap();
    let mut affected = async |statement: String| {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(b)
            .execute(tx.conn())
            .await
            .unwrap()
            .rows_affected()
    };
    let updated = affected(format!(
        "update {table} set restaurant_id = restaurant_id where restaurant_id = $1"
    ))
    .await;
    let deleted = affected(format!("delete from {table} where restaurant_id = $1")).await;
    (seen, updated, deleted)
}

#[tokio::test]
async fn as_the_service_role_one_tenant_cannot_read_change_delete_or_insert_anothers_rows() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let (a_id, b_id) = (
        Uuid::parse_str(&a.restaurant_id).unwrap(),
        Uuid::parse_str(&b.restaurant_id).unwrap(),
    );

    for table in tenant_tables(&app.db).await {
        let (sample, columns) = sample_row(&app.db, &table, b_id).await;

        let mut tx = TenantTx::begin(&app.db, a_id).await.unwrap();
        assert_eq!(reach(&mut tx, &table, b_id).await, (0, 0, 0), "{table}");
        let insert = sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into {table} ({columns}) select {columns} from jsonb_populate_record(null::{table}, $1)"
        )))
        .bind(&sample)
        .execute(tx.conn())
        .await;

        let error = insert
            .expect_err(&format!("{table}: inserting a row for B must fail"))
            .to_string();
        assert!(error.contains("row-level security"), "{table}: {error}");
        // Dropping the transaction rolls it back.
    }
}

#[tokio::test]
async fn a_fresh_role_with_select_but_no_tenant_setting_sees_no_rows() {
    let app = TestApp::spawn().await;
    two_tenants(&app).await;
    let role = format!("fresh_{}", Uuid::new_v4().simple());
    let mut tables = tenant_tables(&app.db).await;
    tables.push("restaurants".into());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "create role {role} nologin; grant usage on schema app to {role}; grant select on {} to {role}",
        tables.join(", ")
    )))
    .execute(&app.db)
    .await
    .unwrap();

    for table in &tables {
        let mut tx = app.db.begin().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("set local role {role}")))
            .execute(&mut *tx)
            .await
            .unwrap();
        let visible: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(visible, 0, "{table}");
        tx.rollback().await.unwrap();
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "drop owned by {role}; drop role {role}"
    )))
    .execute(&app.db)
    .await
    .unwrap();
}

/// Calls every tenant endpoint once `by` (in this order), on the given
/// staff member, table and reservation.
async fn every_endpoint(
    app: &TestApp,
    by: &Account,
    member: &str,
    objects: &Objects,
) -> Vec<Reply> {
    let Objects {
        table,
        reservation,
        profile,
    } = objects;
    let mut replies = vec![
        app.get_tables(by).await,
        app.post_table(by, &json!({"tableNumber": "Z9", "capacity": 2}))
            .await,
        app.get_table(by, table).await,
        app.put_table(by, table, &json!({"status": "outOfService"}))
            .await,
        app.delete_table(by, table).await,
        app.get_reservations(by, "").await,
        app.post_reservation(by, &json!({"guestName": "X", "partySize": 2}))
            .await,
        app.get_reservation(by, reservation).await,
        app.put_reservation(by, reservation, &json!({"guestName": "Hijacked"}))
            .await,
        app.delete_reservation(by, reservation).await,
        app.get_activity(by, "").await,
        app.get_events(by, "since=0").await,
        app.get_restaurant(by).await,
        app.put_restaurant(by, &json!({"name": "Hijacked"})).await,
        app.get_staff(by).await,
        app.post_staff(
            by,
            &json!({"email": "x@y.zz", "password": "password123",
            "firstName": "X", "lastName": "Y", "role": "staff"}),
        )
        .await,
        app.get_staff_member(by, member).await,
        app.put_staff(by, member, &json!({"firstName": "Hijacked"}))
            .await,
        app.delete_staff(by, member).await,
        app.get_guest_profiles(by, "q=ana").await,
        app.post_guest_profile(by, &json!({"firstName": "X"})).await,
        app.get_guest_profile(by, profile).await,
        app.put_guest_profile(by, profile, &json!({"notes": "Hijacked"}))
            .await,
        app.get_visits(by, profile).await,
        app.merge_guest_profiles(by, profile, &Uuid::new_v4().to_string())
            .await,
        app.delete_guest_profile(by, profile).await,
        app.get_turn_times(by).await,
        app.put_turn_times(by, &json!({"defaultMinutes": 60})).await,
        app.get_suggested_turn_times(by).await,
        app.get_quote(by, 2).await,
        app.get_waitlist(by).await,
        app.get_combinations(by).await,
        app.post_combination(by, &json!({"name": "X", "tableIds": [table, reservation]}))
            .await,
        app.get_server_assignments(by).await,
        app.put_server_assignments(by, &json!([])).await,
        app.get_servers(by).await,
        app.get_seating_suggestions(by, 2).await,
        app.get_day_report(by, "2026-12-01").await,
        app.get_shifts(by).await,
        app.post_shift(
            by,
            &json!({"name": "X", "daysOfWeek": [1], "startTime": "09:00",
            "lastSeatingTime": "10:00", "endTime": "11:00", "coversPerSlot": 1}),
        )
        .await,
        app.get_closures(by, "").await,
        app.post_closure(by, &json!({"date": "2027-01-01"})).await,
        app.delete_closure(by, "2026-12-25").await,
    ];
    replies.extend(every_compat_endpoint(app, by, objects).await);
    replies
}

/// The app-as-it-grew's routes with a restaurant in the path (`compat`).
async fn every_compat_endpoint(app: &TestApp, by: &Account, objects: &Objects) -> Vec<Reply> {
    let Objects {
        table, reservation, ..
    } = objects;
    let rid = &by.restaurant_id;
    let seat = json!({"guests": [{"id": reservation, "status": "Finished"}]});
    vec![
        app.get_guests(by, "").await,
        app.post_guest(by, &json!({"first_name": "X", "party_size": 2}))
            .await,
        app.get_guest(by, reservation).await,
        app.put_guest(by, reservation, &json!({"notes": "Hijacked"}))
            .await,
        app.delete_guest(by, reservation).await,
        app.batch_update(by, &seat).await,
        app.clear_table(by, Method::PUT, table).await,
        app.clear_table(by, Method::POST, table).await,
        app.bulk_tables(by, &json!([{"id": table, "capacity": 9}]))
            .await,
        app.get_dashboard(by, &format!("/restaurants/{rid}/dashboard-data"))
            .await,
        app.get_dashboard(by, &format!("/api/v1/dashboard/{rid}/dashboard-data"))
            .await,
        app.get_dashboard(by, &format!("/api/v1/dashboard/{rid}/updates"))
            .await,
        app.get_dashboard(by, &format!("/api/sync/full?restaurant_id={rid}"))
            .await,
        app.get_dashboard(
            by,
            &format!("/api/sync/delta?restaurant_id={rid}&since=2026-01-01T00:00:00"),
        )
        .await,
    ]
}

#[tokio::test]
async fn another_restaurants_token_gets_403_on_every_endpoint_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let a_member = app.add_staff(&a, "staff").await;
    let a_objects = objects(&app, &a).await;
    let activity_before = app.get_activity(&a, "").await.expect_200();

    let replies = every_endpoint(&app, &intruder(&a, &b), &a_member.user_id, &a_objects).await;

    for reply in replies {
        assert_eq!(reply.status, 403, "{}: {}", reply.request, reply.body);
        assert_eq!(reply.body["code"], "forbidden");
    }
    let restaurant = app.get_restaurant(&a).await.body;
    assert_eq!(restaurant["name"], "Pizza Palace");
    assert_eq!(
        app.get_activity(&a, "").await.expect_200(),
        activity_before,
        "nothing was written"
    );
    assert_eq!(app.count_tables(&a).await, 2);
    let member = app.get_staff_member(&a, &a_member.user_id).await;
    assert_eq!(member.status_and("firstName"), (200, &json!("Sam")));
}

#[tokio::test]
async fn another_tenants_object_id_under_your_own_restaurant_is_404() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let a_member = app.add_staff(&a, "staff").await;
    let member = &a_member.user_id;
    let a_objects = objects(&app, &a).await;
    let (profile, visit, table) = (&a_objects.profile, &a_objects.reservation, &a_objects.table);
    let b_profile = &objects(&app, &b).await.profile;
    let linked = json!({"guestName": "X", "partySize": 2, "guestProfileId": profile});

    let replies = [
        app.get_staff_member(&b, member).await,
        app.put_staff(&b, member, &json!({"firstName": "X"})).await,
        app.delete_staff(&b, member).await,
        app.get_guest_profile(&b, profile).await,
        app.put_guest_profile(&b, profile, &json!({"notes": "X"}))
            .await,
        app.delete_guest_profile(&b, profile).await,
        app.get_visits(&b, profile).await,
        app.merge_guest_profiles(&b, b_profile, profile).await,
        app.merge_guest_profiles(&b, profile, b_profile).await,
        app.post_reservation(&b, &linked).await,
        app.get_guest(&b, visit).await,
        app.put_guest(&b, visit, &json!({"notes": "X"})).await,
        app.delete_guest(&b, visit).await,
        app.clear_table(&b, Method::PUT, table).await,
        app.bulk_tables(&b, &json!([{"id": table, "capacity": 9}]))
            .await,
    ];

    for reply in replies {
        assert_eq!(reply.status, 404, "{}: {}", reply.request, reply.body);
    }
    let found = app
        .get_guest_profiles(&b, "q=ana%20silva")
        .await
        .expect_200();
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "only B's own Ana"
    );
    assert_eq!(found["items"][0]["id"], b_profile.as_str());
}

/// A new database owned by a fresh non-superuser with CREATEROLE, migrated
/// by that owner; returns the options that connect as it.
async fn migrated_by_a_non_superuser_owner() -> PgConnectOptions {
    let server = crate::helpers::postgres::server();
    let owner_role = format!("owner_{}", Uuid::new_v4().simple());
    let database = server.create_empty_database().await;
    let setup = format!(
        "create role {owner_role} login createrole; alter database {} owner to {owner_role}",
        qtable::embedded_pg::quote_ident(&database)
    );
    crate::helpers::postgres::execute(&server.admin, &setup)
        .await
        .unwrap();
    let as_owner = server
        .admin
        .clone()
        .username(&owner_role)
        .database(&database);
    let migrator = sqlx::PgPool::connect_with(as_owner.clone()).await.unwrap();
    qtable::db::migrate(&migrator)
        .await
        .expect("a CREATEROLE database owner can migrate");
    migrator.close().await;
    as_owner
}

#[tokio::test]
async fn a_non_superuser_that_owns_the_tables_migrates_serves_and_is_still_isolated() {
    let as_owner = migrated_by_a_non_superuser_owner().await;
    let app = TestApp::spawn_on(crate::helpers::test_config(), as_owner).await;

    let (a, b) = two_tenants(&app).await;
    let signed_in = app.login(&a.email, crate::helpers::PASSWORD).await;
    assert_eq!(
        signed_in.status, 200,
        "sign-in through the definer functions works for a non-superuser"
    );
    assert_eq!(app.get_tables(&intruder(&a, &b)).await.status, 403);
    // The owner itself, with A as tenant and without the role switch, sees none of B's rows (FORCE).
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("select set_config('app.restaurant_id', $1, true)")
        .bind(&a.restaurant_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    for table in tenant_tables(&app.db).await {
        let seen: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {table} where restaurant_id = $1::uuid"
        )))
        .bind(&b.restaurant_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        assert_eq!(seen, 0, "{table}");
    }
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_second_restaurant_sees_none_of_the_firsts_guests_on_its_dashboard_or_realtime() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let mut b_socket = realtime(&app, &b, "").await;
    assert_eq!(b_socket.next_json().await["type"], "restaurant_connect");

    let a_guest = app
        .post_guest(
            &a,
            &json!({"first_name": "Zed", "last_name": "Alpha", "party_size": 2}),
        )
        .await;
    let b_guest = app
        .post_guest(&b, &json!({"first_name": "Bea", "party_size": 2}))
        .await;
    let b_board = app
        .get_dashboard(&b, "/api/v1/dashboard/data")
        .await
        .expect_200();

    assert_eq!((a_guest.status, b_guest.status), (201, 201));
    let first = b_socket.next_json().await;
    assert_eq!(
        first["guest_id"], b_guest.body["id"],
        "A's guest never reached B's socket"
    );
    let names: Vec<&str> = b_board["guests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"Zed Alpha"), "{names:?}");
    assert!(names.contains(&"Bea"), "{names:?}");
    assert_eq!(app.get_guest(&b, id(&a_guest.body)).await.status, 404);
}
