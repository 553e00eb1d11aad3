//! Register, sign in, refresh rotation, sign out, password change, token
//! verification and throttling, over HTTP against the real database.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TEST_SECRET, TestApp};

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("select count(*) from {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn register_creates_the_restaurant_and_its_owner_and_returns_tokens() {
    let app = TestApp::spawn().await;
    let body = json!({"restaurant_name": "Pizza Palace", "email": "Owner@PizzaPalace.com",
        "password": "password123", "first_name": "John", "last_name": "Doe"});

    let registered = app.post_register(&body).await;

    let tokens = registered.body;
    assert_eq!(registered.status, 201, "{tokens}");
    for key in ["restaurant_id", "user_id", "access_token", "refresh_token"] {
        assert!(tokens[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
    }
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 1800);
    assert_eq!(tokens["role"], "owner");
    let token = tokens["access_token"].as_str().unwrap();
    let me = app.me(token).await;
    assert_eq!(me.status, 200);
    let me = me.body;
    assert_eq!(me["email"], "owner@pizzapalace.com");
    assert_eq!(me["first_name"], "John");
    assert_eq!(me["last_name"], "Doe");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["restaurant_id"], tokens["restaurant_id"]);
    assert_eq!(me["restaurant_name"], "Pizza Palace");
    assert_eq!(me["id"], tokens["user_id"]);
}

#[tokio::test]
async fn registering_a_taken_email_in_any_case_is_409_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let before = count(&app, "restaurants").await;

    let body = json!({"restaurant_name": "Copycat", "email": owner.email.to_uppercase(),
        "password": "password123", "first_name": "A", "last_name": "B"});
    let refused = app.post_register(&body).await;

    assert_eq!(refused.status, 409);
    assert_eq!(refused.body["code"], "email_taken");
    assert_eq!(count(&app, "restaurants").await, before);
}

#[tokio::test]
async fn register_rejects_bad_input_with_422() {
    let app = TestApp::spawn().await;
    let base = json!({"restaurant_name": "R", "email": "a@b.co", "password": "password123",
        "first_name": "A", "last_name": "B"});
    for (field, value) in [
        ("password", json!("short")),
        ("email", json!("nope")),
        ("restaurant_name", json!("")),
        ("password", json!("x".repeat(1025))),
        ("first_name", json!(12)),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let refused = app.post_register(&body).await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.body);
        assert_eq!(refused.body["code"], "validation_error");
        assert_eq!(refused.body["detail"][0]["loc"][1], field);
    }
}

#[tokio::test]
async fn login_succeeds_and_unknown_email_and_wrong_password_get_the_same_401() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let signed_in = app.login(&owner.email.to_uppercase(), PASSWORD).await;
    let wrong_password = app.login(&owner.email, "wrong-password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.body["user_id"].as_str().unwrap(), owner.user_id);
    assert_eq!(signed_in.body["role"], "owner");
    assert_eq!(wrong_password.headers["www-authenticate"], "Bearer");
    assert_eq!((wrong_password.status, unknown_email.status), (401, 401));
    assert_eq!(wrong_password.body, unknown_email.body);
}

#[tokio::test]
async fn refresh_rotates_and_reusing_a_spent_token_revokes_the_whole_session() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let first = app.refresh(&owner.refresh_token).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let new_refresh = first.body["refresh_token"].as_str().unwrap();
    let new_access = first.body["access_token"].as_str().unwrap();
    assert_ne!(new_refresh, owner.refresh_token);
    assert_eq!(app.me(new_access).await.status, 200);

    let reused = app.refresh(&owner.refresh_token).await;
    assert_eq!(reused.status, 401, "a spent token works once");
    let chained = app.refresh(new_refresh).await;
    assert_eq!(chained.status, 401, "the whole chain is revoked");
    assert_eq!(app.me(new_access).await.status, 401);
}

