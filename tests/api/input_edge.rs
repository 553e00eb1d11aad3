//! The input edge (issue 12): no control character gets past our extractors,
//! every rejection (headers included) carries the CONTRACT body, look-alike
//! identifiers cannot coexist, and the OpenAPI document says where each
//! parameter goes. The sweep walks that document, so it covers an endpoint
//! the day it lands.

use std::collections::BTreeSet;

use reqwest::{Method, header::HeaderValue};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Account, Reply, TestApp, id, json_of};

fn assert_refused_at(reply: &Reply, loc: &[&str], what: &str) {
    assert_validation_at(reply.status, &reply.body, loc, what);
}

fn assert_validation_at(status: u16, body: &Value, loc: &[&str], what: &str) {
    assert_eq!(status, 422, "{what}: {body}");
    assert_eq!(body["code"], "validation_error", "{what}: {body}");
    assert_eq!(body["detail"][0]["loc"], json!(loc), "{what}: {body}");
    assert!(body["detail"][0]["msg"].is_string(), "{what}: {body}");
}

#[tokio::test]
async fn the_issues_nul_requests_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;

    let login = app.login("a\u{0}b@x.io", "password123").await;
    let list = app.get_reservations(&owner, "q=a%00b").await;
    let value = app
        .put_restaurant(&owner, &json!({"settings": {"k": "a\u{0}b"}}))
        .await;
    let key = app
        .put_restaurant(&owner, &json!({"settings": {"a\u{0}b": "v"}}))
        .await;

    assert_refused_at(&login, &["body", "email"], "login");
    assert_refused_at(&list, &["query", "q"], "search");
    assert_refused_at(&value, &["body", "settings", "k"], "value");
    assert_refused_at(&key, &["body", "settings", "a\u{0}b"], "key");
    let restaurant = app.get_restaurant(&owner).await.expect_200();
    assert_eq!(restaurant["settings"], json!({}));
}

#[tokio::test]
async fn control_bytes_hyper_refuses_are_answered_with_the_contract_body() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let body = r#"{"tableNumber": "A1", "capacity": 4}"#;
    let create = format!(
        "POST {} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nidempotency-key: k\x01y\r\n\r\n{body}",
        owner.path("/tables"),
        owner.token,
        body.len()
    );
    let long_uri = format!(
        "GET /{} HTTP/1.1\r\nhost: localhost\r\n\r\n",
        "a".repeat(70_000)
    );

    let answers = [
        (400, app.raw_request(create.as_bytes()).await),
        (
            400,
            app.raw_request(b"GET /health\x01 HTTP/1.1\r\nhost: x\r\n\r\n")
                .await,
        ),
        (414, app.raw_request(long_uri.as_bytes()).await),
    ];

    for (expected, (status, head, body)) in answers {
        assert_eq!(status, expected, "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            body["detail"].is_string() && body["code"].is_string(),
            "{body}"
        );
    }
    assert_eq!(app.get_tables(&owner).await.expect_200(), json!([]));
}

#[tokio::test]
async fn an_idempotency_key_or_if_match_that_is_not_visible_ascii_is_a_400() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let table = app.create_table(&owner, "A1", 4).await;
    let tables = owner.path("/tables");
    let one = owner.path(&format!("/tables/{}", id(&table)));
    let cases: [(Method, &str, &str, &[u8]); 4] = [
        (Method::POST, &tables, "idempotency-key", b"k\ty"),
        (
            Method::POST,
            &tables,
            "idempotency-key",
            "k\u{e9}".as_bytes(),
        ),
        (Method::PUT, &one, "if-match", b"\"1\"\t\"2\""),
        (Method::PUT, &one, "if-match", b"\"\xff\""),
    ];

    for (method, path, name, value) in cases {
        let response = app
            .http
            .request(method, app.url(path))
            .bearer_auth(&owner.token)
            .header(name, HeaderValue::from_bytes(value).unwrap())
            .json(&json!({"tableNumber": "B1", "capacity": 4}))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(
            (status, &body["code"]),
            (400, &json!("bad_request")),
            "{name}: {body}"
        );
        assert!(body["detail"].is_string(), "{body}");
    }
    let too_long = app.http.post(app.url(&tables)).bearer_auth(&owner.token);
    let too_long = too_long
        .header("idempotency-key", "k".repeat(256))
        .json(&json!({}));
    assert_eq!(too_long.send().await.unwrap().status(), 422);
    let listed = app.get_tables(&owner).await.expect_200();
    assert_eq!(listed[0]["tableNumber"], "A1");
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn look_alike_table_numbers_cannot_coexist() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (app, owner) = (&app, &owner);
    let post = |number: &str| {
        let body = json!({"tableNumber": number, "capacity": 4});
        async move { app.post_table(owner, &body).await }
    };

    let zero_width = post("E\u{200b}9").await;
    let decomposed = post("E\u{301}").await;
    let composed = post("\u{c9}").await;

    assert_refused_at(&zero_width, &["body", "tableNumber"], "E\\u200b9");
    assert_eq!(decomposed.status, 201, "{}", decomposed.body);
    assert_eq!(decomposed.body["tableNumber"], "\u{c9}");
    assert_eq!(
        composed.status_and("code"),
        (409, &json!("duplicate_table_number"))
    );
}

#[tokio::test]
async fn reservation_times_outside_the_window_are_422_on_create_and_update() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let booked = app
        .create_reservation(&owner, "Ann", 2, Some("2025-08-13T19:00:00Z"))
        .await;
    let one = id(&booked);

    for time in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
        let new = json!({"guestName": "Bob", "partySize": 2, "reservationTime": time});
        let created = app.post_reservation(&owner, &new).await;
        assert_refused_at(&created, &["body", "reservationTime"], time);
        let moved = json!({"reservationTime": time});
        let updated = app.put_reservation(&owner, one, &moved).await;
        assert_refused_at(&updated, &["body", "reservationTime"], time);
    }

    let listed = app.get_reservations(&owner, "").await.expect_200();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let kept = app.get_reservation(&owner, one).await.expect_200();
    assert_eq!(kept["reservationTime"], "2025-08-13T19:00:00Z");
}

