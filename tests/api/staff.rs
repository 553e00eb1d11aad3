//! The role matrix for staff and restaurant management, the last-owner rule,
//! and instant revocation of deactivated or deleted users.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, json_of};

fn new_member(role: &str) -> serde_json::Value {
    json!({"email": format!("{}@example.com", uuid::Uuid::new_v4().simple()), "password": PASSWORD,
        "first_name": "Ann", "last_name": "Bell", "role": role})
}

#[tokio::test]
async fn owners_manage_everyone_managers_manage_staff_and_staff_manage_nobody() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let manager = app.add_staff(&owner, "manager").await;
    let staff = app.add_staff(&owner, "staff").await;
    let path = owner.path("/staff");

    let create = |by: &str, role: &str| (by.to_owned(), new_member(role));
    let cases = [
        (create(&owner.token, "owner"), 201),
        (create(&manager.token, "staff"), 201),
        (create(&manager.token, "manager"), 403),
        (create(&manager.token, "owner"), 403),
        (create(&staff.token, "staff"), 403),
    ];
    for ((token, body), expected) in cases {
        let response = app
            .call(Method::POST, &path, &token, Some(body.clone()))
            .await;
        assert_eq!(response.status(), expected, "{body}");
    }

    let owner_path = owner.path(&format!("/staff/{}", owner.user_id));
    let rename = json!({"firstName": "X"});
    assert_eq!(
        app.call(
            Method::PUT,
            &owner_path,
            &manager.token,
            Some(rename.clone())
        )
        .await
        .status(),
        403
    );
    let staff_path = owner.path(&format!("/staff/{}", staff.user_id));
    assert_eq!(
        app.call(
            Method::PUT,
            &staff_path,
            &manager.token,
            Some(rename.clone())
        )
        .await
        .status(),
        200
    );
    let promote = json!({"role": "manager"});
    assert_eq!(
        app.call(Method::PUT, &staff_path, &manager.token, Some(promote))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(Method::PUT, &staff_path, &staff.token, Some(rename))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(Method::DELETE, &staff_path, &staff.token, None)
            .await
            .status(),
        403
    );

    let (status, list) = json_of(app.call(Method::GET, &path, &staff.token, None).await).await;
    assert_eq!(status, 200, "every role reads the staff list");
    assert_eq!(list.as_array().unwrap().len(), 5);
    let member = &list[0];
    for key in [
        "id",
        "email",
        "firstName",
        "lastName",
        "role",
        "active",
        "createdAt",
        "lastUpdated",
    ] {
        assert!(!member[key].is_null(), "{key}");
    }
}

#[tokio::test]
async fn the_last_active_owner_cannot_be_demoted_deactivated_or_deleted() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let path = owner.path(&format!("/staff/{}", owner.user_id));

    for change in [json!({"role": "manager"}), json!({"active": false})] {
        let (status, error) = json_of(
            app.call(Method::PUT, &path, &owner.token, Some(change))
                .await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(error["code"], "last_owner");
    }
    assert_eq!(
        app.call(Method::DELETE, &path, &owner.token, None)
            .await
            .status(),
        409
    );

    let second = app.add_staff(&owner, "owner").await;
    let demote = json!({"role": "manager"});
    assert_eq!(
        app.call(Method::PUT, &path, &second.token, Some(demote))
            .await
            .status(),
        200
    );
    let second_path = owner.path(&format!("/staff/{}", second.user_id));
    assert_eq!(
        app.call(Method::DELETE, &second_path, &second.token, None)
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn a_deactivated_or_deleted_user_is_401_on_the_next_request() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let deactivated = app.add_staff(&owner, "staff").await;
    let deleted = app.add_staff(&owner, "staff").await;
    assert_eq!(
        app.call(Method::GET, "/auth/me", &deactivated.token, None)
            .await
            .status(),
        200
    );

    let off = json!({"active": false});
    let path = owner.path(&format!("/staff/{}", deactivated.user_id));
    assert_eq!(
        app.call(Method::PUT, &path, &owner.token, Some(off))
            .await
            .status(),
        200
    );
    let path = owner.path(&format!("/staff/{}", deleted.user_id));
    assert_eq!(
        app.call(Method::DELETE, &path, &owner.token, None)
            .await
            .status(),
        204
    );

    for user in [&deactivated, &deleted] {
        assert_eq!(
            app.call(Method::GET, "/auth/me", &user.token, None)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.call(Method::GET, &owner.path(""), &user.token, None)
                .await
                .status(),
            401
        );
        assert_eq!(app.login(&user.email, PASSWORD).await.status(), 401);
    }
}

#[tokio::test]
async fn staff_updates_honour_if_match() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let path = owner.path(&format!("/staff/{}", staff.user_id));
    let etag = app
        .call(Method::GET, &path, &owner.token, None)
        .await
        .headers()["etag"]
        .clone();

    let fresh = app
        .http
        .put(app.url(&path))
        .bearer_auth(&owner.token)
        .header("if-match", etag.clone())
        .json(&json!({"lastName": "New"}))
        .send()
        .await
        .unwrap();
    let stale = app
        .http
        .put(app.url(&path))
        .bearer_auth(&owner.token)
        .header("if-match", etag)
        .json(&json!({"lastName": "Newer"}))
        .send()
        .await
        .unwrap();

    assert_eq!(fresh.status(), 200);
    assert_eq!(stale.status(), 412);
    let (_, member) = json_of(app.call(Method::GET, &path, &owner.token, None).await).await;
    assert_eq!(member["lastName"], "New");
}

#[tokio::test]
async fn every_role_reads_the_restaurant_and_only_owners_and_managers_change_it() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let manager = app.add_staff(&owner, "manager").await;
    let staff = app.add_staff(&owner, "staff").await;
    let path = owner.path("");

    let (status, restaurant) =
        json_of(app.call(Method::GET, &path, &staff.token, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(restaurant["name"], "Pizza Palace");
    assert_eq!(restaurant["timezone"], "UTC");

    let change =
        json!({"name": "Pizza Palazzo", "timezone": "Europe/Rome", "settings": {"theme": "dark"}});
    assert_eq!(
        app.call(Method::PUT, &path, &staff.token, Some(change.clone()))
            .await
            .status(),
        403
    );
    let (status, updated) = json_of(
        app.call(Method::PUT, &path, &manager.token, Some(change))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["timezone"], "Europe/Rome");
    assert_eq!(updated["settings"]["theme"], "dark");
    let bad = json!({"timezone": "Mars/Base"});
    assert_eq!(
        app.call(Method::PUT, &path, &owner.token, Some(bad))
            .await
            .status(),
        422
    );
}
