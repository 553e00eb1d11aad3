//! One helper per endpoint (z2p style): each sends exactly one request and
//! returns the `Reply`, asserting nothing. `by` is who sends it; the path is
//! under `by`'s restaurant. A query is given without its `?` ("" for none).

use reqwest::{Method, header::HeaderValue};
use serde_json::{Value, json};

use super::{Account, Reply, TestApp, id};

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The four verbs under `by`'s restaurant, for the helpers below.
impl TestApp {
    async fn get_by(&self, by: &Account, rest: &str) -> Reply {
        self.send(self.by(Method::GET, by, rest)).await
    }

    async fn post_by(&self, by: &Account, rest: &str, body: &Value) -> Reply {
        self.send(self.by(Method::POST, by, rest).json(body)).await
    }

    async fn put_by(&self, by: &Account, rest: &str, body: &Value) -> Reply {
        self.send(self.by(Method::PUT, by, rest).json(body)).await
    }

    async fn put_by_if_match(
        &self,
        by: &Account,
        rest: &str,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        let request = self.by(Method::PUT, by, rest).header("if-match", etag);
        self.send(request.json(body)).await
    }

    async fn delete_by(&self, by: &Account, rest: &str) -> Reply {
        self.send(self.by(Method::DELETE, by, rest)).await
    }

    async fn delete_by_if_match(&self, by: &Account, rest: &str, etag: &HeaderValue) -> Reply {
        let request = self.by(Method::DELETE, by, rest).header("if-match", etag);
        self.send(request).await
    }

    async fn post_auth(&self, path: &str, body: &Value) -> Reply {
        self.send(self.http.post(self.url(path)).json(body)).await
    }
}

/// `/auth/*`: no restaurant in the path.
impl TestApp {
    pub async fn post_register(&self, body: &Value) -> Reply {
        self.post_auth("/auth/register", body).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        self.post_auth("/auth/login", &body).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        let body = json!({"refresh_token": refresh_token});
        self.post_auth("/auth/refresh", &body).await
    }

    /// Signs out the session of `refresh_token`.
    pub async fn logout(&self, refresh_token: &str) -> Reply {
        let body = json!({"refresh_token": refresh_token});
        self.post_auth("/auth/logout", &body).await
    }

    /// Signs out every session of the user of `refresh_token`.
    pub async fn logout_everywhere(&self, refresh_token: &str) -> Reply {
        let body = json!({"refresh_token": refresh_token, "everywhere": true});
        self.post_auth("/auth/logout", &body).await
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Reply {
        let body = json!({"current_password": current, "new_password": new});
        let request = self.with_token(Method::POST, "/auth/password", token);
        self.send(request.json(&body)).await
    }

    pub async fn me(&self, token: &str) -> Reply {
        self.send(self.with_token(Method::GET, "/auth/me", token))
            .await
    }
}

/// `/restaurants/{id}` and its activity and event logs.
impl TestApp {
    pub async fn get_restaurant(&self, by: &Account) -> Reply {
        self.get_by(by, "").await
    }

    pub async fn put_restaurant(&self, by: &Account, body: &Value) -> Reply {
        self.put_by(by, "", body).await
    }

    pub async fn get_activity(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/activity", query)).await
    }

    pub async fn get_events(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/events", query)).await
    }
}

/// `/restaurants/{id}/staff`.
impl TestApp {
    pub async fn get_staff(&self, by: &Account) -> Reply {
        self.get_by(by, "/staff").await
    }

    pub async fn post_staff(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/staff", body).await
    }

    pub async fn get_staff_member(&self, by: &Account, user_id: &str) -> Reply {
        self.get_by(by, &format!("/staff/{user_id}")).await
    }

    pub async fn put_staff(&self, by: &Account, user_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/staff/{user_id}"), body).await
    }

    pub async fn put_staff_if_match(
        &self,
        by: &Account,
        user_id: &str,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        self.put_by_if_match(by, &format!("/staff/{user_id}"), etag, body)
            .await
    }

    pub async fn delete_staff(&self, by: &Account, user_id: &str) -> Reply {
        self.delete_by(by, &format!("/staff/{user_id}")).await
    }
}

/// `/restaurants/{id}/tables`.
impl TestApp {
    pub async fn get_tables(&self, by: &Account) -> Reply {
        self.get_by(by, "/tables").await
    }

    pub async fn post_table(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/tables", body).await
    }

    /// A create that may be retried: the same key means the same table.
    pub async fn post_table_with_key(&self, by: &Account, key: &str, body: &Value) -> Reply {
        let request = self.by(Method::POST, by, "/tables");
        self.send(request.header("idempotency-key", key).json(body))
            .await
    }

    pub async fn get_table(&self, by: &Account, table_id: &str) -> Reply {
        self.get_by(by, &format!("/tables/{table_id}")).await
    }

    pub async fn put_table(&self, by: &Account, table_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/tables/{table_id}"), body).await
    }

