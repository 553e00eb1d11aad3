//! The guest book over HTTP: profiles and their rules, linking visits by
//! contact, the history visits make, search with paging, merging, erasure
//! everywhere a person was written, and the live events.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_keys, id, strings, ws::connect};

fn ana() -> Value {
    json!({"firstName": "Ana", "lastName": "Silva", "phone": "(202) 555-0143",
        "email": " Ana@Example.COM ", "notes": "Window table", "dietaryRestrictions": ["gluten"],
        "tags": ["VIP", "regular"]})
}

/// A walk-in for `contact`; returns its JSON.
async fn walk_in(app: &TestApp, by: &Account, name: &str, contact: &str) -> Value {
    let body = json!({"guestName": name, "partySize": 3, "contactInfo": contact});
    let visit = app.post_reservation(by, &body).await;
    assert_eq!(visit.status, 201, "{}", visit.body);
    visit.body
}

#[tokio::test]
async fn a_profile_is_created_normalised_and_read_back_with_an_empty_history() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let created = app.post_guest_profile(&owner, &ana()).await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert!(created.headers.contains_key("etag"));
    let profile = created.body;
    assert_keys(
        &profile,
        &[
            "cancellationCount",
            "coverCount",
            "createdAt",
            "dietaryRestrictions",
            "email",
            "firstName",
            "firstVisitAt",
            "id",
            "lastName",
            "lastUpdated",
            "lastVisitAt",
            "noShowCount",
            "notes",
            "phone",
            "tags",
            "visitCount",
        ],
    );
    assert_eq!(
        profile["phone"], "+12025550143",
        "E.164 in the restaurant's region"
    );
    assert_eq!(profile["email"], "ana@example.com");
    assert_eq!(profile["tags"], json!(["vip", "regular"]));
    assert_eq!(profile["visitCount"], 0);
    assert!(profile["lastVisitAt"].is_null());
    let read = app.get_guest_profile(&owner, id(&profile)).await;
    assert_eq!(read.expect_200(), profile);
}

#[tokio::test]
async fn bad_fields_are_422_and_a_taken_phone_or_email_is_409_with_nothing_written() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_guest_profile(&owner, &ana()).await;
    let bad = [
        (json!({"firstName": "A", "phone": "call me maybe"}), "phone"),
        (json!({"firstName": "A", "phone": "1".repeat(33)}), "phone"),
        (json!({"firstName": "A", "email": "not-an-email"}), "email"),
        (json!({"firstName": "A", "tags": ["big spender"]}), "tags"),
        (json!({"firstName": "x".repeat(101)}), "firstName"),
        (json!({"notes": "only notes"}), "firstName"),
    ];

    for (body, field) in bad {
        let reply = app.post_guest_profile(&owner, &body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.body);
        assert_eq!(reply.body["detail"][0]["loc"], json!(["body", field]));
    }
    for body in [
        json!({"phone": "202.555.0143"}),
        json!({"email": "ANA@example.com"}),
    ] {
        let reply = app.post_guest_profile(&owner, &body).await;
        assert_eq!(
            reply.status_and("code"),
            (409, &json!("guest_profile_exists"))
        );
    }
    let book = app.get_guest_profiles(&owner, "").await.expect_200();
    assert_eq!(book["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn updates_take_any_subset_and_a_stale_if_match_is_412() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let created = app.post_guest_profile(&owner, &ana()).await;
    let etag = created.headers["etag"].clone();
    let profile_id = id(&created.body).to_owned();

    let changed = app
        .put_guest_profile_if_match(
            &owner,
            &profile_id,
            &etag,
            &json!({"tags": ["vip"], "email": ""}),
        )
        .await
        .expect_200();
    let stale = app
        .put_guest_profile_if_match(&owner, &profile_id, &etag, &json!({"notes": "late"}))
        .await;

    assert_eq!(changed["tags"], json!(["vip"]));
    assert!(changed["email"].is_null(), "an empty email removes it");
    assert_eq!(changed["firstName"], "Ana", "untouched");
    assert_eq!(stale.status, 412);
    let read = app
        .get_guest_profile(&owner, &profile_id)
        .await
        .expect_200();
    assert_eq!(read["notes"], "Window table");
}

#[tokio::test]
async fn visits_link_by_contact_or_create_a_profile_and_carry_its_summary() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let profile = app.create_guest_profile(&owner, &ana()).await;

    let by_phone = walk_in(&app, &owner, "Ana S", "+1 202 555 0143").await;
    let by_email = walk_in(&app, &owner, "Ana", "ANA@example.com").await;
    let stranger = walk_in(&app, &owner, "Bo Chen Li", "bo@example.com").await;
    let free_text = walk_in(&app, &owner, "Cy", "ask at the bar").await;

    assert_eq!(by_phone["guestProfileId"], profile["id"]);
    assert_eq!(by_email["guestProfileId"], profile["id"]);
    assert_eq!(
        by_phone["guest"],
        json!({"visitCount": 0, "noShowCount": 0, "tags": ["vip", "regular"], "dietaryRestrictions": ["gluten"]})
    );
    assert!(free_text["guestProfileId"].is_null() && free_text["guest"].is_null());
    let new_id = stranger["guestProfileId"].as_str().expect("a new profile");
    let new = app.get_guest_profile(&owner, new_id).await.expect_200();
    assert_eq!(
        (&new["firstName"], &new["lastName"]),
        (&json!("Bo"), &json!("Chen Li"))
    );
    assert_eq!(new["email"], "bo@example.com");
}

