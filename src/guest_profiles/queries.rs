//! Guest profile SQL, inside the tenant transaction. Erased profiles are
//! never read back.

use uuid::Uuid;

use super::model::{CleanFields, GuestProfile, profile_columns};
use crate::{
    db::{self, TenantTx, statements},
    error::{ApiError, ApiResult, ConstraintError, on_constraints},
};

statements! {
    SELECT_REGION = "select default_region from restaurants";
    SELECT_PROFILE = concat!(
        "select ", profile_columns!(), " from guest_profiles where id = $1 and erased_at is null"
    );
    /// `no key update`: visits being added hold `key share` on the row.
    LOCK_PROFILE = concat!(
        "select ", profile_columns!(), " from guest_profiles where id = $1 and erased_at is null for no key update"
    );
    INSERT_PROFILE = concat!(
        "insert into guest_profiles (restaurant_id, first_name, last_name, phone, email, notes, dietary_restrictions, tags)
         values ($1, coalesce($2, ''), coalesce($3, ''), nullif($4, ''), nullif($5, ''), $6,
                 coalesce($7::text[], '{}'), coalesce($8::text[], '{}'))
         returning ", profile_columns!()
    );
    /// The given fields; an empty phone or email removes it.
    UPDATE_PROFILE = concat!(
        "update guest_profiles set
             first_name = coalesce($2, first_name),
             last_name = coalesce($3, last_name),
             phone = case when $4 = '' then null else coalesce($4, phone) end,
             email = case when $5 = '' then null else coalesce($5, email) end,
             notes = coalesce($6, notes),
             dietary_restrictions = coalesce($7, dietary_restrictions),
             tags = coalesce($8, tags),
             version = version + 1,
             updated_at = now()
         where id = $1
         returning ", profile_columns!()
    );
    /// Erasure on request: the person's data goes; the row stays so the
    /// visits it groups keep their history.
    ERASE_PROFILE = concat!(
        "update guest_profiles set first_name = '', last_name = '', phone = null, email = null,
             notes = null, dietary_restrictions = '{}', tags = '{}', erased_at = now(),
             version = version + 1, updated_at = now()
         where id = $1
         returning ", profile_columns!()
    );
    DELETE_PROFILE = "delete from guest_profiles where id = $1";
    /// The guest book in name order, after the cursor's (name, id).
    BROWSE_PROFILES = concat!(
        "select ", profile_columns!(), ", sort_name as cursor_key
         from guest_profiles
         where erased_at is null and (sort_name, id) > ($1, $2)
         order by sort_name, id
         limit $3"
    );
    /// Profiles sharing a quarter of the query's trigrams or more (a typo
    /// costs two or three of them): the 500 sharing the
    /// most are ranked by shared trigrams, then by the closest words; the
    /// page starts after the cursor's (score, id). The cap bounds the
    /// ranking work for a query common in the book (a search pages through
    /// its 500 best matches).
    SEARCH_PROFILES = concat!(
        "select ", profile_columns!(), ", score::text as cursor_key
         from (
             select p.*, h.shared + word_similarity($1, p.search_text)::float8 as score
             from (
                 select profile_id, count(*) as shared
                 from guest_profile_terms
                 where term = any(app.search_grams($1))
                 group by profile_id
                 having count(*) >= greatest(1, floor(0.25 * cardinality(app.search_grams($1))))
                 order by count(*) desc, profile_id
                 limit 500
             ) h
             join guest_profiles p on p.id = h.profile_id
             where p.erased_at is null
         ) found
         where $2::float8 is null or score < $2 or (score = $2 and id > $3)
         order by score desc, id
         limit $4"
    );
}

/// The unique indexes that keep one profile per phone and per email.
const UNIQUE_PHONE: &str = "guest_profiles_phone_key";
const UNIQUE_EMAIL: &str = "guest_profiles_email_key";

/// A phone or email another profile already has: 409, naming which.
fn phone_taken() -> ApiError {
    contact_taken("phone")
}

