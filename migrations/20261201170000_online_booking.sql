-- Online booking (issue 18): service periods (shifts), closed days, holds
-- between a search and its confirmation, and the table-time blocks that
-- make selling one table twice impossible whatever the code does.

create extension if not exists btree_gist;

create table shifts (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    name text not null constraint shifts_name_length check (char_length(name) between 1 and 100),
    -- ISO days: 1 is Monday, 7 is Sunday.
    days_of_week integer[] not null constraint shifts_days_of_week_range
        check (cardinality(days_of_week) between 1 and 7 and days_of_week <@ array[1, 2, 3, 4, 5, 6, 7]),
    -- Local times in the restaurant's time zone.
    start_time time not null,
    last_seating_time time not null,
    end_time time not null,
    slot_minutes integer not null constraint shifts_slot_minutes_range check (slot_minutes between 5 and 120),
    covers_per_slot integer not null constraint shifts_covers_range check (covers_per_slot between 0 and 10000),
    online_covers_per_slot integer not null
        constraint shifts_online_covers_range check (online_covers_per_slot between 0 and covers_per_slot),
    min_notice_minutes integer not null
        constraint shifts_min_notice_range check (min_notice_minutes between 0 and 43200),
    max_advance_days integer not null constraint shifts_max_advance_range check (max_advance_days between 0 and 730),
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint shifts_restaurant_id_name_key unique (restaurant_id, name),
    constraint shifts_last_seating_in_shift check (last_seating_time >= start_time)
);
create index shifts_restaurant_id_idx on shifts (restaurant_id);

-- Days the restaurant takes no bookings (local dates).
create table closures (
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    day date not null,
    reason text not null default '' constraint closures_reason_length check (char_length(reason) <= 200),
    created_at timestamptz not null default now(),
    primary key (restaurant_id, day)
);

-- Which reservations a guest made online: online covers have their own cap.
alter table reservations add column booked_online boolean not null default false;

-- A place kept for a few minutes between a guest's search and confirmation.
create table holds (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    party_size integer not null constraint holds_party_size_range check (party_size between 1 and 99),
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    expires_at timestamptz not null,
    table_ids uuid[] not null constraint holds_tables check (cardinality(table_ids) between 1 and 8),
    combination_id uuid references table_combinations (id) on delete set null,
    -- Set when the guest confirmed: the hold has become this reservation.
    reservation_id uuid references reservations (id) on delete set null,
    created_at timestamptz not null default now(),
    constraint holds_turn check (ends_at > starts_at)
);
create index holds_restaurant_starts_idx on holds (restaurant_id, starts_at);

-- The secret a guest manages an online booking with, stored only as its SHA-256.
create table manage_tokens (
    reservation_id uuid primary key references reservations (id) on delete cascade,
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    token_hash bytea not null,
    created_at timestamptz not null default now()
);

-- One row per table a booking keeps for a turn. `during` is the table's
-- time taken; `live` is while the block counts: a hold's until it expires, a
-- reservation's from its booking on. Two blocks of one table may not share
-- both, so an expired hold stops counting at its expiry with no sweep, and a
-- table is never sold twice for one time, by any path.
create table table_blocks (
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    table_id uuid not null references dining_tables (id) on delete cascade,
    during tstzrange not null,
    live tstzrange not null,
    reservation_id uuid references reservations (id) on delete cascade,
    hold_id uuid references holds (id) on delete cascade,
    constraint table_blocks_one_owner check (num_nonnulls(reservation_id, hold_id) = 1),
    constraint table_blocks_no_overlap exclude using gist (table_id with =, during with &&, live with &&)
);
create index table_blocks_reservation_idx on table_blocks (reservation_id) where reservation_id is not null;
create index table_blocks_hold_idx on table_blocks (hold_id) where hold_id is not null;
create index table_blocks_restaurant_during_idx on table_blocks using gist (restaurant_id, during);

-- How long a party of this size keeps its table (the restaurant's turn
-- times, else 90 minutes), as `floor::turn_times` reads them.
create function app.turn_minutes(restaurant uuid, party integer) returns integer
    language sql stable
    as $$
        select coalesce(
            (select (band ->> 'minutes')::integer
             from turn_times t, jsonb_array_elements(t.by_party_size) band
             where t.restaurant_id = restaurant and party <= (band ->> 'maxPartySize')::integer
             order by (band ->> 'maxPartySize')::integer
             limit 1),
            (select default_minutes from turn_times t where t.restaurant_id = restaurant),
            90)
    $$;

-- Open, and not yet at a table.
create function app.blocks_tables(status reservation_status) returns boolean
    language sql immutable
    as $$ select status in ('waitlist', 'confirmed', 'runningLate', 'arrived', 'partiallyArrived') $$;

