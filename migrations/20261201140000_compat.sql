-- The app as it grew (docs/ios-app.md).

-- The journal action that made each event (`reservation.create`), so a
-- translation of the log (/realtime) can tell a new visit from a changed
-- one; never part of an event's JSON. Null for announcements.
alter table events add column action text;

-- A visit's special requests, which the app keeps beside its notes.
alter table reservations add column special_requests text
    constraint reservations_special_requests_length check (char_length(special_requests) <= 2000);
