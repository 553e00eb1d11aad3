//! The reservation lifecycle as a pure state machine. Open statuses are
//! waitlist, confirmed, runningLate, arrived, partiallyArrived and seated;
//! finished, cancelled and noShow are final. Before seating, a party may move
//! freely between the open statuses and may be seated straight from any of
//! them (arrival is implied), as the iOS app does. A seated party can only be
//! finished, or cancelled as a correction; noShow only happens before seating.
//! Only owners and managers may reopen or correct a final status. Each legal
//! move says which side effects the caller must apply in the same transaction.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "camelCase")]
#[sqlx(type_name = "reservation_status", rename_all = "camelCase")]
pub enum ReservationStatus {
    Waitlist,
    Confirmed,
    RunningLate,
    Arrived,
    PartiallyArrived,
    Seated,
    Finished,
    Cancelled,
    NoShow,
}

use ReservationStatus::*;

impl ReservationStatus {
    pub const ALL: [ReservationStatus; 9] = [
        Waitlist,
        Confirmed,
        RunningLate,
        Arrived,
        PartiallyArrived,
        Seated,
        Finished,
        Cancelled,
        NoShow,
    ];

    /// The iOS app's raw value.
    pub fn as_str(self) -> &'static str {
        match self {
            Waitlist => "waitlist",
            Confirmed => "confirmed",
            RunningLate => "runningLate",
            Arrived => "arrived",
            PartiallyArrived => "partiallyArrived",
            Seated => "seated",
            Finished => "finished",
            Cancelled => "cancelled",
            NoShow => "noShow",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Finished | Cancelled | NoShow)
    }

    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// Open and not yet seated: the party is expected, queued or arriving.
    fn is_waiting(self) -> bool {
        self.is_open() && self != Seated
    }

    fn is_arrival(self) -> bool {
        matches!(self, Arrived | PartiallyArrived)
    }
}

/// Who asks: hosts (role `staff`) or owners and managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Host,
    Manager,
}

/// What a legal transition requires the caller to do in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effects {
    /// Set checkInTime if it is unset.
    pub set_check_in: bool,
    /// Take a table: it becomes occupied by this reservation; set seatedTime.
    pub seat: bool,
    /// Set finishedTime and free the table.
    pub finish: bool,
    /// Free any table held.
    pub release_table: bool,
    /// Leaving a final status: clear finishedTime.
    pub reopen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: ReservationStatus,
    pub to: ReservationStatus,
    pub reason: &'static str,
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot change a reservation from `{}` to `{}`: {}",
            self.from.as_str(),
            self.to.as_str(),
            self.reason
        )
    }
}

impl std::error::Error for IllegalTransition {}

/// Decides whether `from -> to` is allowed for `actor`, and with which effects.
pub fn transition(
    from: ReservationStatus,
    to: ReservationStatus,
    actor: Actor,
) -> Result<Effects, IllegalTransition> {
    let illegal = |reason| Err(IllegalTransition { from, to, reason });
    if from == to {
        return Ok(Effects::default());
    }
    if from.is_final() {
        return reopen(from, to, actor).map_or_else(illegal, Ok);
    }
    let arrival = to.is_arrival() || to == Seated;
    match (from, to) {
        (_, Finished) if from != Seated => illegal("only a seated party can be finished"),
        (Seated, Finished) => Ok(Effects {
            finish: true,
            ..Effects::default()
        }),
        (Seated, NoShow) => illegal("a party that was seated cannot be a no-show"),
        (_, Cancelled | NoShow) => Ok(Effects {
            release_table: true,
            ..Effects::default()
        }),
        (Seated, _) => illegal("a seated party can only be finished or cancelled"),
        (_, Seated) => Ok(Effects {
            set_check_in: true,
            seat: true,
            ..Effects::default()
        }),
        _ => Ok(Effects {
            set_check_in: arrival,
            ..Effects::default()
        }),
    }
}

