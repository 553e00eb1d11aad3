//! Who is acting: a staff member's role, and the signed-in user a request
//! acts as. A leaf module: the database layer and every domain read it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A staff member's role. Owners manage everyone, managers manage `staff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "staff_role", rename_all = "lowercase")]
pub enum StaffRole {
    Owner,
    Manager,
    Staff,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Staff => "staff",
        }
    }

    /// Owners and managers edit the floor plan, the restaurant and staff.
    pub fn is_manager(self) -> bool {
        matches!(self, Self::Owner | Self::Manager)
    }

    /// Owners manage everyone; managers manage `staff` only; staff nobody.
    pub fn can_manage(self, role: StaffRole) -> bool {
        match self {
            Self::Owner => true,
            Self::Manager => role == Self::Staff,
            Self::Staff => false,
        }
    }
}

/// The user a request acts as, with the role the database confirmed for
/// their session in the request's own transaction.
#[derive(Debug, Clone, Copy)]
pub struct ActingUser {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub role: StaffRole,
}
