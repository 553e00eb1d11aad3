//! Password hashing: argon2id with OWASP's recommended parameters (19 MiB,
//! 2 passes, 1 lane: the crate's defaults), off the async runtime on a few
//! dedicated threads. bcrypt hashes imported from the Python service still
//! verify, and are replaced by argon2id on the next successful sign-in.

use std::{
    panic::AssertUnwindSafe,
    sync::{LazyLock, Mutex, mpsc},
};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::{ApiError, FieldError};

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Verified when the email is unknown, so both failures take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_now("not a real password"));

static HASHERS: LazyLock<Hashers> = LazyLock::new(Hashers::start);

type Job = Box<dyn FnOnce() + Send>;

/// A hash costs ~20 ms of CPU and 19 MiB. Hashes run one at a time per
/// dedicated thread, with one core fewer than the machine has (at least
/// one): a burst of sign-ins queues here instead of taking every core from
/// the floor plan, and the memory they hold stays bounded at one hash per
/// thread (each thread's allocator arena keeps its last buffer).
struct Hashers {
    jobs: mpsc::Sender<Job>,
}

impl Hashers {
    fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(Mutex::new(queue));
        let threads = std::thread::available_parallelism()
            .map_or(1, |cores| cores.get().saturating_sub(1).max(1));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        // The guard is dropped at the end of this statement,
                        // so other threads take jobs while this one hashes.
                        let Ok(job) = queue.lock().expect("password queue").recv() else {
                            return;
                        };
                        // A panicking job fails only its own request.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    }
                })
                .expect("spawning a password thread");
        }
        Self { jobs }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(work());
            }))
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("password threads are gone")))?;
        result.await.map_err(|e| ApiError::Internal(e.into()))
    }
}

/// A password the service accepts: 8 characters to 1024 bytes.
pub fn validate(field: &str, password: &str) -> Result<(), ApiError> {
    let message = if password.chars().count() < MIN_PASSWORD_CHARS {
        format!("must be at least {MIN_PASSWORD_CHARS} characters")
    } else if password.len() > MAX_PASSWORD_BYTES {
        format!("must be at most {MAX_PASSWORD_BYTES} bytes")
    } else {
        return Ok(());
    };
    Err(ApiError::validation(FieldError::body(
        field,
        message,
        "string_length",
    )))
}

fn hash_now(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

fn verify_now(password: &str, stored: &str) -> bool {
    if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
        return bcrypt::verify(password, stored).unwrap_or(false);
    }
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Hashes off the async runtime.
pub async fn hash(password: String) -> Result<String, ApiError> {
    HASHERS.run(move || hash_now(&password)).await
}

/// Verifies against `stored`, or against a dummy hash when there is none.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    HASHERS
        .run(move || match stored {
            Some(stored) => verify_now(&password, &stored),
            None => {
                verify_now(&password, &DUMMY_HASH);
                false
            }
        })
        .await
}

/// Hashes not in today's format (bcrypt, or older argon2 parameters) are replaced on sign-in.
pub fn needs_rehash(stored: &str) -> bool {
    let current = format!(
        "$argon2id$v=19$m={},t={},p={}$",
        argon2::Params::DEFAULT_M_COST,
        argon2::Params::DEFAULT_T_COST,
        argon2::Params::DEFAULT_P_COST
    );
    !stored.starts_with(&current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_are_current() {
        let stored = hash_now("correct horse");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_now("correct horse", &stored));
        assert!(!verify_now("wrong horse", &stored));
        assert!(!needs_rehash(&stored));
    }

    #[test]
    fn bcrypt_hashes_from_the_python_service_verify_and_need_rehash() {
        let stored = bcrypt::hash("password123", 4).unwrap();
        assert!(verify_now("password123", &stored));
        assert!(!verify_now("password124", &stored));
        assert!(needs_rehash(&stored));
    }

    #[test]
    fn length_limits() {
        assert!(validate("password", "1234567").is_err());
        assert!(validate("password", "12345678").is_ok());
        assert!(validate("password", &"x".repeat(1025)).is_err());
    }
}