fn email_taken() -> ApiError {
    contact_taken("email")
}

fn contact_taken(what: &str) -> ApiError {
    ApiError::conflict(
        "guest_profile_exists",
        format!("another guest profile has this {what}; merge the two instead"),
    )
}

/// Both writes of a profile's fields refuse a taken phone or email.
const CONTACT_KEYS: [ConstraintError; 2] =
    [(UNIQUE_PHONE, phone_taken), (UNIQUE_EMAIL, email_taken)];

/// The restaurant's region for phone numbers without a country code.
pub async fn select_region(tx: &mut TenantTx) -> ApiResult<String> {
    Ok(db::query_scalar(SELECT_REGION).fetch_one(tx.conn()).await?)
}

pub async fn select_profile(tx: &mut TenantTx, id: Uuid) -> ApiResult<GuestProfile> {
    db::query_as(SELECT_PROFILE)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("guest profile"))
}

pub async fn lock_profile(tx: &mut TenantTx, id: Uuid) -> ApiResult<GuestProfile> {
    db::query_as(LOCK_PROFILE)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(ApiError::NotFound("guest profile"))
}

pub async fn insert_profile(tx: &mut TenantTx, new: &CleanFields) -> ApiResult<GuestProfile> {
    let restaurant_id = tx.restaurant_id();
    let query = db::query_as(INSERT_PROFILE).bind(restaurant_id);
    bind_fields(query, new)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraints(&CONTACT_KEYS))
}

pub async fn update_profile(
    tx: &mut TenantTx,
    id: Uuid,
    change: &CleanFields,
) -> ApiResult<GuestProfile> {
    let query = db::query_as(UPDATE_PROFILE).bind(id);
    bind_fields(query, change)
        .fetch_one(tx.conn())
        .await
        .map_err(on_constraints(&CONTACT_KEYS))
}

type ProfileQuery<'q> =
    sqlx::query::QueryAs<'q, sqlx::Postgres, GuestProfile, sqlx::postgres::PgArguments>;

/// Binds the fields as `$2` to `$8`, as both writes take them.
fn bind_fields<'q>(query: ProfileQuery<'q>, fields: &'q CleanFields) -> ProfileQuery<'q> {
    query
        .bind(fields.first_name.as_deref())
        .bind(fields.last_name.as_deref())
        .bind(fields.phone.as_deref())
        .bind(fields.email.as_deref())
        .bind(fields.notes.as_deref())
        .bind(fields.dietary_restrictions.as_deref())
        .bind(fields.tags.as_deref())
}

pub async fn erase_profile(tx: &mut TenantTx, id: Uuid) -> ApiResult<GuestProfile> {
    Ok(db::query_as(ERASE_PROFILE)
        .bind(id)
        .fetch_one(tx.conn())
        .await?)
}

pub async fn delete_profile(tx: &mut TenantTx, id: Uuid) -> ApiResult<()> {
    db::query(DELETE_PROFILE)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// A profile and the key that continues the page after it.
#[derive(sqlx::FromRow)]
pub struct Keyed {
    #[sqlx(flatten)]
    pub profile: GuestProfile,
    pub cursor_key: String,
}

pub async fn browse_profiles(
    tx: &mut TenantTx,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> ApiResult<Vec<Keyed>> {
    let (name, id) = after.unwrap_or_default();
    Ok(db::query_as(BROWSE_PROFILES)
        .bind(name)
        .bind(id)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?)
}

pub async fn search_profiles(
    tx: &mut TenantTx,
    q: &str,
    after: Option<(f64, Uuid)>,
    limit: i64,
) -> ApiResult<Vec<Keyed>> {
    Ok(db::query_as(SEARCH_PROFILES)
        .bind(q)
        .bind(after.map(|(score, _)| score))
        .bind(after.map(|(_, id)| id))
        .bind(limit)
        .fetch_all(tx.conn())
        .await?)
}
