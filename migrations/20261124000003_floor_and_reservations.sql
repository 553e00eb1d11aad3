-- The floor plan, the book of reservations and walk-ins, the activity log,
-- the per-restaurant event log behind live updates, and idempotent retries.
-- Enum labels are the iOS app's own raw values.

create type table_status as enum ('available', 'occupied', 'reserved', 'outOfService');
create type table_shape as enum ('round', 'square', 'rectangle', 'oval');
create type reservation_status as enum (
    'waitlist', 'confirmed', 'arrived', 'partiallyArrived', 'seated',
    'finished', 'cancelled', 'noShow', 'runningLate'
);

create table dining_tables (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    table_number text not null,
    capacity integer not null constraint dining_tables_capacity_range check (capacity between 1 and 99),
    status table_status not null default 'available',
    position_x double precision not null default 0
        constraint dining_tables_position_x_range check (position_x between 0 and 1),
    position_y double precision not null default 0
        constraint dining_tables_position_y_range check (position_y between 0 and 1),
    shape table_shape not null default 'square',
    section text,
    -- The reservation seated here. A party sits at one table at a time.
    current_guest_id uuid constraint dining_tables_current_guest_key unique,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint dining_tables_restaurant_id_table_number_key unique (restaurant_id, table_number),
    constraint dining_tables_guest_means_occupied check (current_guest_id is null or status = 'occupied')
);
create index dining_tables_restaurant_id_idx on dining_tables (restaurant_id);

create table reservations (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    guest_name text not null constraint reservations_guest_name_length check (char_length(guest_name) between 1 and 200),
    party_size integer not null constraint reservations_party_size_range check (party_size between 1 and 99),
    status reservation_status not null,
    -- Null for a walk-in.
    reservation_time timestamptz,
    check_in_time timestamptz,
    seated_time timestamptz,
    finished_time timestamptz,
    assigned_table_id uuid references dining_tables (id) on delete set null,
    contact_info text,
    notes text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint reservations_seated_has_table check (status <> 'seated' or assigned_table_id is not null)
);
create index reservations_restaurant_id_idx on reservations (restaurant_id);
-- The list's order and its date and time-range filters.
create index reservations_restaurant_when_idx
    on reservations (restaurant_id, (coalesce(reservation_time, created_at)), id);
-- No double seating, whatever the code does: one seated party per table.
create unique index reservations_one_seated_per_table
    on reservations (assigned_table_id) where status = 'seated';

alter table dining_tables
    add constraint dining_tables_current_guest_fkey
    foreign key (current_guest_id) references reservations (id) on delete set null;

-- Who did what, with the entity before and after, for owners and managers.
create table activity (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    -- The clock, not the transaction start: entries of one transaction keep their order.
    at timestamptz not null default clock_timestamp(),
    user_id uuid,
    action text not null,
    entity_type text not null,
    entity_id uuid,
    before jsonb,
    after jsonb
);
create index activity_restaurant_at_idx on activity (restaurant_id, at desc, id desc);

-- Each restaurant's last event number. Incrementing it locks the row until
-- commit, so events commit in `seq` order with no gaps.
create table event_counters (
    restaurant_id uuid primary key references restaurants (id) on delete cascade,
    last_seq bigint not null default 0
);

-- The per-restaurant event log: the source of truth for live updates and replay.
create table events (
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    seq bigint not null,
    type text not null,
    entity_id uuid,
    data jsonb not null,
    created_at timestamptz not null default now(),
    primary key (restaurant_id, seq)
);
create index events_created_at_idx on events (created_at);

-- A POST repeated with the same Idempotency-Key within 24 hours gets the first answer.
create table idempotency_keys (
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    key text not null,
    request_hash bytea not null,
    status integer,
    etag text,
    body jsonb,
    created_at timestamptz not null default now(),
    primary key (restaurant_id, key)
);

do $$
declare
    tenant_table text;
begin
    foreach tenant_table in array array['dining_tables', 'reservations', 'activity', 'event_counters', 'events', 'idempotency_keys'] loop
        execute format('alter table %I enable row level security', tenant_table);
        execute format('alter table %I force row level security', tenant_table);
        execute format(
            'create policy tenant_isolation on %I
                 using (restaurant_id = (select app.current_restaurant()))
                 with check (restaurant_id = (select app.current_restaurant()))',
            tenant_table);
    end loop;
end
$$;

grant select, insert, update, delete
    on dining_tables, reservations, activity, event_counters, events, idempotency_keys
    to qtable_app;
