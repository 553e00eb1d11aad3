//! Auth wire types. These keep the Python service's snake_case (CONTRACT.md).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::role::StaffRole;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[serde(deserialize_with = "crate::http::validate::nfc::string")]
    pub restaurant_name: String,
    pub email: String,
    pub password: String,
    /// `""` when omitted.
    #[serde(default, deserialize_with = "crate::http::validate::nfc::string")]
    pub first_name: String,
    /// `""` when omitted.
    #[serde(default, deserialize_with = "crate::http::validate::nfc::string")]
    pub last_name: String,
    /// IANA time zone of the restaurant; `UTC` when omitted.
    pub timezone: Option<String>,
}

/// The tokens of the new owner, and the Python service's confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    #[serde(flatten)]
    pub tokens: TokenResponse,
    /// `Restaurant created successfully`.
    pub message: &'static str,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LogoutRequest {
    pub refresh_token: String,
    /// End every session of this user, on every device.
    #[serde(default)]
    pub everywhere: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Issued by register, login and refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
    pub refresh_token: String,
    pub restaurant_id: Uuid,
    pub user_id: Uuid,
    pub role: StaffRole,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: StaffRole,
    pub restaurant_id: Uuid,
    pub restaurant_name: String,
}
