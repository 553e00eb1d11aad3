//! Staff wire types (camelCase, with snake_case accepted on input).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    event::EventKind,
    http::{Versioned, time::WireTime},
    journal::Journaled,
    role::StaffRole,
};

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    pub id: Uuid,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: StaffRole,
    pub active: bool,
    pub created_at: WireTime,
    #[serde(rename = "lastUpdated")]
    pub updated_at: WireTime,
    #[serde(skip)]
    pub version: i32,
}

impl Journaled for StaffMember {
    const ENTITY: &'static str = "staff";
    const UPDATED: EventKind = EventKind::StaffUpdate;
    const DELETED: EventKind = EventKind::StaffDelete;
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Versioned for StaffMember {
    fn version(&self) -> i32 {
        self.version
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateStaff {
    pub email: String,
    pub password: String,
    #[serde(
        alias = "first_name",
        deserialize_with = "crate::http::validate::nfc::string"
    )]
    pub first_name: String,
    #[serde(
        alias = "last_name",
        deserialize_with = "crate::http::validate::nfc::string"
    )]
    pub last_name: String,
    pub role: StaffRole,
}

/// Any subset of fields; absent ones are unchanged.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStaff {
    pub email: Option<String>,
    #[serde(
        alias = "first_name",
        default,
        deserialize_with = "crate::http::validate::nfc::option"
    )]
    pub first_name: Option<String>,
    #[serde(
        alias = "last_name",
        default,
        deserialize_with = "crate::http::validate::nfc::option"
    )]
    pub last_name: Option<String>,
    pub role: Option<StaffRole>,
    pub active: Option<bool>,
    /// Sets a new password and ends the member's sessions.
    pub password: Option<String>,
}
