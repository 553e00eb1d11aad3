//! Server sections and seating suggestions (issue 17, point 4).

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id};

/// A table `number` of `capacity` in `section`.
async fn table_in(
    app: &TestApp,
    owner: &Account,
    number: &str,
    capacity: i32,
    section: &str,
) -> Value {
    let body = json!({"tableNumber": number, "capacity": capacity, "section": section});
    let table = app.post_table(owner, &body).await;
    assert_eq!(table.status, 201, "{}", table.body);
    table.body
}

#[tokio::test]
async fn servers_show_their_sections_tables_and_the_parties_and_covers_seated_there() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let main = table_in(&app, &owner, "M1", 4, "Main").await;
    let patio = table_in(&app, &owner, "P1", 4, "Patio").await;
    let assignments = json!([{"section": "Patio", "userId": staff.user_id}, {"section": "Main", "userId": manager.user_id}]);
    let assigned = app.put_server_assignments(&owner, &assignments).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let party = app.create_reservation(&owner, "Four", 3, None).await;
    assert_eq!(app.seat(&owner, &party, &main).await.status, 200);

    let servers = app.get_servers(&staff).await.expect_200();
    let today = app.get_server_assignments(&staff).await.expect_200();

    assert_eq!(
        today["assignments"][0],
        json!({"section": "Main", "userId": manager.user_id})
    );
    assert_eq!(servers.as_array().unwrap().len(), 2);
    let by_section = |section: &str| {
        servers
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sections"] == json!([section]))
            .unwrap()
            .clone()
    };
    let (serving_main, serving_patio) = (by_section("Main"), by_section("Patio"));
    assert_eq!(serving_main["userId"], manager.user_id.as_str());
    assert_eq!(serving_main["tableIds"], json!([id(&main)]));
    let counts = |s: &Value| {
        (
            s["partiesSeatedNow"].clone(),
            s["coversNow"].clone(),
            s["coversToday"].clone(),
        )
    };
    assert_eq!(counts(&serving_main), (json!(1), json!(3), json!(3)));
    assert_eq!(counts(&serving_patio), (json!(0), json!(0), json!(0)));
    assert_eq!(serving_patio["tableIds"], json!([id(&patio)]));
}

#[tokio::test]
async fn assignments_refuse_strangers_and_repeated_sections_and_only_managers_assign() {
    let app = TestApp::spawn().await;
    let (owner, _, staff) = app.team().await;
    let stranger = app.register().await;

    let by_staff = app.put_server_assignments(&staff, &json!([])).await;
    let twice = json!([{"section": "Main", "userId": staff.user_id}, {"section": "Main", "userId": owner.user_id}]);
    let repeated = app.put_server_assignments(&owner, &twice).await;
    let foreign = app
        .put_server_assignments(
            &owner,
            &json!([{"section": "Main", "userId": stranger.user_id}]),
        )
        .await;

    assert_eq!(by_staff.status, 403);
    assert_eq!(repeated.status, 422);
    assert_eq!(
        repeated.body["detail"][0]["loc"],
        json!(["body", "1", "section"])
    );
    assert_eq!(
        foreign.status, 422,
        "another restaurant's user is nobody here"
    );
    assert_eq!(
        app.get_server_assignments(&owner).await.body["assignments"],
        json!([])
    );
}

#[tokio::test]
async fn suggestions_put_single_tables_first_then_the_smallest_then_spare_tables_then_the_quieter_server()
 {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let big = table_in(&app, &owner, "M1", 6, "Main").await;
    let quiet = table_in(&app, &owner, "M2", 2, "Main").await;
    let busy = table_in(&app, &owner, "P1", 2, "Patio").await;
    let taken = table_in(&app, &owner, "P2", 4, "Patio").await;
    let member = table_in(&app, &owner, "P3", 2, "Patio").await;
    let pair = json!({"name": "Pair", "tableIds": [id(&member), id(&busy)]});
    let combination = app.post_combination(&owner, &pair).await.body;
    let sections = json!([{"section": "Main", "userId": manager.user_id}, {"section": "Patio", "userId": staff.user_id}]);
    assert_eq!(
        app.put_server_assignments(&owner, &sections).await.status,
        200
    );
    let seated = app.create_reservation(&owner, "Four", 4, None).await;
    assert_eq!(app.seat(&owner, &seated, &taken).await.status, 200);

    let for_two = app.get_seating_suggestions(&owner, 2).await.expect_200();
    let for_three = app.get_seating_suggestions(&owner, 3).await.expect_200();

    let ranked: Vec<Value> = for_two
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tableIds"].clone())
        .collect();
    assert_eq!(
        ranked,
        [
            json!([id(&quiet)]),
            json!([id(&busy)]),
            json!([id(&member)]),
            json!([id(&big)])
        ]
    );
    assert_eq!(for_two[0]["serverId"], manager.user_id.as_str());
    assert!(
        for_two[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "no combination needs it")
    );
    let combined: Vec<&Value> = for_three
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["combinationId"])
        .collect();
    assert_eq!(
        combined,
        [&Value::Null, &combination["id"]],
        "the six-top, then the pair"
    );
}
