-- A bulk writer (qtable import) may defer the guest history trigger for its
-- own transaction: per visit it recomputes the visit's profile, which for
-- the thousands of visits of one restaurant costs far more than the writes.
-- The writer sets `app.defer_guest_history` to 'on' transaction-locally and
-- then calls app.refresh_guest_history for every profile it touched, before
-- it commits. The trigger function itself is unchanged; only when it runs.

create function app.guest_history_deferred() returns boolean
    language sql stable
    as $$ select coalesce(current_setting('app.defer_guest_history', true), '') = 'on' $$;

drop trigger reservations_guest_history on reservations;
create trigger reservations_guest_history
    after insert or update or delete on reservations
    for each row when (not app.guest_history_deferred())
    execute function app.reservation_changes_history();
