-- Events are kept for EVENT_RETENTION_DAYS. Purging spans every tenant, so it
-- is one more narrow SECURITY DEFINER path owned by qtable_auth, which may
-- read and delete events for this purpose only.
-- Only inside the function itself, not for members of the role (see auth_lookup).
create policy retention_purge on events for all to qtable_auth using (current_user = 'qtable_auth');
grant select, delete on events to qtable_auth;

create function auth_private.purge_events(older_than interval) returns bigint
    language sql security definer
    set search_path = pg_catalog, public
    as $$
        with purged as (delete from public.events where created_at < now() - older_than returning 1)
        select count(*) from purged
    $$;
alter function auth_private.purge_events(interval) owner to qtable_auth;
revoke all on function auth_private.purge_events(interval) from public;