#[tokio::test]
async fn finished_no_show_and_cancelled_visits_make_the_history() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let profile = app.create_guest_profile(&owner, &ana()).await;
    let pid = id(&profile);
    let link = |size: i32| json!({"guestName": "Ana", "partySize": size, "guestProfileId": pid});
    let first = app.post_reservation(&owner, &link(3)).await.body;
    let second = app.post_reservation(&owner, &link(2)).await.body;
    let third = app.post_reservation(&owner, &link(2)).await.body;

    app.seat(&owner, &first, &table).await;
    let finished = app
        .put_reservation(&owner, id(&first), &json!({"status": "finished"}))
        .await
        .expect_200();
    app.put_reservation(&owner, id(&second), &json!({"status": "noShow"}))
        .await;
    app.delete_reservation(&owner, id(&third)).await;

    assert_eq!(
        finished["guest"]["visitCount"], 1,
        "the answer has the fresh summary"
    );
    let history = app.get_guest_profile(&owner, pid).await.expect_200();
    assert_eq!(history["visitCount"], 1);
    assert_eq!(history["coverCount"], 3);
    assert_eq!(history["noShowCount"], 1);
    assert_eq!(history["cancellationCount"], 1);
    assert_eq!(history["firstVisitAt"], finished["seatedTime"]);
    let visits = app.get_visits(&owner, pid).await.expect_200();
    let ids = strings(visits.as_array().unwrap(), "id");
    assert_eq!(ids, [id(&third), id(&second), id(&first)], "newest first");
    let listed = app.get_reservations(&owner, "").await.expect_200();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["guest"]["noShowCount"] == 1)
    );
}

/// Adds profiles named `first last` for each pair.
async fn book_of(app: &TestApp, owner: &Account, names: &[(&str, &str)]) {
    for (first, last) in names {
        app.create_guest_profile(owner, &json!({"firstName": first, "lastName": last}))
            .await;
    }
}

fn last_names(page: &Value) -> Vec<&str> {
    strings(page["items"].as_array().unwrap(), "lastName")
}

#[tokio::test]
async fn search_finds_by_prefix_typo_phone_and_email_best_match_first() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    app.create_guest_profile(&owner, &ana()).await;
    book_of(
        &app,
        &owner,
        &[("John", "Smith"), ("Joan", "Smythe"), ("Peter", "Brown")],
    )
    .await;

    let mut found = Vec::new();
    for q in ["smi", "john%20smiht", "555-0143", "ana@exa"] {
        let page = app.get_guest_profiles(&owner, &format!("q={q}")).await;
        found.push(page.expect_200());
    }
    let [prefix, typo, phone, email] = &found[..] else {
        unreachable!()
    };

    assert_eq!(last_names(prefix)[0], "Smith");
    assert_eq!(last_names(typo)[0], "Smith");
    assert!(!last_names(typo).contains(&"Brown"));
    assert_eq!(last_names(phone), ["Silva"]);
    assert_eq!(last_names(email)[0], "Silva");
}