    pub async fn put_table_if_match(
        &self,
        by: &Account,
        table_id: &str,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        self.put_by_if_match(by, &format!("/tables/{table_id}"), etag, body)
            .await
    }

    pub async fn delete_table(&self, by: &Account, table_id: &str) -> Reply {
        self.delete_by(by, &format!("/tables/{table_id}")).await
    }

    pub async fn delete_table_if_match(
        &self,
        by: &Account,
        table_id: &str,
        etag: &HeaderValue,
    ) -> Reply {
        self.delete_by_if_match(by, &format!("/tables/{table_id}"), etag)
            .await
    }
}

/// `/restaurants/{id}/reservations`.
impl TestApp {
    pub async fn get_reservations(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/reservations", query)).await
    }

    pub async fn post_reservation(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/reservations", body).await
    }

    /// Posts `text` as it is, declared as JSON (for bodies `json!` cannot write).
    pub async fn post_reservation_text(&self, by: &Account, text: String) -> Reply {
        let request = self.by(Method::POST, by, "/reservations");
        self.send(
            request
                .header("content-type", "application/json")
                .body(text),
        )
        .await
    }

    pub async fn get_reservation(&self, by: &Account, reservation_id: &str) -> Reply {
        self.get_by(by, &format!("/reservations/{reservation_id}"))
            .await
    }

    pub async fn put_reservation(&self, by: &Account, reservation_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/reservations/{reservation_id}"), body)
            .await
    }

    pub async fn delete_reservation(&self, by: &Account, reservation_id: &str) -> Reply {
        self.delete_by(by, &format!("/reservations/{reservation_id}"))
            .await
    }

    /// Seats `guest` at `table` (a `PUT` of status and table).
    pub async fn seat(&self, by: &Account, guest: &Value, table: &Value) -> Reply {
        let body = json!({"status": "seated", "assignedTableId": id(table)});
        self.put_reservation(by, id(guest), &body).await
    }
}

/// `/restaurants/{id}/guest-profiles`.
impl TestApp {
    pub async fn get_guest_profiles(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/guest-profiles", query)).await
    }

    pub async fn post_guest_profile(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/guest-profiles", body).await
    }

    pub async fn get_guest_profile(&self, by: &Account, profile_id: &str) -> Reply {
        self.get_by(by, &format!("/guest-profiles/{profile_id}"))
            .await
    }

    pub async fn put_guest_profile(&self, by: &Account, profile_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/guest-profiles/{profile_id}"), body)
            .await
    }

    pub async fn put_guest_profile_if_match(
        &self,
        by: &Account,
        profile_id: &str,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        let path = format!("/guest-profiles/{profile_id}");
        self.put_by_if_match(by, &path, etag, body).await
    }

    /// Erases the profile's person.
    pub async fn delete_guest_profile(&self, by: &Account, profile_id: &str) -> Reply {
        self.delete_by(by, &format!("/guest-profiles/{profile_id}"))
            .await
    }

    pub async fn get_visits(&self, by: &Account, profile_id: &str) -> Reply {
        self.get_by(by, &format!("/guest-profiles/{profile_id}/visits"))
            .await
    }

    /// Merges `other_id` into `profile_id`.
    pub async fn merge_guest_profiles(
        &self,
        by: &Account,
        profile_id: &str,
        other_id: &str,
    ) -> Reply {
        let body = json!({"otherId": other_id});
        self.post_by(by, &format!("/guest-profiles/{profile_id}/merge"), &body)
            .await
    }
}

/// The host-stand engine: turn times, the waitlist, combinations, servers, the day report.
impl TestApp {
    pub async fn get_turn_times(&self, by: &Account) -> Reply {
        self.get_by(by, "/turn-times").await
    }

    pub async fn put_turn_times(&self, by: &Account, body: &Value) -> Reply {
        self.put_by(by, "/turn-times", body).await
    }

    pub async fn put_turn_times_if_match(
        &self,
        by: &Account,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        self.put_by_if_match(by, "/turn-times", etag, body).await
    }

    pub async fn get_suggested_turn_times(&self, by: &Account) -> Reply {
        self.get_by(by, "/turn-times/suggested").await
    }

    /// A `GET` of any path under `by`'s restaurant, for malformed queries.
    pub async fn get_by_path(&self, by: &Account, rest: &str) -> Reply {
        self.get_by(by, rest).await
    }

    pub async fn get_quote(&self, by: &Account, party_size: i32) -> Reply {
        self.get_by(by, &format!("/waitlist/quote?partySize={party_size}"))
            .await
    }

    pub async fn get_waitlist(&self, by: &Account) -> Reply {
        self.get_by(by, "/waitlist").await
    }

    pub async fn get_combinations(&self, by: &Account) -> Reply {
        self.get_by(by, "/table-combinations").await
    }

    pub async fn post_combination(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/table-combinations", body).await
    }

    pub async fn put_combination(&self, by: &Account, combination_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/table-combinations/{combination_id}"), body)
            .await
    }