#[tokio::test]
async fn logout_ends_the_session_and_its_access_token() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other_device = app.login(&owner.email, PASSWORD).await.body;

    let signed_out = app.logout(&owner.refresh_token).await;

    assert_eq!(signed_out.status, 204);
    assert_eq!(app.refresh(&owner.refresh_token).await.status, 401);
    assert_eq!(app.me(&owner.token).await.status, 401);
    let other_token = other_device["access_token"].as_str().unwrap();
    assert_eq!(
        app.me(other_token).await.status,
        200,
        "other device unaffected"
    );
    assert_eq!(app.logout("unknown").await.status, 204);
}

#[tokio::test]
async fn logout_everywhere_ends_every_session_of_the_user() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other = app.login(&owner.email, PASSWORD).await.body;

    let signed_out = app.logout_everywhere(&owner.refresh_token).await;

    assert_eq!(signed_out.status, 204);
    let other_token = other["access_token"].as_str().unwrap();
    assert_eq!(app.me(other_token).await.status, 401);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other = app.login(&owner.email, PASSWORD).await.body;
    let wrong = app
        .change_password(&owner.token, "nope-nope", "a-new-password")
        .await;
    assert_eq!(wrong.status, 401);

    let changed = app
        .change_password(&owner.token, PASSWORD, "a-new-password")
        .await;

    assert_eq!(changed.status, 204);
    assert_eq!(app.me(&owner.token).await.status, 200, "this session lives");
    let other_token = other["access_token"].as_str().unwrap();
    assert_eq!(app.me(other_token).await.status, 401);
    assert_eq!(app.login(&owner.email, PASSWORD).await.status, 401);
    assert_eq!(app.login(&owner.email, "a-new-password").await.status, 200);
}

fn forge(claims: &Value, secret: &str, algorithm: jsonwebtoken::Algorithm) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(algorithm), claims, &key).unwrap()
}

#[tokio::test]
async fn expired_tampered_foreign_and_unsigned_tokens_are_401() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let payload = owner.token.split('.').nth(1).unwrap().to_owned();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&payload).unwrap()).unwrap();
    claims["exp"] = json!(chrono::Utc::now().timestamp() - 120);
    let expired = forge(&claims, TEST_SECRET, jsonwebtoken::Algorithm::HS256);
    claims["exp"] = json!(chrono::Utc::now().timestamp() + 600);
    let foreign = forge(
        &claims,
        "another-secret-another-secret-xx",
        jsonwebtoken::Algorithm::HS256,
    );
    let other_alg = forge(&claims, TEST_SECRET, jsonwebtoken::Algorithm::HS512);
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    let tampered = format!("{}x", owner.token);

    for token in [
        expired,
        foreign,
        other_alg,
        unsigned,
        tampered,
        "garbage".into(),
    ] {
        assert_eq!(app.me(&token).await.status, 401, "{token}");
    }
    assert_eq!(app.get("/auth/me").await.status(), 401, "no token");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_retry_after_and_success_resets() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let fail_logins = async |times: usize| {
        for _ in 0..times {
            assert_eq!(app.login(&owner.email, "wrong-password").await.status, 401);
        }
    };
    fail_logins(9).await;
    assert_eq!(
        app.login(&owner.email, PASSWORD).await.status,
        200,
        "a success resets the count"
    );
    fail_logins(10).await;

    let throttled = app.login(&owner.email, PASSWORD).await;

    assert_eq!(throttled.status, 429);
    let retry_after: u64 = throttled.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    assert_eq!(throttled.body["code"], "too_many_requests");
}

#[tokio::test]
async fn bcrypt_hashes_from_the_python_service_sign_in_and_are_upgraded_to_argon2id() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let bcrypt_hash = bcrypt::hash("imported-password", 4).unwrap();
    sqlx::query("update users set password_hash = $1 where id = $2::uuid")
        .bind(&bcrypt_hash)
        .bind(&owner.user_id)
        .execute(&app.db)
        .await
        .unwrap();

    assert_eq!(
        app.login(&owner.email, "imported-password").await.status,
        200
    );

    let stored: String = sqlx::query_scalar("select password_hash from users where id = $1::uuid")
        .bind(&owner.user_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert_eq!(
        app.login(&owner.email, "imported-password").await.status,
        200
    );
}
