-- The guest book: one profile per person a restaurant knows, linked from
-- their reservations and walk-ins (their visits), with the history those
-- visits make kept on the profile by a trigger, so every path that changes a
-- visit (the API, a merge, an import) keeps the counts true.

create extension if not exists pg_trgm;

-- The region a phone number without a country code is read in (ISO 3166-1).
alter table restaurants
    add column default_region text not null default 'US'
        constraint restaurants_default_region_format check (default_region ~ '^[A-Z]{2}$');

create table guest_profiles (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    first_name text not null default ''
        constraint guest_profiles_first_name_length check (char_length(first_name) <= 100),
    last_name text not null default ''
        constraint guest_profiles_last_name_length check (char_length(last_name) <= 100),
    -- E.164 when the number could be placed in a region, else as typed.
    phone text,
    -- Lowercased.
    email text,
    notes text,
    dietary_restrictions text[] not null default '{}',
    tags text[] not null default '{}',
    -- Visits made before the profile's history was kept here (an import).
    prior_visit_count integer not null default 0,
    -- The history, derived from the visits by `app.refresh_guest_history`.
    visit_count integer not null default 0,
    cover_count integer not null default 0,
    no_show_count integer not null default 0,
    cancellation_count integer not null default 0,
    first_visit_at timestamptz,
    last_visit_at timestamptz,
    -- Set when the person's data was erased on request; the row stays so the
    -- visits it grouped keep their history, with no name or contact left.
    erased_at timestamptz,
    -- What search matches (names, email, the phone's digits) and the book's order.
    search_text text generated always as (lower(
        first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' '
        || coalesce(regexp_replace(phone, '[^0-9]', '', 'g'), '')
    )) stored,
    sort_name text generated always as (lower(last_name || ' ' || first_name)) stored,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint guest_profiles_restaurant_id_id_key unique (restaurant_id, id)
);
-- Phone and email identify one person per restaurant, erased profiles aside.
create unique index guest_profiles_phone_key
    on guest_profiles (restaurant_id, phone) where erased_at is null and phone is not null;
create unique index guest_profiles_email_key
    on guest_profiles (restaurant_id, email) where erased_at is null and email is not null;
create index guest_profiles_book_order_idx
    on guest_profiles (restaurant_id, sort_name, id) where erased_at is null;

-- Search's trigrams, one row each. Under row-level security PostgreSQL uses
-- a condition in an index scan only when its operator is leakproof, and
-- pg_trgm's similarity operators are not: a trigram index on guest_profiles
-- would never be used, and every search would read all of a restaurant's
-- profiles. Text equality is leakproof, so `term = any(...)` here is an
-- index-only range scan per trigram: its cost follows how many profiles
-- share the query's trigrams, not how many the restaurant has.
create table guest_profile_terms (
    restaurant_id uuid not null,
    term text not null,
    profile_id uuid not null,
    primary key (restaurant_id, term, profile_id),
    constraint guest_profile_terms_profile_fkey foreign key (restaurant_id, profile_id)
        references guest_profiles (restaurant_id, id) on delete cascade
);
-- A profile's own terms, for reindexing it and for the cascade.
create index guest_profile_terms_profile_idx on guest_profile_terms (restaurant_id, profile_id);

-- The trigrams a search for `q` looks up. Every word has one "  x" trigram
-- (its first letter), shared with a large part of the book; beyond a
-- one-letter query they add cost and no precision, so they are left out.
create function app.search_grams(q text) returns text[]
    language sql immutable
    as $$
    select array(
        select gram from unnest(show_trgm(q)) as gram
        where char_length(trim(q)) < 2 or gram not like '  _'
    )
$$;

create function app.index_guest_profile() returns trigger
    language plpgsql
    as $$
begin
    if tg_op = 'UPDATE' then
        delete from guest_profile_terms where restaurant_id = new.restaurant_id and profile_id = new.id;
    end if;
    if new.erased_at is null then
        insert into guest_profile_terms (restaurant_id, term, profile_id)
        select new.restaurant_id, term, new.id from unnest(show_trgm(new.search_text)) as term;
    end if;
    return null;
end
$$;
create trigger guest_profiles_index
    after insert or update of first_name, last_name, email, phone, erased_at on guest_profiles
    for each row execute function app.index_guest_profile();

-- A visit's profile, in the same restaurant (the key includes it, so no
-- reservation can point at another tenant's profile, whatever the code does).
alter table reservations
    add column guest_profile_id uuid,
    add constraint reservations_guest_profile_fkey foreign key (restaurant_id, guest_profile_id)
        references guest_profiles (restaurant_id, id);
create index reservations_guest_profile_idx
    on reservations (guest_profile_id, booked_at desc, id) where guest_profile_id is not null;

-- Recomputes a profile's history from its visits. The profile row is locked
-- first, so concurrent changes to two visits of one guest are counted in
-- turn; the statement after the lock sees every visit committed before it.
-- `no key update`, because each new visit's foreign key check already holds
-- `key share` on the row: two visits upgrading that to `update` would
-- deadlock, while `no key update` does not conflict with it.
create function app.refresh_guest_history(profile uuid) returns void
    language plpgsql
    as $$
begin
    perform 1 from guest_profiles where id = profile for no key update;
    update guest_profiles g set
        visit_count = g.prior_visit_count + h.visits,
        cover_count = h.covers,
        no_show_count = h.no_shows,
        cancellation_count = h.cancellations,
        first_visit_at = h.first_visit,
        last_visit_at = h.last_visit
    from (
        select count(*) filter (where status = 'finished') as visits,
               coalesce(sum(party_size) filter (where status = 'finished'), 0) as covers,
               count(*) filter (where status = 'noShow') as no_shows,
               count(*) filter (where status = 'cancelled') as cancellations,
               min(coalesce(seated_time, booked_at)) filter (where status = 'finished') as first_visit,
               max(coalesce(seated_time, booked_at)) filter (where status = 'finished') as last_visit
        from reservations where guest_profile_id = profile
    ) h
    where g.id = profile;
end
$$;

-- A visit that is added, removed, moved to another profile or changes what
-- the history counts refreshes the profiles concerned.
create function app.reservation_changes_history() returns trigger
    language plpgsql
    as $$
begin
    if tg_op = 'UPDATE' and (old.guest_profile_id, old.status, old.party_size, old.seated_time, old.booked_at)
        is not distinct from (new.guest_profile_id, new.status, new.party_size, new.seated_time, new.booked_at) then
        return null;
    end if;
    if tg_op <> 'INSERT' and old.guest_profile_id is not null then
        perform app.refresh_guest_history(old.guest_profile_id);
    end if;
    if tg_op <> 'DELETE' and new.guest_profile_id is not null
        and (tg_op = 'INSERT' or new.guest_profile_id is distinct from old.guest_profile_id) then
        perform app.refresh_guest_history(new.guest_profile_id);
    end if;
    return null;
end
$$;
create trigger reservations_guest_history
    after insert or update or delete on reservations
    for each row execute function app.reservation_changes_history();

-- Erasure finds the copies of a person's visits by entity.
create index events_entity_idx on events (restaurant_id, entity_id);
create index activity_entity_idx on activity (restaurant_id, entity_id);

-- Erasure also reaches the copies of a visit that the event log, the
-- activity journal and remembered idempotent answers hold: this is the
-- reservation JSON with the person taken out (counts and times stay).
create function app.erased_visit(visit jsonb) returns jsonb
    language sql immutable
    as $$
    select case
        when jsonb_typeof(visit) <> 'object' or not visit ? 'guestName' then visit
        else visit || jsonb_build_object('guestName', 'Erased guest', 'contactInfo', null, 'notes', null)
            || case when jsonb_typeof(visit -> 'guest') = 'object'
                    then jsonb_build_object('guest', (visit -> 'guest')
                        || jsonb_build_object('tags', '[]'::jsonb, 'dietaryRestrictions', '[]'::jsonb))
                    else '{}'::jsonb end
    end
$$;

-- Every tenant table's isolation, in one place for this and later
-- migrations: forced row-level security and the one policy, on
-- `restaurant_id`, that every tenant table has.
create function app.isolate_tenant_table(tenant_table regclass) returns void
    language plpgsql
    as $$
begin
    execute format('alter table %s enable row level security', tenant_table);
    execute format('alter table %s force row level security', tenant_table);
    execute format(
        'create policy tenant_isolation on %s
             using (restaurant_id = (select app.current_restaurant()))
             with check (restaurant_id = (select app.current_restaurant()))',
        tenant_table);
end
$$;
revoke execute on function app.isolate_tenant_table(regclass) from public;

select app.isolate_tenant_table('guest_profiles');
select app.isolate_tenant_table('guest_profile_terms');

grant select, insert, update, delete on guest_profiles, guest_profile_terms to qtable_app;