    pub async fn delete_combination(&self, by: &Account, combination_id: &str) -> Reply {
        self.delete_by(by, &format!("/table-combinations/{combination_id}"))
            .await
    }

    pub async fn get_server_assignments(&self, by: &Account) -> Reply {
        self.get_by(by, "/server-assignments").await
    }

    pub async fn put_server_assignments(&self, by: &Account, body: &Value) -> Reply {
        self.put_by(by, "/server-assignments", body).await
    }

    pub async fn put_server_assignments_if_match(
        &self,
        by: &Account,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        self.put_by_if_match(by, "/server-assignments", etag, body)
            .await
    }

    pub async fn get_servers(&self, by: &Account) -> Reply {
        self.get_by(by, "/servers").await
    }

    pub async fn get_seating_suggestions(&self, by: &Account, party_size: i32) -> Reply {
        self.get_by(by, &format!("/seating-suggestions?partySize={party_size}"))
            .await
    }

    pub async fn get_day_report(&self, by: &Account, date: &str) -> Reply {
        self.get_by(by, &format!("/reports/day?date={date}")).await
    }

    /// The report as CSV: the status, the content type and the text.
    pub async fn get_day_report_csv(&self, by: &Account, date: &str) -> (u16, String, String) {
        let path = format!("/reports/day?date={date}");
        let request = self.by(Method::GET, by, &path).header("accept", "text/csv");
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        (status, kind, response.text().await.unwrap())
    }
}

/// Online booking's settings: shifts and closures.
impl TestApp {
    pub async fn get_shifts(&self, by: &Account) -> Reply {
        self.get_by(by, "/shifts").await
    }

    pub async fn post_shift(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/shifts", body).await
    }

    pub async fn get_shift(&self, by: &Account, shift_id: &str) -> Reply {
        self.get_by(by, &format!("/shifts/{shift_id}")).await
    }

    pub async fn put_shift(&self, by: &Account, shift_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/shifts/{shift_id}"), body).await
    }

    pub async fn put_shift_if_match(
        &self,
        by: &Account,
        shift_id: &str,
        etag: &HeaderValue,
        body: &Value,
    ) -> Reply {
        self.put_by_if_match(by, &format!("/shifts/{shift_id}"), etag, body)
            .await
    }

    pub async fn delete_shift(&self, by: &Account, shift_id: &str) -> Reply {
        self.delete_by(by, &format!("/shifts/{shift_id}")).await
    }

    pub async fn delete_shift_if_match(
        &self,
        by: &Account,
        shift_id: &str,
        etag: &HeaderValue,
    ) -> Reply {
        self.delete_by_if_match(by, &format!("/shifts/{shift_id}"), etag)
            .await
    }

    pub async fn get_closures(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/closures", query)).await
    }

    pub async fn post_closure(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/closures", body).await
    }

    pub async fn delete_closure(&self, by: &Account, date: &str) -> Reply {
        self.delete_by(by, &format!("/closures/{date}")).await
    }
}

/// The app-as-it-grew's routes (`compat`).
impl TestApp {
    pub async fn get_guests(&self, by: &Account, query: &str) -> Reply {
        self.get_by(by, &with_query("/guests", query)).await
    }

    pub async fn post_guest(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/guests", body).await
    }

    pub async fn get_guest(&self, by: &Account, guest_id: &str) -> Reply {
        self.get_by(by, &format!("/guests/{guest_id}")).await
    }

    pub async fn put_guest(&self, by: &Account, guest_id: &str, body: &Value) -> Reply {
        self.put_by(by, &format!("/guests/{guest_id}"), body).await
    }

    pub async fn delete_guest(&self, by: &Account, guest_id: &str) -> Reply {
        self.delete_by(by, &format!("/guests/{guest_id}")).await
    }

    pub async fn batch_update(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/batch-update", body).await
    }

    pub async fn batch_update_with_key(&self, by: &Account, key: &str, body: &Value) -> Reply {
        let request = self.by(Method::POST, by, "/batch-update");
        self.send(request.header("idempotency-key", key).json(body))
            .await
    }

    /// `PUT` or `POST …/tables/{id}/clear`, with no body.
    pub async fn clear_table(&self, by: &Account, method: Method, table_id: &str) -> Reply {
        let rest = format!("/tables/{table_id}/clear");
        self.send(self.by(method, by, &rest)).await
    }

    pub async fn bulk_tables(&self, by: &Account, body: &Value) -> Reply {
        self.post_by(by, "/tables/bulk", body).await
    }

    /// Any of the dashboard reads, at an absolute path (with its query).
    pub async fn get_dashboard(&self, by: &Account, path: &str) -> Reply {
        self.send(self.with_token(Method::GET, path, &by.token))
            .await
    }
}

/// `/restaurants/{id}/export`.
impl TestApp {
    pub async fn get_export(&self, by: &Account) -> Reply {
        self.get_by(by, "/export").await
    }
}
