-- The guest summary a reservation shows (visits, no-shows, tags, dietary
-- restrictions) is kept on the reservation row, so the day's list reads it
-- with the row instead of looking up and assembling each profile: that
-- lookup cost the list about 40% of its throughput (docs/performance.md).
--
-- Two triggers keep the copy true:
--   * before a visit is written, its summary is taken from its profile;
--   * after a profile's summary fields change (its history, tags or
--     restrictions), every visit of it is refreshed.
-- Writers of a profile's visits take the profile's row lock (`no key
-- update`, as `app.refresh_guest_history` does) before the summary is read,
-- so two writers of one guest's visits go one after the other. The refresh
-- skips a visit another transaction has locked: that writer is waiting for
-- the profile and re-reads the summary once it has it, and waiting for it
-- instead would deadlock (each would hold a visit the other needs).

-- `json`, kept as the text the API sends (compact, in the order of
-- `GuestSummary`'s fields): the list passes it through without building,
-- parsing or printing it again.
alter table reservations add column guest_summary json;

create function app.guest_summary(g guest_profiles) returns json
    language sql stable
    as $$
    select format('{"visitCount":%s,"noShowCount":%s,"tags":%s,"dietaryRestrictions":%s}',
                  g.visit_count, g.no_show_count, to_json(g.tags), to_json(g.dietary_restrictions))::json
$$;

create function app.copy_guest_summary() returns trigger
    language plpgsql
    as $$
begin
    -- A write that sets the summary itself is `app.refresh_visit_summaries`,
    -- which had the profile at hand: no second lookup. (Nested: OLD is
    -- unassigned on insert, and plpgsql does not short-circuit `and`; `json`
    -- has no equality, its text does.)
    if tg_op = 'UPDATE' then
        if new.guest_summary::text is distinct from old.guest_summary::text then
            return new;
        end if;
    end if;
    if new.guest_profile_id is null then
        new.guest_summary := null;
    else
        select app.guest_summary(g) into new.guest_summary
        from guest_profiles g where g.id = new.guest_profile_id
        for no key update;
    end if;
    return new;
end
$$;
create trigger reservations_guest_summary
    before insert or update on reservations
    for each row execute function app.copy_guest_summary();

create function app.refresh_visit_summaries() returns trigger
    language plpgsql
    as $$
begin
    update reservations set guest_summary = app.guest_summary(new)
    where id in (
        select id from reservations where guest_profile_id = new.id
        for no key update skip locked
    );
    return null;
end
$$;
create trigger guest_profiles_visit_summaries
    after update on guest_profiles
    for each row
    when ((old.visit_count, old.no_show_count, old.tags, old.dietary_restrictions)
          is distinct from (new.visit_count, new.no_show_count, new.tags, new.dietary_restrictions))
    execute function app.refresh_visit_summaries();

-- Visits made before this migration.
update reservations r set guest_summary = app.guest_summary(g)
from guest_profiles g where g.id = r.guest_profile_id;