#[tokio::test]
async fn every_path_parameter_is_a_segment_of_its_path_and_every_segment_is_declared() {
    let app = TestApp::spawn().await;

    let (_, document) = json_of(app.get("/openapi.json").await).await;

    for (template, item) in document["paths"].as_object().unwrap() {
        let segments: BTreeSet<&str> = template
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in operations(item) {
            let declared: BTreeSet<&str> = parameters(operation)
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(declared, segments, "{method} {template}");
        }
    }
    let list = &document["paths"]["/restaurants/{restaurant_id}/reservations"]["get"];
    for name in ["status", "date", "from", "to", "q", "limit"] {
        let parameter = parameters(list).find(|p| p["name"] == name).expect(name);
        assert_eq!(parameter["in"], "query", "{name}");
        assert_ne!(parameter["required"], true, "{name}");
    }
}

#[tokio::test]
async fn a_nul_in_any_string_field_query_or_path_parameter_of_any_operation_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.register().await;
    let (_, document) = json_of(app.get("/openapi.json").await).await;
    let mut sent = 0;

    for (template, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations(item) {
            let schema = operation.pointer("/requestBody/content/application~1json/schema");
            let body = schema.map(|schema| example(&document, schema));
            let leaves = body.as_ref().map(string_leaves).unwrap_or_default();
            for leaf in leaves {
                let mut poisoned = body.clone().unwrap();
                *poisoned
                    .pointer_mut(&format!("/{}", leaf.join("/")))
                    .unwrap() = json!("a\u{0}b");
                let path = fill(template, &owner, "");
                let answer = send(&app, &method, &path, &owner, Some(poisoned)).await;
                let loc: Vec<&str> = ["body"]
                    .into_iter()
                    .chain(leaf.iter().map(String::as_str))
                    .collect();
                assert_refused_at(&answer, &loc, &format!("{method} {template}"));
                sent += 1;
            }
            // Header parameters: reqwest refuses control bytes there; the raw-socket test sends them.
            for parameter in parameters(operation) {
                let name = parameter["name"].as_str().unwrap();
                let path = match parameter["in"].as_str() {
                    Some("query") => format!("{}?{name}=a%00b", fill(template, &owner, "")),
                    Some("path") => fill(template, &owner, name),
                    _ => continue,
                };
                let answer = send(&app, &method, &path, &owner, body.clone()).await;
                let place = parameter["in"].as_str().unwrap();
                assert_refused_at(&answer, &[place, name], &format!("{method} {template}"));
                sent += 1;
            }
        }
    }
    assert!(sent > 50, "only {sent} requests: is the document walked?");
}

async fn send(
    app: &TestApp,
    method: &Method,
    path: &str,
    owner: &Account,
    body: Option<Value>,
) -> Reply {
    let request = app.with_token(method.clone(), path, &owner.token);
    match body {
        Some(body) => app.send(request.json(&body)).await,
        None => app.send(request).await,
    }
}

fn operations(item: &Value) -> impl Iterator<Item = (Method, &Value)> {
    let methods = [
        Method::GET,
        Method::PUT,
        Method::POST,
        Method::DELETE,
        Method::PATCH,
    ];
    methods.into_iter().filter_map(|method| {
        let operation = item.get(method.as_str().to_lowercase())?;
        Some((method, operation))
    })
}

fn parameters(operation: &Value) -> impl Iterator<Item = &Value> {
    operation["parameters"].as_array().into_iter().flatten()
}

/// `template` with the owner's restaurant, fresh ids elsewhere, and a NUL in `poisoned`.
fn fill(template: &str, owner: &Account, poisoned: &str) -> String {
    let segments = template.split('/').map(|segment| {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) if name == poisoned => "a%00b".to_owned(),
            Some("restaurant_id") => owner.restaurant_id.clone(),
            Some(_) => Uuid::new_v4().to_string(),
            None => segment.to_owned(),
        }
    });
    segments.collect::<Vec<_>>().join("/")
}

/// A value of `schema` with every property present, so every string is reached.
fn example(document: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let target = document.pointer(reference.trim_start_matches('#'));
        return example(document, target.expect(reference));
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(choices) = schema[key].as_array() {
            let chosen = choices.iter().find(|c| c["type"] != "null").expect(key);
            return example(document, chosen);
        }
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned(),
        kind => Some(kind.clone()),
    };
    match kind.as_ref().and_then(Value::as_str) {
        Some("object") => match schema["properties"].as_object() {
            Some(properties) => properties
                .iter()
                .map(|(name, property)| (name.clone(), example(document, property)))
                .collect(),
            None => json!({"k": "x"}),
        },
        Some("array") => json!([example(document, &schema["items"])]),
        Some("string") => json!("x"),
        Some("integer") => json!(1),
        Some("number") => json!(0.5),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

/// The path (keys and indexes) of every string in `value`.
fn string_leaves(value: &Value) -> Vec<Vec<String>> {
    let under = |segment: String, inner: &Value| {
        string_leaves(inner).into_iter().map(move |mut leaf| {
            leaf.insert(0, segment.clone());
            leaf
        })
    };
    match value {
        Value::String(_) => vec![vec![]],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(index, item)| under(index.to_string(), item).collect::<Vec<_>>())
            .collect(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, inner)| under(key.clone(), inner).collect::<Vec<_>>())
            .collect(),
        _ => vec![],
    }
}
