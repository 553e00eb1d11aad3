//! Helpers for online booking: the staff availability read, and the public
//! surface, which carries no token. Each sends one request and asserts nothing.

use reqwest::Method;
use serde_json::Value;

use super::{Account, Reply, TestApp};

impl TestApp {
    fn public(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub async fn get_availability(&self, by: &Account, date: &str, party: i32) -> Reply {
        let rest = format!("/availability?date={date}&partySize={party}");
        self.send(self.by(Method::GET, by, &rest)).await
    }

    pub async fn public_availability(&self, slug: &str, date: &str, party: i32) -> Reply {
        let path = format!("/public/restaurants/{slug}/availability?date={date}&partySize={party}");
        self.send(self.public(Method::GET, &path)).await
    }

    pub async fn post_hold(&self, slug: &str, body: &Value) -> Reply {
        let path = format!("/public/restaurants/{slug}/holds");
        self.send(self.public(Method::POST, &path).json(body)).await
    }

    pub async fn confirm_hold(&self, slug: &str, hold_id: &str, body: &Value) -> Reply {
        let path = format!("/public/restaurants/{slug}/holds/{hold_id}/confirm");
        self.send(self.public(Method::POST, &path).json(body)).await
    }

    /// `GET` or `DELETE` of a guest's own booking.
    pub async fn own_booking(&self, method: Method, reservation: &str, token: &str) -> Reply {
        let path = format!("/public/reservations/{reservation}?token={token}");
        self.send(self.public(method, &path)).await
    }
}
