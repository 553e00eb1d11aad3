//! Table combinations (issue 17, point 3): defined by managers, seated as
//! one, freed as one, and raced for without two parties on one table.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, id, strings};

/// Tables A10 and A2 (four each) and their combination, created as `[A10, A2]`.
async fn pair(app: &TestApp, owner: &Account) -> (Value, Value, Value) {
    let a10 = app.create_table(owner, "A10", 4).await;
    let a2 = app.create_table(owner, "A2", 4).await;
    let body = json!({"name": "A2+A10", "tableIds": [id(&a10), id(&a2)]});
    let combination = app.post_combination(owner, &body).await;
    assert_eq!(combination.status, 201, "{}", combination.body);
    (a2, a10, combination.body)
}

#[tokio::test]
async fn a_manager_defines_combinations_in_natural_order_with_default_capacities() {
    let app = TestApp::spawn().await;
    let (owner, manager, staff) = app.team().await;
    let (a2, a10, combination) = pair(&app, &owner).await;

    assert_eq!(combination["tableIds"], json!([id(&a2), id(&a10)]));
    assert_eq!(
        (&combination["minCapacity"], &combination["maxCapacity"]),
        (&json!(5), &json!(8))
    );
    let again = json!({"name": "A2+A10", "tableIds": [id(&a2), id(&a10)]});
    let duplicate = app.post_combination(&manager, &again).await;
    assert_eq!(
        duplicate.status_and("code"),
        (409, &json!("duplicate_combination_name"))
    );
    let by_staff = app
        .post_combination(
            &staff,
            &json!({"name": "X", "tableIds": [id(&a2), id(&a10)]}),
        )
        .await;
    assert_eq!(by_staff.status, 403);
    let unknown = json!({"name": "Ghost", "tableIds": [id(&a2), uuid::Uuid::new_v4()]});
    let refused = app.post_combination(&owner, &unknown).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        refused.body["detail"][0]["loc"],
        json!(["body", "tableIds"])
    );
    let renamed = app
        .put_combination(
            &manager,
            id(&combination),
            &json!({"name": "Window", "maxCapacity": 7}),
        )
        .await;
    assert_eq!(
        (
            renamed.status,
            &renamed.body["name"],
            &renamed.body["maxCapacity"]
        ),
        (200, &json!("Window"), &json!(7))
    );
    assert!(renamed.headers.contains_key("etag"));
    let listed = app.get_combinations(&staff).await.expect_200();
    assert_eq!(strings(listed.as_array().unwrap(), "name"), ["Window"]);
    assert_eq!(
        app.delete_combination(&owner, id(&combination))
            .await
            .status,
        204
    );
    assert_eq!(app.get_combinations(&owner).await.expect_200(), json!([]));
}

#[tokio::test]
async fn seating_at_a_combination_occupies_every_member_and_clearing_one_frees_them_all() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (a2, a10, combination) = pair(&app, &owner).await;
    let quote = app.get_quote(&owner, 6).await.expect_200();
    let party = app.create_reservation(&owner, "Ten", 6, None).await;

    let body = json!({"status": "seated", "assignedCombinationId": id(&combination)});
    let seated = app.put_reservation(&owner, id(&party), &body).await;

    assert_eq!(seated.status, 200, "{}", seated.body);
    assert_eq!(seated.body["assignedTableIds"], json!([id(&a2), id(&a10)]));
    assert_eq!(
        seated.body["assignedTableId"], a2["id"],
        "the first member in natural order"
    );
    assert_eq!(seated.body["assignedCombinationId"], combination["id"]);
    assert_eq!(
        quote["expectedCombinationId"], combination["id"],
        "six fit only the pair"
    );
    assert_eq!(quote["quotedWaitMinutes"], 0);
    for table in [&a2, &a10] {
        let now = app.get_table(&owner, id(table)).await.expect_200();
        assert_eq!(
            (&now["status"], &now["currentGuestId"]),
            (&json!("occupied"), &party["id"])
        );
    }
    let cleared = app
        .put_table(&owner, id(&a10), &json!({"status": "available"}))
        .await;
    assert_eq!(cleared.status, 200);
    for table in [&a2, &a10] {
        let now = app.get_table(&owner, id(table)).await.expect_200();
        assert_eq!(
            (&now["status"], &now["currentGuestId"]),
            (&json!("available"), &Value::Null)
        );
    }
    let finished = app.get_reservation(&owner, id(&party)).await.expect_200();
    assert_eq!(finished["status"], "finished");
}

