//! The role matrix for staff and restaurant management, the last-owner rule,
//! and instant revocation of deactivated or deleted users.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

fn new_member(role: &str) -> serde_json::Value {
    json!({"email": format!("{}@example.com", uuid::Uuid::new_v4().simple()), "password": PASSWORD,
        "first_name": "Ann", "last_name": "Bell", "role": role})
}

#[tokio::test]
async fn owners_add_anyone_managers_add_only_staff_staff_add_nobody_and_every_role_reads_the_list()
{
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;

    let cases = [
        (&owner, new_member("owner"), 201),
        (&manager, new_member("staff"), 201),
        (&manager, new_member("manager"), 403),
        (&manager, new_member("owner"), 403),
        (&staff, new_member("staff"), 403),
    ];
    for (by, body, expected) in cases {
        let created = app.post_staff(by, &body).await;
        assert_eq!(created.status, expected, "{body}");
    }

    let list = app.get_staff(&staff).await;
    assert_eq!(list.status, 200, "every role reads the staff list");
    assert_eq!(list.body.as_array().unwrap().len(), 5);
    let member = &list.body[0];
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
async fn managers_edit_staff_but_not_owners_or_roles_and_staff_edit_nobody() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let rename = json!({"firstName": "X"});
    let promote = json!({"role": "manager"});

    let owner_renamed = app.put_staff(&manager, &owner.user_id, &rename).await;
    let staff_renamed = app.put_staff(&manager, &staff.user_id, &rename).await;
    let promoted = app.put_staff(&manager, &staff.user_id, &promote).await;
    let renamed_by_staff = app.put_staff(&staff, &staff.user_id, &rename).await;
    let deleted_by_staff = app.delete_staff(&staff, &staff.user_id).await;

    assert_eq!(owner_renamed.status, 403);
    assert_eq!(staff_renamed.status, 200);
    assert_eq!(promoted.status, 403);
    assert_eq!(renamed_by_staff.status, 403);
    assert_eq!(deleted_by_staff.status, 403);
}

#[tokio::test]
async fn the_last_active_owner_cannot_be_demoted_deactivated_or_deleted() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    for change in [json!({"role": "manager"}), json!({"active": false})] {
        let refused = app.put_staff(&owner, &owner.user_id, &change).await;
        assert_eq!(refused.status, 409);
        assert_eq!(refused.body["code"], "last_owner");
    }
    assert_eq!(app.delete_staff(&owner, &owner.user_id).await.status, 409);

    let second = app.add_staff(&owner, "owner").await;
    let demote = json!({"role": "manager"});
    let demoted = app.put_staff(&second, &owner.user_id, &demote).await;
    assert_eq!(demoted.status, 200);
    let deleted = app.delete_staff(&second, &second.user_id).await;
    assert_eq!(deleted.status, 409);
}

#[tokio::test]
async fn a_deactivated_or_deleted_user_is_401_on_the_next_request() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let deactivated = app.add_staff(&owner, "staff").await;
    let deleted = app.add_staff(&owner, "staff").await;
    assert_eq!(app.me(&deactivated.token).await.status, 200);

    let off = json!({"active": false});
    let turned_off = app.put_staff(&owner, &deactivated.user_id, &off).await;
    assert_eq!(turned_off.status, 200);
    let removed = app.delete_staff(&owner, &deleted.user_id).await;
    assert_eq!(removed.status, 204);

    for user in [&deactivated, &deleted] {
        assert_eq!(app.me(&user.token).await.status, 401);
        assert_eq!(app.get_restaurant(user).await.status, 401);
        assert_eq!(app.login(&user.email, PASSWORD).await.status, 401);
    }
}

#[tokio::test]
async fn staff_updates_honour_if_match() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let staff = app.add_staff(&owner, "staff").await;
    let member = app.get_staff_member(&owner, &staff.user_id).await;
    let etag = member.headers["etag"].clone();

    let fresh = app
        .put_staff_if_match(&owner, &staff.user_id, &etag, &json!({"lastName": "New"}))
        .await;
    let stale = app
        .put_staff_if_match(&owner, &staff.user_id, &etag, &json!({"lastName": "Newer"}))
        .await;

    assert_eq!(fresh.status, 200);
    assert_eq!(stale.status, 412);
    let member = app.get_staff_member(&owner, &staff.user_id).await.body;
    assert_eq!(member["lastName"], "New");
}

#[tokio::test]
async fn every_role_reads_the_restaurant_and_only_owners_and_managers_change_it() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;

    let restaurant = app.get_restaurant(&staff).await;
    assert_eq!(restaurant.status, 200);
    assert_eq!(restaurant.body["name"], "Pizza Palace");
    assert_eq!(restaurant.body["timezone"], "UTC");

    let change =
        json!({"name": "Pizza Palazzo", "timezone": "Europe/Rome", "settings": {"theme": "dark"}});
    assert_eq!(app.put_restaurant(&staff, &change).await.status, 403);
    let updated = app.put_restaurant(&manager, &change).await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["timezone"], "Europe/Rome");
    assert_eq!(updated.body["settings"]["theme"], "dark");
    let bad = json!({"timezone": "Mars/Base"});
    assert_eq!(app.put_restaurant(&owner, &bad).await.status, 422);
}