#[tokio::test]
async fn pages_follow_the_cursor_through_the_book_and_a_search_without_repeats() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let names: Vec<String> = (0..7).map(|i| format!("Garcia{i}")).collect();
    let pairs: Vec<(&str, &str)> = names.iter().map(|n| ("Maria", n.as_str())).collect();
    book_of(&app, &owner, &pairs).await;

    for query in ["limit=3", "limit=3&q=garcia"] {
        let mut seen = Vec::new();
        let mut next = String::new();
        loop {
            let page = app
                .get_guest_profiles(&owner, &format!("{query}{next}"))
                .await
                .expect_200();
            seen.extend(last_names(&page).into_iter().map(str::to_owned));
            match page["nextCursor"].as_str() {
                Some(cursor) => next = format!("&cursor={cursor}"),
                None => break,
            }
        }
        seen.sort();
        assert_eq!(seen, names, "{query}");
    }
    let bad = app.get_guest_profiles(&owner, "cursor=nonsense").await;
    assert_eq!(bad.body["detail"][0]["loc"], json!(["query", "cursor"]));
}

#[tokio::test]
async fn merging_moves_visits_and_details_in_and_removes_the_other_profile() {
    let app = TestApp::spawn().await;
    let (owner, _, staff) = app.team().await;
    let keep = app.create_guest_profile(&owner, &ana()).await;
    let other = app
        .create_guest_profile(
            &owner,
            &json!({"firstName": "Ana", "email": "ana.s@example.com",
            "tags": ["allergy"], "dietaryRestrictions": ["nuts"], "notes": "Prefers booths"}),
        )
        .await;
    let visit = walk_in(&app, &owner, "Ana", "ana.s@example.com").await;

    assert_eq!(
        app.merge_guest_profiles(&staff, id(&keep), id(&other))
            .await
            .status,
        403
    );
    let itself = app.merge_guest_profiles(&owner, id(&keep), id(&keep)).await;
    let merged = app
        .merge_guest_profiles(&owner, id(&keep), id(&other))
        .await
        .expect_200();

    assert_eq!(itself.body["detail"][0]["loc"], json!(["body", "otherId"]));
    assert_eq!(merged["tags"], json!(["vip", "regular", "allergy"]));
    assert_eq!(merged["dietaryRestrictions"], json!(["gluten", "nuts"]));
    assert_eq!(merged["notes"], "Window table\n\nPrefers booths");
    assert_eq!(merged["email"], "ana@example.com", "its own contact stays");
    assert_eq!(app.get_guest_profile(&owner, id(&other)).await.status, 404);
    let moved = app.get_reservation(&owner, id(&visit)).await.expect_200();
    assert_eq!(moved["guestProfileId"], keep["id"]);
    assert_eq!(moved["guest"]["tags"], merged["tags"]);
}

#[tokio::test]
async fn erasure_removes_the_person_from_visits_events_and_activity_but_keeps_counts() {
    let app = TestApp::spawn().await;
    let (owner, _, staff) = app.team().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let profile = app.create_guest_profile(&owner, &ana()).await;
    let before = walk_in(&app, &owner, "Bo", "no contact").await;
    app.seat(&owner, &before, &table).await;
    let visit = walk_in(&app, &owner, "Ana Silva", "202-555-0143").await;
    let finish = json!({"status": "finished"});
    // Bo leaving moves Ana's quote: a waitlist_update that names her.
    app.put_reservation(&owner, id(&before), &finish).await;
    app.seat(&owner, &visit, &table).await;
    app.put_reservation(&owner, id(&visit), &finish).await;

    assert_eq!(
        app.delete_guest_profile(&staff, id(&profile)).await.status,
        403
    );
    assert_eq!(
        app.delete_guest_profile(&owner, id(&profile)).await.status,
        204
    );

    assert_eq!(
        app.get_guest_profile(&owner, id(&profile)).await.status,
        404
    );
    let erased = app.get_reservation(&owner, id(&visit)).await.expect_200();
    assert_eq!(erased["guestName"], "Erased guest");
    assert!(erased["contactInfo"].is_null());
    assert_eq!(erased["guest"]["visitCount"], 1, "the history stays");
    assert_eq!(erased["partySize"], 3);
    let copies = json!([
        app.get_events(&owner, "since=0").await.expect_200(),
        app.get_activity(&owner, "").await.expect_200(),
        app.get_reservations(&owner, "").await.expect_200(),
        app.get_guest_profiles(&owner, "q=ana").await.expect_200(),
    ])
    .to_string();
    for trace in [
        "Ana",
        "Silva",
        "2025550143",
        "ana@example.com",
        "Window",
        "gluten",
        "vip",
    ] {
        assert!(!copies.contains(trace), "{trace} is left somewhere");
    }
    let again = walk_in(&app, &owner, "Ana", "202-555-0143").await;
    assert_ne!(
        again["guestProfileId"], profile["id"],
        "a new profile, the old one stays erased"
    );
}

