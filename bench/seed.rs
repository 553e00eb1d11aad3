//! The benchmark's data, written straight into the database in a few set-based
//! statements. Ids are derived from the restaurant number (`md5('r' || n)`), so
//! the pgbench scripts name the same rows the HTTP load does.

use sqlx::PgPool;

/// How much data to seed.
pub struct Shape {
    pub restaurants: u32,
    pub tables: u32,
    pub reservations: u32,
    pub staff: u32,
}

pub const PASSWORD: &str = "bench-password";
/// Reservations are spread over ten days from this one, in the restaurant's timezone.
pub const FIRST_DAY: &str = "2026-12-01";
/// The day whose reservations the "GET reservations of a day" load reads.
pub const BUSY_DAY: &str = "2026-12-03";
pub const TIMEZONE: &str = "Europe/Paris";

/// The login email of staff member `k` (1 is the owner) of restaurant `n`.
pub fn email(n: u32, k: u32) -> String {
    format!("host{n}-{k}@bench.qtable.test")
}

/// Seeds every row and refreshes the planner's statistics.
pub async fn seed(pool: &PgPool, shape: &Shape) -> anyhow::Result<()> {
    let hash = qtable::password::hash(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the bench password: {e:?}"))?;
    let statements = [
        "insert into restaurants (id, name, slug, timezone)
         select md5('r' || n)::uuid, 'Bench bistro ' || n, 'bench-' || n, $4
         from generate_series(1, $1) n",
        "insert into users (id, restaurant_id, email, password_hash, first_name, last_name, role)
         select md5('u' || n || '-' || k)::uuid, md5('r' || n)::uuid,
                'host' || n || '-' || k || '@bench.qtable.test', $5, 'Host', 'No. ' || k,
                (case k when 1 then 'owner' when 2 then 'manager' else 'staff' end)::staff_role
         from generate_series(1, $1) n, generate_series(1, $7) k",
        // The owner's session: the bench signs its tokens for it, and the
        // pgbench scripts open their transactions with it.
        "insert into sessions (id, restaurant_id, user_id)
         select md5('s' || n)::uuid, md5('r' || n)::uuid, md5('u' || n || '-1')::uuid
         from generate_series(1, $1) n",
        "insert into dining_tables (id, restaurant_id, table_number, capacity, position_x, position_y, shape, section)
         select md5('t' || n || '-' || k)::uuid, md5('r' || n)::uuid,
                (case when k <= 20 then 'A' else 'B' end) || k, 2 + k % 6,
                (k % 8) / 8.0, (k / 8) / 6.0,
                (case k % 3 when 0 then 'round' when 1 then 'square' else 'rectangle' end)::table_shape,
                case when k <= 20 then 'Main' else 'Terrace' end
         from generate_series(1, $1) n, generate_series(1, $2) k",
        "insert into reservations (restaurant_id, guest_name, party_size, status, reservation_time, contact_info, notes)
         select md5('r' || n)::uuid, 'Guest ' || n || '-' || k, 1 + k % 8,
                (case when k % 17 = 0 then 'cancelled' else 'confirmed' end)::reservation_status,
                ($6::date + (k % 10))::timestamp at time zone $4 + interval '17 hours' + (k % 24) * interval '15 minutes',
                '+33 1 00 00 ' || lpad((k % 100)::text, 2, '0'),
                case when k % 5 = 0 then 'Window seat, birthday' end
         from generate_series(1, $1) n, generate_series(1, $3) k",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(shape.restaurants as i32)
            .bind(shape.tables as i32)
            .bind(shape.reservations as i32)
            .bind(TIMEZONE)
            .bind(&hash)
            .bind(FIRST_DAY)
            .bind(shape.staff as i32)
            .execute(pool)
            .await?;
    }
    sqlx::query("analyze").execute(pool).await?;
    Ok(())
}
