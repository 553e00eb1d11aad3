//! Register, sign in, refresh rotation, sign out, password change, token
//! verification and throttling, over HTTP against the real database.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TEST_SECRET, TestApp, json_of};

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

    let (status, tokens) = json_of(app.post_json("/auth/register", body).await).await;

    assert_eq!(status, 201, "{tokens}");
    for key in ["restaurant_id", "user_id", "access_token", "refresh_token"] {
        assert!(tokens[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
    }
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 1800);
    assert_eq!(tokens["role"], "owner");
    let token = tokens["access_token"].as_str().unwrap();
    let (status, me) = json_of(app.call(Method::GET, "/auth/me", token, None).await).await;
    assert_eq!(status, 200);
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
    let (status, error) = json_of(app.post_json("/auth/register", body).await).await;

    assert_eq!(status, 409);
    assert_eq!(error["code"], "email_taken");
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
        let (status, error) = json_of(app.post_json("/auth/register", body).await).await;
        assert_eq!(status, 422, "{field}: {error}");
        assert_eq!(error["code"], "validation_error");
        assert_eq!(error["detail"][0]["loc"][1], field);
    }
}

#[tokio::test]
async fn login_succeeds_and_unknown_email_and_wrong_password_get_the_same_401() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let (status, tokens) = json_of(app.login(&owner.email.to_uppercase(), PASSWORD).await).await;
    let wrong_password = app.login(&owner.email, "wrong-password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    assert_eq!(status, 200);
    assert_eq!(tokens["user_id"].as_str().unwrap(), owner.user_id);
    assert_eq!(tokens["role"], "owner");
    assert_eq!(wrong_password.headers()["www-authenticate"], "Bearer");
    let (s1, b1) = json_of(wrong_password).await;
    let (s2, b2) = json_of(unknown_email).await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(b1, b2);
}

async fn refresh(app: &TestApp, token: &str) -> (u16, Value) {
    json_of(
        app.post_json("/auth/refresh", json!({"refresh_token": token}))
            .await,
    )
    .await
}

#[tokio::test]
async fn refresh_rotates_and_reusing_a_spent_token_revokes_the_whole_session() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let (status, first) = refresh(&app, &owner.refresh_token).await;
    assert_eq!(status, 200, "{first}");
    let new_refresh = first["refresh_token"].as_str().unwrap();
    let new_access = first["access_token"].as_str().unwrap();
    assert_ne!(new_refresh, owner.refresh_token);
    assert_eq!(
        app.call(Method::GET, "/auth/me", new_access, None)
            .await
            .status(),
        200
    );

    let (reuse_status, _) = refresh(&app, &owner.refresh_token).await;
    assert_eq!(reuse_status, 401, "a spent token works once");
    let (status, _) = refresh(&app, new_refresh).await;
    assert_eq!(status, 401, "the whole chain is revoked");
    assert_eq!(
        app.call(Method::GET, "/auth/me", new_access, None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_its_access_token() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other_device = json_of(app.login(&owner.email, PASSWORD).await).await.1;

    let response = app
        .post_json(
            "/auth/logout",
            json!({"refresh_token": owner.refresh_token}),
        )
        .await;

    assert_eq!(response.status(), 204);
    assert_eq!(refresh(&app, &owner.refresh_token).await.0, 401);
    assert_eq!(
        app.call(Method::GET, "/auth/me", &owner.token, None)
            .await
            .status(),
        401
    );
    let other_token = other_device["access_token"].as_str().unwrap();
    assert_eq!(
        app.call(Method::GET, "/auth/me", other_token, None)
            .await
            .status(),
        200,
        "other device unaffected"
    );
    let unknown = app
        .post_json("/auth/logout", json!({"refresh_token": "unknown"}))
        .await;
    assert_eq!(unknown.status(), 204);
}

#[tokio::test]
async fn logout_everywhere_ends_every_session_of_the_user() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other = json_of(app.login(&owner.email, PASSWORD).await).await.1;

    let body = json!({"refresh_token": owner.refresh_token, "everywhere": true});
    assert_eq!(app.post_json("/auth/logout", body).await.status(), 204);

    let other_token = other["access_token"].as_str().unwrap();
    assert_eq!(
        app.call(Method::GET, "/auth/me", other_token, None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let other = json_of(app.login(&owner.email, PASSWORD).await).await.1;
    let body = json!({"current_password": PASSWORD, "new_password": "a-new-password"});

    let wrong = json!({"current_password": "nope-nope", "new_password": "a-new-password"});
    assert_eq!(
        app.call(Method::POST, "/auth/password", &owner.token, Some(wrong))
            .await
            .status(),
        401
    );
    let response = app
        .call(Method::POST, "/auth/password", &owner.token, Some(body))
        .await;

    assert_eq!(response.status(), 204);
    assert_eq!(
        app.call(Method::GET, "/auth/me", &owner.token, None)
            .await
            .status(),
        200,
        "this session lives"
    );
    let other_token = other["access_token"].as_str().unwrap();
    assert_eq!(
        app.call(Method::GET, "/auth/me", other_token, None)
            .await
            .status(),
        401
    );
    assert_eq!(app.login(&owner.email, PASSWORD).await.status(), 401);
    assert_eq!(
        app.login(&owner.email, "a-new-password").await.status(),
        200
    );
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
        let response = app.call(Method::GET, "/auth/me", &token, None).await;
        assert_eq!(response.status(), 401, "{token}");
    }
    assert_eq!(app.get("/auth/me").await.status(), 401, "no token");
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_retry_after_and_success_resets() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    for _ in 0..9 {
        assert_eq!(
            app.login(&owner.email, "wrong-password").await.status(),
            401
        );
    }
    assert_eq!(
        app.login(&owner.email, PASSWORD).await.status(),
        200,
        "a success resets the count"
    );
    for _ in 0..10 {
        assert_eq!(
            app.login(&owner.email, "wrong-password").await.status(),
            401
        );
    }

    let throttled = app.login(&owner.email, PASSWORD).await;

    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    assert_eq!(json_of(throttled).await.1["code"], "too_many_requests");
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
        app.login(&owner.email, "imported-password").await.status(),
        200
    );

    let stored: String = sqlx::query_scalar("select password_hash from users where id = $1::uuid")
        .bind(&owner.user_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert_eq!(
        app.login(&owner.email, "imported-password").await.status(),
        200
    );
}
