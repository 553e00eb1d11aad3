//! Access tokens (JWT, HS256 pinned on verify) and refresh tokens (random,
//! stored only as SHA-256 hashes).

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::Secret;

const ISSUER: &str = "qtable";
const AUDIENCE: &str = "qtable-api";
/// Clock skew tolerated between instances.
const LEEWAY_SECS: u64 = 5;

/// What an access token says. `role` is informational: authorisation uses the
/// role read from the database in the same transaction as the request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: Uuid,
    pub rid: Uuid,
    pub sid: Uuid,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signing and verifying keys, built once from `SECRET_KEY`.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &Secret, access_ttl: Duration, refresh_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    pub fn issue(&self, user: Uuid, restaurant: Uuid, session: Uuid, role: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            rid: restaurant,
            sid: session,
            role: role.to_owned(),
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// Verifies signature (HS256 only), expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

/// A new refresh token for the client, and the hash we keep.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        let minute = Duration::from_secs(60);
        TokenKeys::new(&Secret::new("k".repeat(32)), minute, minute)
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let (user, restaurant, session) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let claims = keys()
            .verify(&keys().issue(user, restaurant, session, "owner"))
            .unwrap();
        assert_eq!(
            (claims.sub, claims.rid, claims.sid),
            (user, restaurant, session)
        );
    }

    #[test]
    fn tampered_other_key_and_unsigned_tokens_are_rejected() {
        let token = keys().issue(Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), "staff");
        let other = TokenKeys::new(&Secret::new("x".repeat(32)), Duration::ZERO, Duration::ZERO);
        assert!(other.verify(&token).is_none());
        let mut parts: Vec<&str> = token.split('.').collect();
        let tampered_sig = format!("{}x", parts[2]);
        parts[2] = &tampered_sig;
        assert!(keys().verify(&parts.join(".")).is_none());
        // alg=none: header {"alg":"none","typ":"JWT"}, same payload, no signature.
        let unsigned = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            token.split('.').nth(1).unwrap()
        );
        assert!(keys().verify(&unsigned).is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), hash_a);
    }
}
