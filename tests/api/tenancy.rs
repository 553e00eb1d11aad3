//! Tenant isolation, proven twice: over HTTP (another restaurant's token gets
//! 403/404 and changes nothing) and in SQL as the service's role (row-level
//! security hides and protects other tenants' rows on every tenant table).

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use qtable::db::TenantTx;

use crate::helpers::{Account, TestApp, json_of};

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
        let seat = json!({"status": "seated", "assignedTableId": table["id"]});
        app.put(
            owner,
            &format!("/reservations/{}", guest["id"].as_str().unwrap()),
            seat,
        )
        .await;
        let retried = app
            .http
            .post(app.url(&owner.path("/tables")))
            .bearer_auth(&owner.token)
            .header("idempotency-key", "k1")
            .json(&json!({"tableNumber": "B1", "capacity": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(retried.status(), 201);
    }
    (a, b)
}

/// Ids of one table and one reservation of `owner`'s restaurant.
async fn objects(app: &TestApp, owner: &Account) -> (String, String) {
    let tables = app.fetch(owner, "/tables").await;
    let reservations = app.fetch(owner, "/reservations").await;
    (
        tables[0]["id"].as_str().unwrap().to_owned(),
        reservations[0]["id"].as_str().unwrap().to_owned(),
    )
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

#[tokio::test]
async fn as_the_service_role_one_tenant_cannot_read_change_delete_or_insert_anothers_rows() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let (a_id, b_id) = (
        Uuid::parse_str(&a.restaurant_id).unwrap(),
        Uuid::parse_str(&b.restaurant_id).unwrap(),
    );

    for table in tenant_tables(&app.db).await {
        let sample: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select to_jsonb(t) from {table} t where restaurant_id = $1 limit 1"
        )))
        .bind(b_id)
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|_| panic!("{table}: tenant B needs a row for this test"));
        // Generated columns take no value on insert.
        let columns: String = sqlx::query_scalar(
            "select string_agg(column_name, ', ') from information_schema.columns
             where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'",
        )
        .bind(&table)
        .fetch_one(&app.db)
        .await
        .unwrap();

        let mut tx = TenantTx::begin(&app.db, a_id).await.unwrap();
        let seen: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {table} where restaurant_id = $1"
        )))
        .bind(b_id)
        .fetch_one(tx.conn())
        .await
        .unwrap();
        let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
            "update {table} set restaurant_id = restaurant_id where restaurant_id = $1"
        )))
        .bind(b_id)
        .execute(tx.conn())
        .await
        .unwrap()
        .rows_affected();
        let deleted = sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from {table} where restaurant_id = $1"
        )))
        .bind(b_id)
        .execute(tx.conn())
        .await
        .unwrap()
        .rows_affected();
        assert_eq!((seen, updated, deleted), (0, 0, 0), "{table}");
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

/// Every tenant endpoint, called with B's token on A's restaurant.
fn endpoints(
    a: &Account,
    a_member: &str,
    (table, reservation): &(String, String),
) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, a.path("/tables"), None),
        (
            Method::POST,
            a.path("/tables"),
            Some(json!({"tableNumber": "Z9", "capacity": 2})),
        ),
        (Method::GET, a.path(&format!("/tables/{table}")), None),
        (
            Method::PUT,
            a.path(&format!("/tables/{table}")),
            Some(json!({"status": "outOfService"})),
        ),
        (Method::DELETE, a.path(&format!("/tables/{table}")), None),
        (Method::GET, a.path("/reservations"), None),
        (
            Method::POST,
            a.path("/reservations"),
            Some(json!({"guestName": "X", "partySize": 2})),
        ),
        (
            Method::GET,
            a.path(&format!("/reservations/{reservation}")),
            None,
        ),
        (
            Method::PUT,
            a.path(&format!("/reservations/{reservation}")),
            Some(json!({"guestName": "Hijacked"})),
        ),
        (
            Method::DELETE,
            a.path(&format!("/reservations/{reservation}")),
            None,
        ),
        (Method::GET, a.path("/activity"), None),
        (Method::GET, a.path("/events?since=0"), None),
        (Method::GET, a.path(""), None),
        (Method::PUT, a.path(""), Some(json!({"name": "Hijacked"}))),
        (Method::GET, a.path("/staff"), None),
        (
            Method::POST,
            a.path("/staff"),
            Some(json!({"email": "x@y.zz", "password": "password123",
            "firstName": "X", "lastName": "Y", "role": "staff"})),
        ),
        (Method::GET, a.path(&format!("/staff/{a_member}")), None),
        (
            Method::PUT,
            a.path(&format!("/staff/{a_member}")),
            Some(json!({"firstName": "Hijacked"})),
        ),
        (Method::DELETE, a.path(&format!("/staff/{a_member}")), None),
    ]
}

#[tokio::test]
async fn another_restaurants_token_gets_403_on_every_endpoint_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let a_member = app.add_staff(&a, "staff").await;
    let a_objects = objects(&app, &a).await;
    let activity_before = app.fetch(&a, "/activity").await;

    for (method, path, body) in endpoints(&a, &a_member.user_id, &a_objects) {
        let (status, error) = json_of(app.call(method.clone(), &path, &b.token, body).await).await;
        assert_eq!(status, 403, "{method} {path}: {error}");
        assert_eq!(error["code"], "forbidden");
    }
    let (_, restaurant) = json_of(app.call(Method::GET, &a.path(""), &a.token, None).await).await;
    assert_eq!(restaurant["name"], "Pizza Palace");
    assert_eq!(
        app.fetch(&a, "/activity").await,
        activity_before,
        "nothing was written"
    );
    assert_eq!(app.fetch(&a, "/tables").await.as_array().unwrap().len(), 2);
    let (status, member) = json_of(
        app.call(
            Method::GET,
            &a.path(&format!("/staff/{}", a_member.user_id)),
            &a.token,
            None,
        )
        .await,
    )
    .await;
    assert_eq!((status, &member["firstName"]), (200, &json!("Sam")));
}

#[tokio::test]
async fn another_tenants_object_id_under_your_own_restaurant_is_404() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let a_member = app.add_staff(&a, "staff").await;
    let path = b.path(&format!("/staff/{}", a_member.user_id));

    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"firstName": "X"}))),
        (Method::DELETE, None),
    ] {
        let response = app.call(method.clone(), &path, &b.token, body).await;
        assert_eq!(response.status(), 404, "{method}");
    }
}

#[tokio::test]
async fn a_non_superuser_that_owns_the_tables_migrates_serves_and_is_still_isolated() {
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
    let app = TestApp::spawn_on(crate::helpers::test_config(), as_owner).await;

    let (a, b) = two_tenants(&app).await;
    let (status, _) = json_of(app.login(&a.email, crate::helpers::PASSWORD).await).await;
    assert_eq!(
        status, 200,
        "sign-in through the definer functions works for a non-superuser"
    );
    assert_eq!(
        app.call(Method::GET, &a.path("/tables"), &b.token, None)
            .await
            .status(),
        403
    );

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
