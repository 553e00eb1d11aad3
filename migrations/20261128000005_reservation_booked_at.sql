-- The list's time (reservation time, or arrival for a walk-in) as a real
-- column. Under row-level security PostgreSQL uses a condition as an index
-- bound only when it is leakproof, and an expression like coalesce() never
-- is: a day's list had to read every reservation the restaurant ever had.
-- A plain column compares with a leakproof operator, so the day (or the
-- from/to range) becomes an index range scan, in list order.
alter table reservations
    add column booked_at timestamptz generated always as (coalesce(reservation_time, created_at)) stored;
create index reservations_restaurant_booked_idx on reservations (restaurant_id, booked_at, id);
drop index reservations_restaurant_when_idx;
