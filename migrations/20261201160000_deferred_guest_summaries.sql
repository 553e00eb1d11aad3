-- A bulk writer that defers the guest history (qtable import, migration
-- 20261201150000) defers the visits' guest summaries with it: copying the
-- profile onto each visit as it is written, then rewriting every visit of a
-- profile when its history is recomputed, doubled the import's writes. The
-- writer sets the summaries itself, once per visit, after the history
-- (`import::queries::REFRESH_SUMMARIES`).

drop trigger reservations_guest_summary on reservations;
create trigger reservations_guest_summary
    before insert or update on reservations
    for each row when (not app.guest_history_deferred())
    execute function app.copy_guest_summary();

drop trigger guest_profiles_visit_summaries on guest_profiles;
create trigger guest_profiles_visit_summaries
    after update on guest_profiles
    for each row
    when (not app.guest_history_deferred()
          and (old.visit_count, old.no_show_count, old.tags, old.dietary_restrictions)
              is distinct from (new.visit_count, new.no_show_count, new.tags, new.dietary_restrictions))
    execute function app.refresh_visit_summaries();
