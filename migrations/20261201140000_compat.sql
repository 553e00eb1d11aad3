-- The app as it grew (docs/ios-app.md).

-- The journal action that made each event (`reservation.create`), so a
-- translation of the log (/realtime) can tell a new visit from a changed
-- one; never part of an event's JSON. Null for announcements.
alter table events add column action text;
-- The top-level keys of the entity that the write changed (null for a
-- creation, a deletion or an announcement), so /realtime can tell a seating
-- from a change of notes.
alter table events add column changed text[];

-- A visit's special requests, which the app keeps beside its notes.
alter table reservations add column special_requests text
    constraint reservations_special_requests_length check (char_length(special_requests) <= 2000);
