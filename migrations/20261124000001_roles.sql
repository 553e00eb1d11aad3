-- The roles the service switches to inside its transactions. Neither can log
-- in and neither bypasses row-level security, so isolation holds even when
-- DATABASE_URL's user is a superuser or owns the tables.
--   qtable_app:  every tenant request (`set local role qtable_app`).
--   qtable_auth: owns the few security-definer functions that must look
--                across tenants (login by email, register, refresh).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'qtable_app') then
        create role qtable_app nologin nobypassrls;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'qtable_auth') then
        create role qtable_auth nologin nobypassrls;
    end if;
end
$$;

-- The login role must be a member to switch to them (as PostgREST's
-- authenticator). Granted here unless an administrator already did.
do $$
begin
    if not pg_has_role(current_user, 'qtable_app', 'member') then
        execute format('grant qtable_app to %I', current_user);
    end if;
    if not pg_has_role(current_user, 'qtable_auth', 'member') then
        execute format('grant qtable_auth to %I', current_user);
    end if;
end
$$;

create schema if not exists app;
grant usage on schema app to qtable_app, qtable_auth;

-- The tenant of the current transaction, or null (no rows) when none is set.
-- After a transaction-local set_config the session reads '' rather than null.
create function app.current_restaurant() returns uuid
    language sql stable
    as $$ select nullif(current_setting('app.restaurant_id', true), '')::uuid $$;