/// Leaving a final status: owners and managers only.
fn reopen(
    from: ReservationStatus,
    to: ReservationStatus,
    actor: Actor,
) -> Result<Effects, &'static str> {
    if actor != Actor::Manager {
        return Err(
            "only an owner or manager can reopen a finished, cancelled or no-show reservation",
        );
    }
    match to {
        Finished => Err("only a seated party can be finished"),
        Cancelled | NoShow => Ok(Effects {
            release_table: true,
            ..Effects::default()
        }),
        Seated => Ok(Effects {
            reopen: true,
            set_check_in: true,
            seat: true,
            ..Effects::default()
        }),
        _ => {
            debug_assert!(to.is_waiting() && from.is_final());
            Ok(Effects {
                reopen: true,
                set_check_in: to.is_arrival(),
                ..Effects::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent statement of the rules: (legal for a host, legal for a manager).
    fn expected(from: ReservationStatus, to: ReservationStatus) -> (bool, bool) {
        let waiting = |s: ReservationStatus| {
            matches!(
                s,
                Waitlist | Confirmed | RunningLate | Arrived | PartiallyArrived
            )
        };
        let final_ = |s: ReservationStatus| matches!(s, Finished | Cancelled | NoShow);
        let legal_open = from == to
            || (waiting(from) && (waiting(to) || matches!(to, Seated | Cancelled | NoShow)))
            || (from == Seated && matches!(to, Finished | Cancelled));
        if final_(from) && from != to {
            return (false, to != Finished);
        }
        (legal_open, legal_open)
    }

    #[test]
    fn every_pair_of_statuses_for_both_actors_matches_the_rules() {
        for from in ReservationStatus::ALL {
            for to in ReservationStatus::ALL {
                let (host, manager) = expected(from, to);
                assert_eq!(
                    transition(from, to, Actor::Host).is_ok(),
                    host,
                    "host {from:?} -> {to:?}"
                );
                assert_eq!(
                    transition(from, to, Actor::Manager).is_ok(),
                    manager,
                    "manager {from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn seating_from_the_waitlist_implies_arrival() {
        let effects = transition(Waitlist, Seated, Actor::Host).unwrap();
        assert_eq!(
            effects,
            Effects {
                set_check_in: true,
                seat: true,
                ..Effects::default()
            }
        );
    }

    #[test]
    fn arriving_sets_check_in_and_going_back_has_no_effects() {
        assert!(
            transition(Confirmed, PartiallyArrived, Actor::Host)
                .unwrap()
                .set_check_in
        );
        assert_eq!(
            transition(Arrived, Confirmed, Actor::Host).unwrap(),
            Effects::default()
        );
    }

    #[test]
    fn finishing_and_cancelling_a_seated_party_free_the_table() {
        assert_eq!(
            transition(Seated, Finished, Actor::Host).unwrap(),
            Effects {
                finish: true,
                ..Effects::default()
            }
        );
        assert!(
            transition(Seated, Cancelled, Actor::Host)
                .unwrap()
                .release_table
        );
        assert!(
            transition(Confirmed, NoShow, Actor::Host)
                .unwrap()
                .release_table
        );
    }

    #[test]
    fn a_seated_party_cannot_be_a_no_show_or_unseated() {
        assert!(transition(Seated, NoShow, Actor::Manager).is_err());
        assert!(transition(Seated, Arrived, Actor::Manager).is_err());
    }

    #[test]
    fn only_managers_reopen_and_reopening_clears_the_finish() {
        assert!(transition(Cancelled, Confirmed, Actor::Host).is_err());
        let effects = transition(Cancelled, Confirmed, Actor::Manager).unwrap();
        assert_eq!(
            effects,
            Effects {
                reopen: true,
                ..Effects::default()
            }
        );
        assert!(transition(Finished, Seated, Actor::Manager).unwrap().seat);
        assert!(transition(NoShow, Finished, Actor::Manager).is_err());
    }

    #[test]
    fn the_error_names_both_statuses_in_their_wire_spelling() {
        let message = transition(Seated, NoShow, Actor::Host)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("`seated`") && message.contains("`noShow`"),
            "{message}"
        );
    }
}
