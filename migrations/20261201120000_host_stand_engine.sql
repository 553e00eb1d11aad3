-- The host-stand engine (issue 17): turn times, table combinations, server
-- sections, quoted waits, and seatings, which let one party sit at several
-- tables while the database still refuses two parties at one table.

create table turn_times (
    restaurant_id uuid primary key references restaurants (id) on delete cascade,
    default_minutes integer not null
        constraint turn_times_default_range check (default_minutes between 15 and 600),
    -- [{"maxPartySize": 2, "minutes": 75}, ...], ascending; validated by the service.
    by_party_size jsonb not null default '[]',
    version integer not null default 1,
    updated_at timestamptz not null default now()
);

create table table_combinations (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    name text not null constraint table_combinations_name_length check (char_length(name) between 1 and 100),
    -- Member tables in the natural order of their numbers: the first is the
    -- party's `assignedTableId`.
    table_ids uuid[] not null
        constraint table_combinations_members check (cardinality(table_ids) between 2 and 8),
    min_capacity integer not null,
    max_capacity integer not null,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint table_combinations_restaurant_id_name_key unique (restaurant_id, name),
    constraint table_combinations_capacity_range
        check (min_capacity between 1 and max_capacity and max_capacity <= 99)
);
create index table_combinations_restaurant_id_idx on table_combinations (restaurant_id);

alter table reservations
    add column assigned_combination_id uuid references table_combinations (id) on delete set null,
    add column quoted_wait_minutes integer
        constraint reservations_quoted_wait_range check (quoted_wait_minutes >= 0),
    add column quoted_at timestamptz;

-- One row per table a party sits at, kept after it leaves (the day report's
-- occupancy). No double seating, whatever the code does: one open seating
-- per table. A party may hold several (a combination).
create table seatings (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    reservation_id uuid not null references reservations (id) on delete cascade,
    table_id uuid not null references dining_tables (id) on delete cascade,
    seated_at timestamptz not null default now(),
    released_at timestamptz,
    constraint seatings_released_after_seated check (released_at is null or released_at >= seated_at)
);
create unique index seatings_one_party_per_table on seatings (table_id) where released_at is null;
create index seatings_open_reservation_idx on seatings (reservation_id) where released_at is null;
create index seatings_restaurant_seated_idx on seatings (restaurant_id, seated_at);

-- The parties seated now become open seatings. Row-level security is
-- forced even on the tables' owner, so it is lifted for the copy only.
alter table dining_tables no force row level security;
alter table reservations no force row level security;
insert into seatings (restaurant_id, reservation_id, table_id, seated_at)
select t.restaurant_id, t.current_guest_id, t.id, coalesce(r.seated_time, now())
from dining_tables t
join reservations r on r.id = t.current_guest_id;
alter table dining_tables force row level security;
alter table reservations force row level security;

-- `current_guest_id` stays the wire's `currentGuestId`; seatings now guard it.
alter table dining_tables drop constraint dining_tables_current_guest_key;
create index dining_tables_current_guest_idx on dining_tables (current_guest_id)
    where current_guest_id is not null;

-- Who serves which section on a given (local) day.
create table server_assignments (
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    day date not null,
    section text not null
        constraint server_assignments_section_length check (char_length(section) between 1 and 100),
    user_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (restaurant_id, day, section)
);

select app.isolate_tenant_table('turn_times');
select app.isolate_tenant_table('table_combinations');
select app.isolate_tenant_table('seatings');
select app.isolate_tenant_table('server_assignments');

grant select, insert, update, delete
    on turn_times, table_combinations, seatings, server_assignments
    to qtable_app;