-- Serialises, until commit, the writes that consume the capacity of the
-- restaurant's (local) day of `at`, and returns that day; null, with no
-- lock, for a restaurant without shifts, whose book takes what it is given.
create function app.lock_booking_day(at timestamptz) returns date
    language plpgsql
    as $$
declare
    booking_day date;
begin
    if not exists (select 1 from shifts) then
        return null;
    end if;
    select (at at time zone timezone)::date into booking_day from restaurants;
    perform pg_advisory_xact_lock(hashtextextended(app.current_restaurant()::text || '/' || booking_day::text, 0));
    return booking_day;
end
$$;

-- A booked reservation (with a time and a table, not yet at a table) blocks
-- its tables for its turn. Seated parties are the floor's (seatings guard
-- them), so seating a party is never refused for the book's sake.
create function app.reservation_blocks() returns trigger
    language plpgsql
    as $$
begin
    if tg_op = 'UPDATE' then
        -- Arriving, or a change of notes, keeps the blocks as they are.
        if app.blocks_tables(new.status) = app.blocks_tables(old.status)
           and new.reservation_time is not distinct from old.reservation_time
           and new.assigned_table_id is not distinct from old.assigned_table_id
           and new.assigned_combination_id is not distinct from old.assigned_combination_id
           and new.party_size = old.party_size then
            return null;
        end if;
        delete from table_blocks where reservation_id = new.id;
    end if;
    if new.reservation_time is not null and new.assigned_table_id is not null
       and app.blocks_tables(new.status) then
        insert into table_blocks (restaurant_id, table_id, during, live, reservation_id)
        select new.restaurant_id, member,
               tstzrange(new.reservation_time,
                         new.reservation_time + make_interval(mins => app.turn_minutes(new.restaurant_id, new.party_size))),
               tstzrange(now(), null),
               new.id
        from unnest(coalesce(
            (select c.table_ids from table_combinations c where c.id = new.assigned_combination_id),
            array[new.assigned_table_id])) as member;
    end if;
    return null;
end
$$;

create trigger reservations_table_blocks
    after insert or update on reservations
    for each row execute function app.reservation_blocks();

-- Blocks for the reservations already booked.
alter table reservations no force row level security;
alter table table_combinations no force row level security;
alter table turn_times no force row level security;
insert into table_blocks (restaurant_id, table_id, during, live, reservation_id)
select r.restaurant_id, member,
       tstzrange(r.reservation_time,
                 r.reservation_time + make_interval(mins => app.turn_minutes(r.restaurant_id, r.party_size))),
       tstzrange(now(), null),
       r.id
from reservations r,
     unnest(coalesce(
         (select c.table_ids from table_combinations c where c.id = r.assigned_combination_id),
         array[r.assigned_table_id])) as member
where r.reservation_time is not null and r.assigned_table_id is not null
  and app.blocks_tables(r.status)
  and r.reservation_time > now() - interval '1 day'
on conflict do nothing;
alter table reservations force row level security;
alter table table_combinations force row level security;
alter table turn_times force row level security;

select app.isolate_tenant_table('shifts');
select app.isolate_tenant_table('closures');
select app.isolate_tenant_table('holds');
select app.isolate_tenant_table('manage_tokens');
select app.isolate_tenant_table('table_blocks');

grant select, insert, update, delete on shifts, closures, holds, manage_tokens, table_blocks to qtable_app;

-- The public booking surface's two lookups before a tenant is known, made
-- like sign-in's: security-definer functions owned by qtable_auth, which a
-- policy lets read exactly the columns they return.
create policy auth_lookup on restaurants for select to qtable_auth using (current_user = 'qtable_auth');
create policy auth_lookup on manage_tokens for select to qtable_auth using (current_user = 'qtable_auth');
grant select (id, slug) on restaurants to qtable_auth;
grant select (reservation_id, restaurant_id, token_hash) on manage_tokens to qtable_auth;

-- The restaurant a booking page names by its slug.
create function auth_private.restaurant_by_slug(wanted text) returns uuid
    language sql stable security definer
    set search_path = pg_catalog, public
    as $$ select r.id from public.restaurants r where r.slug = wanted $$;

-- The restaurant of an online booking, when the manage token's hash is its own.
create function auth_private.managed_booking(reservation uuid, hash bytea) returns uuid
    language sql stable security definer
    set search_path = pg_catalog, public
    as $$
        select t.restaurant_id from public.manage_tokens t
        where t.reservation_id = reservation and t.token_hash = hash
    $$;

alter function auth_private.restaurant_by_slug(text) owner to qtable_auth;
alter function auth_private.managed_booking(uuid, bytea) owner to qtable_auth;
revoke all on function auth_private.restaurant_by_slug(text), auth_private.managed_booking(uuid, bytea) from public;
