//! How many live sockets one session keeps open on this instance. A session
//! (one sign-in on one device) needs one or two; a client that reconnects in
//! a loop without closing, or a leaked token, could open thousands. Over the
//! cap, the session's oldest socket is closed (4009), so the newest, the one
//! a device just opened, always works.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::sync::oneshot;
use uuid::Uuid;

/// A session's sockets, oldest first: each one's id and the way to close it.
type Sockets = VecDeque<(u64, oneshot::Sender<()>)>;

pub struct Sessions {
    per_session: usize,
    next_id: AtomicU64,
    open: Mutex<HashMap<Uuid, Sockets>>,
}

/// A socket's place in its session; given back when dropped.
pub struct SessionPlace {
    sessions: Arc<Sessions>,
    session: Uuid,
    id: u64,
    /// Resolves when a newer socket of the session took this one's place.
    pub replaced: oneshot::Receiver<()>,
}

impl Sessions {
    pub fn new(per_session: usize) -> Arc<Self> {
        Arc::new(Self {
            per_session,
            next_id: AtomicU64::new(0),
            open: Mutex::default(),
        })
    }

    /// Registers a socket of `session`, telling the session's oldest to
    /// close when this one is one too many.
    pub fn join(self: &Arc<Self>, session: Uuid) -> SessionPlace {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (replace, replaced) = oneshot::channel();
        let mut open = self.open.lock().expect("sessions lock");
        let sockets = open.entry(session).or_default();
        sockets.push_back((id, replace));
        while sockets.len() > self.per_session {
            if let Some((_, oldest)) = sockets.pop_front() {
                let _ = oldest.send(());
            }
        }
        SessionPlace {
            sessions: self.clone(),
            session,
            id,
            replaced,
        }
    }
}

impl Drop for SessionPlace {
    fn drop(&mut self) {
        let mut open = self.sessions.open.lock().expect("sessions lock");
        if let Some(sockets) = open.get_mut(&self.session) {
            sockets.retain(|(id, _)| *id != self.id);
            if sockets.is_empty() {
                open.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_socket_of_a_session_over_its_cap_is_replaced() {
        let sessions = Sessions::new(2);
        let (one, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut first = sessions.join(one);
        let mut second = sessions.join(one);
        let mut elsewhere = sessions.join(other);

        let mut third = sessions.join(one);

        assert!(first.replaced.try_recv().is_ok());
        assert!(second.replaced.try_recv().is_err());
        assert!(third.replaced.try_recv().is_err());
        assert!(elsewhere.replaced.try_recv().is_err());
        drop((first, second, third, elsewhere));
        assert!(sessions.open.lock().unwrap().is_empty());
    }
}
