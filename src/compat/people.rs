//! Who a guest is: a compat write's phone and email decide the guest profile
//! the visit belongs to, and what that profile keeps. A contact another
//! profile already has links the visit to that profile (never a 409, which
//! the Python service never answered); one nobody has is kept by the linked
//! profile.

use uuid::Uuid;

use crate::{
    booking, error::ApiResult, guest_profiles, guest_profiles::model::ProfileFields, tenant::Tenant,
};

/// The contacts of a write, sorted by who has them.
#[derive(Debug, Default)]
pub struct Contacts {
    /// The first profile other than the linked one that has a given contact.
    pub other: Option<Uuid>,
    /// Contacts no profile has yet.
    pub free_phone: Option<String>,
    pub free_email: Option<String>,
}

/// Sorts the given `phone` and `email` for a visit linked to `linked`.
pub async fn sort(
    tenant: &mut Tenant,
    linked: Option<Uuid>,
    phone: Option<&str>,
    email: Option<&str>,
) -> ApiResult<Contacts> {
    let mut contacts = Contacts::default();
    for (text, is_email) in [(email, true), (phone, false)] {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            continue;
        };
        match booking::profile_with(tenant, text).await? {
            Some(id) if Some(id) == linked => {}
            Some(id) => {
                contacts.other.get_or_insert(id);
            }
            None if is_email => contacts.free_email = Some(text.to_owned()),
            None => contacts.free_phone = Some(text.to_owned()),
        }
    }
    Ok(contacts)
}

/// Writes `fields` to `profile` when there is a profile and anything to write.
pub async fn keep(
    tenant: &mut Tenant,
    profile: Option<Uuid>,
    fields: ProfileFields,
) -> ApiResult<()> {
    let given = fields.first_name.is_some()
        || fields.last_name.is_some()
        || fields.phone.is_some()
        || fields.email.is_some()
        || fields.dietary_restrictions.is_some();
    match profile {
        Some(id) if given => guest_profiles::amend(tenant, id, &fields).await.map(drop),
        _ => Ok(()),
    }
}