#[tokio::test]
async fn a_member_held_by_another_party_makes_the_whole_seating_409_and_takes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (a2, a10, combination) = pair(&app, &owner).await;
    let alone = app.create_reservation(&owner, "Two", 2, None).await;
    assert_eq!(app.seat(&owner, &alone, &a10).await.status, 200);
    let party = app.create_reservation(&owner, "Six", 6, None).await;

    let body = json!({"status": "seated", "assignedCombinationId": id(&combination)});
    let refused = app.put_reservation(&owner, id(&party), &body).await;

    assert_eq!(refused.status_and("code"), (409, &json!("table_occupied")));
    let free = app.get_table(&owner, id(&a2)).await.expect_200();
    assert_eq!(free["status"], "available", "nothing was taken");
    let waiting = app.get_reservation(&owner, id(&party)).await.expect_200();
    assert_eq!(waiting["status"], "waitlist");
}

#[tokio::test]
async fn a_combination_in_use_keeps_its_tables_and_cancelling_frees_them_all() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (a2, a10, combination) = pair(&app, &owner).await;
    let spare = app.create_table(&owner, "A3", 4).await;
    let party = app.create_reservation(&owner, "Six", 6, None).await;
    let body = json!({"status": "seated", "assignedCombinationId": id(&combination)});
    assert_eq!(
        app.put_reservation(&owner, id(&party), &body).await.status,
        200
    );

    let moved = json!({"tableIds": [id(&a2), id(&spare)]});
    let change = app.put_combination(&owner, id(&combination), &moved).await;
    let delete = app.delete_combination(&owner, id(&combination)).await;
    let table_delete = app.delete_table(&owner, id(&a10)).await;
    assert_eq!(app.delete_reservation(&owner, id(&party)).await.status, 204);

    for reply in [change, delete] {
        assert_eq!(
            reply.status_and("code"),
            (409, &json!("combination_in_use"))
        );
    }
    assert_eq!(
        table_delete.status_and("code"),
        (409, &json!("table_in_use"))
    );
    let tables = app.get_tables(&owner).await.expect_200();
    assert!(
        tables
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "available")
    );
    assert_eq!(app.delete_table(&owner, id(&a10)).await.status, 204);
    assert_eq!(
        app.get_combinations(&owner).await.expect_200(),
        json!([]),
        "a member's deletion drops it"
    );
    let kinds: Vec<String> = sqlx::query_scalar(
        "select type from events where restaurant_id = $1::uuid order by seq desc limit 2",
    )
    .bind(&owner.restaurant_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(kinds, ["table_delete", "table_combination_delete"]);
}

#[tokio::test]
async fn twenty_parties_racing_for_overlapping_combinations_and_single_tables_leave_one_party_per_table()
 {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let mut tables = Vec::new();
    for number in ["T1", "T2", "T3", "T4"] {
        tables.push(id(&app.create_table(&owner, number, 4).await).to_owned());
    }
    let mut places = tables
        .iter()
        .map(|t| json!({"assignedTableId": t}))
        .collect::<Vec<_>>();
    for (n, members) in tables.windows(2).enumerate() {
        let body = json!({"name": format!("C{n}"), "tableIds": members});
        let combination = app.post_combination(&owner, &body).await.body;
        places.push(json!({"assignedCombinationId": id(&combination)}));
    }
    let mut parties = Vec::new();
    for n in 0..20 {
        parties.push(
            app.create_reservation(&owner, &format!("Party {n}"), 4, None)
                .await,
        );
    }

    let (app, owner) = (&app, &owner);
    let attempts = parties
        .iter()
        .zip(places.iter().cycle())
        .map(|(party, place)| {
            let mut body = place.clone();
            body["status"] = json!("seated");
            async move { app.put_reservation(owner, id(party), &body).await.status }
        });
    let statuses = futures_util::future::join_all(attempts).await;

    assert!(
        statuses.iter().all(|&s| s == 200 || s == 409),
        "{statuses:?}"
    );
    let open: Vec<(String, i64)> = sqlx::query_as(
        "select table_id::text, count(*) from seatings where released_at is null group by table_id order by 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut expected: Vec<(String, i64)> = tables.iter().map(|t| (t.clone(), 1)).collect();
    expected.sort();
    assert_eq!(open, expected, "every table taken by exactly one party");
    let winners = statuses.iter().filter(|&&s| s == 200).count();
    let seated: i64 =
        sqlx::query_scalar("select count(*) from reservations where status = 'seated'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(seated as usize, winners);
    let guests: i64 =
        sqlx::query_scalar("select count(distinct current_guest_id) from dining_tables")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(guests as usize, winners, "tables and reservations agree");
}
