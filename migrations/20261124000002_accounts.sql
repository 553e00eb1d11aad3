-- Restaurants (the tenants), their staff, sign-in sessions and refresh tokens.
-- Every table here is isolated by row-level security, enabled and FORCED, so
-- that even the tables' owner sees only the tenant set for the transaction.

create type staff_role as enum ('owner', 'manager', 'staff');

create table restaurants (
    id uuid primary key,
    name text not null constraint restaurants_name_length check (char_length(name) between 1 and 200),
    slug text not null constraint restaurants_slug_key unique,
    timezone text not null default 'UTC',
    settings jsonb not null default '{}',
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table users (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    email text not null,
    password_hash text not null,
    first_name text not null default '',
    last_name text not null default '',
    role staff_role not null,
    active boolean not null default true,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
-- Emails are unique across the whole service, ignoring case.
create unique index users_email_key on users (lower(email));
create index users_restaurant_id_idx on users (restaurant_id);

-- A session is one sign-in on one device: the chain of refresh tokens it
-- rotates through, and the access tokens that name it (`sid`). Revoking it
-- ends all of them at once.
create table sessions (
    id uuid primary key default gen_random_uuid(),
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index sessions_restaurant_id_idx on sessions (restaurant_id);
create index sessions_user_id_idx on sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes. Each works once.
create table refresh_tokens (
    token_hash bytea primary key,
    restaurant_id uuid not null references restaurants (id) on delete cascade,
    session_id uuid not null references sessions (id) on delete cascade,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
create index refresh_tokens_restaurant_id_idx on refresh_tokens (restaurant_id);
create index refresh_tokens_session_id_idx on refresh_tokens (session_id);

alter table restaurants enable row level security;
alter table restaurants force row level security;
create policy tenant_isolation on restaurants
    using (id = (select app.current_restaurant()))
    with check (id = (select app.current_restaurant()));

do $$
declare
    tenant_table text;
begin
    foreach tenant_table in array array['users', 'sessions', 'refresh_tokens'] loop
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

grant select, insert, update, delete on restaurants, users, sessions, refresh_tokens to qtable_app;

-- Opens a request's tenant context in one round trip: switch to the role
-- without BYPASSRLS, set the tenant, and report the caller's current role,
-- or null when the session is revoked or the user is inactive or gone.
create function app.begin_request(tenant uuid, session uuid) returns staff_role
    language plpgsql
    as $$
begin
    perform set_config('role', 'qtable_app', true);
    perform set_config('app.restaurant_id', tenant::text, true);
    return (
        select u.role
        from sessions s
        join users u on u.id = s.user_id
        where s.id = session and s.revoked_at is null and u.active
    );
end
$$;

-- The only paths that look across tenants, before a tenant is known. Each is
-- a SECURITY DEFINER function owned by qtable_auth, which a policy lets read
-- exactly the columns these functions return; nothing else may execute them.
create schema auth_private;
revoke all on schema auth_private from public;
-- CREATE lets a non-superuser migrator hand the functions below to qtable_auth.
grant usage, create on schema auth_private to qtable_auth;

-- `current_user = 'qtable_auth'` holds only inside those functions: members
-- of the role (the login role) do not inherit this view of every tenant.
create policy auth_lookup on users for select to qtable_auth using (current_user = 'qtable_auth');
create policy auth_lookup on refresh_tokens for select to qtable_auth using (current_user = 'qtable_auth');
grant select (id, restaurant_id, email, password_hash, active) on users to qtable_auth;
grant select (token_hash, restaurant_id) on refresh_tokens to qtable_auth;

-- Sign-in: who holds this email (any case), in which restaurant.
create function auth_private.find_login(login_email text)
    returns table (user_id uuid, restaurant_id uuid, password_hash text, active boolean)
    language sql stable security definer
    set search_path = pg_catalog, public
    as $$
        select u.id, u.restaurant_id, u.password_hash, u.active
        from public.users u
        where lower(u.email) = lower(login_email)
    $$;

-- Refresh and logout: which restaurant a refresh token belongs to.
create function auth_private.refresh_token_tenant(hash bytea) returns uuid
    language sql stable security definer
    set search_path = pg_catalog, public
    as $$ select t.restaurant_id from public.refresh_tokens t where t.token_hash = hash $$;

alter function auth_private.find_login(text) owner to qtable_auth;
alter function auth_private.refresh_token_tenant(bytea) owner to qtable_auth;
revoke all on function auth_private.find_login(text), auth_private.refresh_token_tenant(bytea) from public;
