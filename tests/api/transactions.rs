//! How tenant transactions end: a read that ends without a round trip of its
//! own (`end_read`) leaves nothing behind for the connection's next user and
//! holds no lock once it is over; a transaction abandoned half-way is rolled
//! back before its connection is reused.

use sqlx::{Connection, PgConnection, PgPool, postgres::PgConnectOptions};
use uuid::Uuid;

use qtable::db::TenantTx;

use crate::helpers::{TestApp, postgres};

async fn tenant_of(tx: &mut TenantTx) -> Option<String> {
    sqlx::query_scalar("select current_setting('app.restaurant_id', true)")
        .fetch_one(tx.conn())
        .await
        .unwrap()
}

/// The app's pool settings, with one connection so every user shares it.
async fn one_connection_pool() -> (PgPool, PgConnectOptions) {
    let options = postgres::server().create_database().await;
    let pool = qtable::db::pool_options(1)
        .connect_with(options.clone())
        .await
        .unwrap();
    (pool, options)
}

#[tokio::test]
async fn a_read_ended_without_a_round_trip_leaves_nothing_for_the_next_user() {
    let (db, _) = one_connection_pool().await;
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());

    let mut read = TenantTx::begin(&db, a).await.unwrap();
    assert_eq!(tenant_of(&mut read).await, Some(a.to_string()));
    read.end_read();

    // The same (only) connection, in a new transaction of another tenant.
    let mut next = TenantTx::begin(&db, b).await.unwrap();
    assert_eq!(tenant_of(&mut next).await, Some(b.to_string()));
    next.end_read();

    // Outside any transaction: the login role again, and no tenant at all
    // (the tenant is set transaction-locally, so an open transaction would
    // still show it).
    let mut plain = db.acquire().await.unwrap();
    let (own_role, tenant): (bool, Option<String>) = sqlx::query_as(
        "select current_user = session_user, nullif(current_setting('app.restaurant_id', true), '')",
    )
    .fetch_one(&mut *plain)
    .await
    .unwrap();
    assert!(own_role, "still acting as the tenant role");
    assert_eq!(tenant, None);
}

#[tokio::test]
async fn a_finished_read_releases_its_locks_even_when_no_request_follows() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_table(&owner, "A1", 4).await;
    assert_eq!(app.count_tables(&owner).await, 1);

    // A migration's ALTER TABLE needs the lock every read holds until its
    // transaction ends; it must not wait for the next request to come along.
    // (`lock_timeout` bounds a failure; success does not wait for it.)
    let mut migration = app.db.acquire().await.unwrap();
    sqlx::query("set lock_timeout = '10s'")
        .execute(&mut *migration)
        .await
        .unwrap();
    let mut tx = migration.begin().await.unwrap();
    sqlx::query("lock table dining_tables in access exclusive mode")
        .execute(&mut *tx)
        .await
        .expect("the finished read's transaction was ended by the pool");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_transaction_abandoned_half_way_is_rolled_back_before_reuse() {
    let (db, options) = one_connection_pool().await;
    let restaurant = Uuid::new_v4();
    let mut abandoned = TenantTx::begin(&db, restaurant).await.unwrap();
    sqlx::query("insert into restaurants (id, name, slug) values ($1, 'Abandoned', $1::text)")
        .bind(restaurant)
        .execute(abandoned.conn())
        .await
        .unwrap();
    drop(abandoned);

    // The next user waits for the only connection, which comes back settled.
    let mut next = TenantTx::begin(&db, restaurant).await.unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from restaurants")
        .fetch_one(next.conn())
        .await
        .unwrap();
    assert_eq!(seen, 0);
    next.end_read();

    let mut superuser = PgConnection::connect_with(&options).await.unwrap();
    let stored: i64 = sqlx::query_scalar("select count(*) from restaurants where id = $1")
        .bind(restaurant)
        .fetch_one(&mut superuser)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}