#[tokio::test]
async fn profile_changes_are_live_events_on_the_restaurants_socket() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let mut live = connect(app.port, &owner.restaurant_id, &owner.token, "")
        .await
        .expect("connected");
    assert_eq!(live.next_json().await["type"], "hello");

    let profile = app.create_guest_profile(&owner, &ana()).await;
    app.put_guest_profile(&owner, id(&profile), &json!({"notes": "Quiet corner"}))
        .await;
    let changes = live.events(2).await;
    app.delete_guest_profile(&owner, id(&profile)).await;
    let erased = live.events(1).await;

    assert_eq!(strings(&changes, "type"), ["guest_profile_update"; 2]);
    assert_eq!(changes[1]["data"]["notes"], "Quiet corner");
    assert_eq!(erased[0]["type"], "guest_profile_delete");
    assert_eq!(erased[0]["data"], json!({"id": profile["id"]}));
}

#[tokio::test]
async fn concurrent_visits_with_one_new_phone_make_one_profile() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let visits = futures_util::future::join_all(
        (0..8).map(|_| walk_in(&app, &owner, "Dee Park", "+44 20 7946 0958")),
    )
    .await;

    let profiles = strings(&visits, "guestProfileId");
    assert!(profiles.iter().all(|p| *p == profiles[0]), "{profiles:?}");
    let book = app.get_guest_profiles(&owner, "").await.expect_200();
    assert_eq!(book["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_visit_is_relinked_by_put_and_an_unknown_profile_is_404() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let profile = app.create_guest_profile(&owner, &ana()).await;
    let visit = walk_in(&app, &owner, "Ana", "no phone").await;

    let relinked = app
        .put_reservation(
            &owner,
            id(&visit),
            &json!({"guestProfileId": profile["id"]}),
        )
        .await
        .expect_200();
    let unknown = json!({"guestProfileId": uuid::Uuid::new_v4()});
    let missing = app.put_reservation(&owner, id(&visit), &unknown).await;

    assert_eq!(relinked["guestProfileId"], profile["id"]);
    assert_eq!(relinked["guest"]["tags"], json!(["vip", "regular"]));
    assert_eq!(missing.status, 404, "{}", missing.body);
}

#[tokio::test]
async fn every_visit_shows_the_profile_as_it_is_after_edits_and_concurrent_changes() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let profile = app.create_guest_profile(&owner, &ana()).await;
    let pid = id(&profile);
    let link = json!({"guestName": "Ana", "partySize": 2, "guestProfileId": pid});
    let visits =
        futures_util::future::join_all((0..8).map(|_| app.post_reservation(&owner, &link))).await;
    let ids: Vec<&str> = visits.iter().map(|v| id(&v.body)).collect();

    // Half no-shows, half cancellations, all at once: each write refreshes
    // the summary its siblings carry, so they contend for the same rows.
    let (app, owner) = (&app, &owner);
    let changes = ids.iter().enumerate().map(|(n, visit)| async move {
        if n % 2 == 0 {
            app.put_reservation(owner, visit, &json!({"status": "noShow"}))
                .await
                .status
        } else {
            app.delete_reservation(owner, visit).await.status
        }
    });
    let statuses = futures_util::future::join_all(changes).await;
    let after_changes = summaries(app, owner).await;
    let edit = json!({"tags": ["regular"], "dietaryRestrictions": ["nuts"]});
    app.put_guest_profile(owner, pid, &edit).await.expect_200();
    let after_edit = summaries(app, owner).await;

    assert_eq!(statuses, [200, 204, 200, 204, 200, 204, 200, 204]);
    let counted = json!({"visitCount": 0, "noShowCount": 4, "tags": ["vip", "regular"], "dietaryRestrictions": ["gluten"]});
    assert_eq!(after_changes, vec![counted; 8]);
    let edited = json!({"visitCount": 0, "noShowCount": 4, "tags": ["regular"], "dietaryRestrictions": ["nuts"]});
    assert_eq!(after_edit, vec![edited; 8]);
}

/// The guest summary of every reservation in the list.
async fn summaries(app: &TestApp, by: &Account) -> Vec<Value> {
    let listed = app.get_reservations(by, "").await.expect_200();
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["guest"].clone())
        .collect()
}
