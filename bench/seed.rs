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
    /// Guest profiles in restaurant 1's book, for the search figure (0: none).
    pub guest_book: u32,
}

pub const PASSWORD: &str = "bench-password";
/// Reservations are spread over ten days from this one, in the restaurant's timezone.
pub const FIRST_DAY: &str = "2026-12-01";
/// The day whose reservations the "GET reservations of a day" load reads.
pub const BUSY_DAY: &str = "2026-12-03";
pub const TIMEZONE: &str = "Europe/Paris";
/// The day whose reservations are all linked to guest profiles. It holds as
/// many reservations as `BUSY_DAY`, whose are linked to none, so the two day
/// lists differ only by the guest summaries.
pub const GUEST_DAY: &str = "2026-12-04";
/// What the guest search load types, lower case as the server compares it,
/// each matching the seeded book: a surname prefix, a full name with two
/// letters swapped, the last seven digits of a phone number, an email's start.
pub const SEARCHES: [&str; 4] = ["black", "olivia ashfrod", "3592398", "emma.stan"];

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
    link_guest_day(pool).await?;
    if shape.guest_book > 0 {
        seed_guest_book(pool, shape.guest_book).await?;
    }
    // A settled database, as autovacuum keeps one: statistics for the
    // planner, and visibility maps so index-only scans (the guest search's
    // trigram lookups) need not visit the heap.
    sqlx::raw_sql("vacuum analyze").execute(pool).await?;
    Ok(())
}

/// Gives every reservation of `GUEST_DAY` a profile of its own, with a
/// history, tags and restrictions, so each row of that day's list carries a
/// full guest summary.
async fn link_guest_day(pool: &PgPool) -> anyhow::Result<()> {
    let on_the_day = "reservation_time >= $1::date::timestamp at time zone $2
         and reservation_time < ($1::date + 1)::timestamp at time zone $2";
    let profiles = format!(
        "insert into guest_profiles (id, restaurant_id, first_name, last_name, prior_visit_count, tags, dietary_restrictions)
         select md5('g' || id)::uuid, restaurant_id, 'Guest', substr(guest_name, 7), party_size * 3,
                (array['{{vip,regular}}', '{{regular}}', '{{}}'])[party_size % 3 + 1]::text[],
                case when party_size % 2 = 0 then array['gluten-free', 'nut allergy'] else '{{}}' end
         from reservations where {on_the_day}"
    );
    // The link fires the history trigger, which fills the profile's counts.
    let links = format!(
        "update reservations set guest_profile_id = md5('g' || id)::uuid where {on_the_day}"
    );
    for sql in [profiles, links] {
        // Composed of the constant fragments above only.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(GUEST_DAY)
            .bind(TIMEZONE)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Common first names; with `LAST_NAME_STEMS` and `LAST_NAME_ENDINGS`
/// every profile of the book is a different person.
#[rustfmt::skip]
const FIRST_NAMES: [&str; 200] = [
    "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Mia", "Isabella", "Ava", "Evelyn", "Luna",
    "Harper", "Sofia", "Camila", "Eleanor", "Elizabeth", "Violet", "Scarlett", "Emily", "Hazel", "Lily",
    "Gianna", "Aurora", "Penelope", "Aria", "Nora", "Chloe", "Ellie", "Mila", "Avery", "Layla",
    "Abigail", "Ella", "Isla", "Eliana", "Nova", "Madison", "Zoe", "Ivy", "Grace", "Lucy",
    "Willow", "Emilia", "Riley", "Naomi", "Victoria", "Stella", "Elena", "Hannah", "Valentina", "Maya",
    "Zoey", "Delilah", "Leah", "Lainey", "Lillian", "Paisley", "Genesis", "Madelyn", "Sadie", "Sophie",
    "Leilani", "Addison", "Natalie", "Josephine", "Alice", "Ruby", "Claire", "Kinsley", "Everly", "Emery",
    "Adeline", "Kennedy", "Maeve", "Audrey", "Autumn", "Athena", "Eden", "Iris", "Anna", "Eloise",
    "Jade", "Maria", "Caroline", "Brooklyn", "Quinn", "Aaliyah", "Vivian", "Liliana", "Gabriella", "Hailey",
    "Sarah", "Savannah", "Cora", "Madeline", "Parker", "Serenity", "Piper", "Margaret", "Rose", "Julia",
    "Liam", "Noah", "Oliver", "James", "Elijah", "Mateo", "Theodore", "Henry", "Lucas", "William",
    "Benjamin", "Levi", "Sebastian", "Jack", "Ezra", "Michael", "Daniel", "Leo", "Owen", "Samuel",
    "Hudson", "Alexander", "Asher", "Luca", "Ethan", "John", "David", "Jackson", "Joseph", "Mason",
    "Luke", "Matthew", "Julian", "Dylan", "Elias", "Jacob", "Maverick", "Gabriel", "Logan", "Aiden",
    "Thomas", "Isaac", "Miles", "Grayson", "Santiago", "Anthony", "Wyatt", "Carter", "Jayden", "Ezekiel",
    "Caleb", "Cooper", "Josiah", "Charles", "Christopher", "Isaiah", "Nolan", "Cameron", "Nathan", "Joshua",
    "Kai", "Waylon", "Angel", "Lincoln", "Andrew", "Roman", "Adrian", "Aaron", "Wesley", "Ian",
    "Thiago", "Axel", "Brooks", "Bennett", "Weston", "Rowan", "Christian", "Theo", "Beau", "Eli",
    "Silas", "Jonathan", "Ryan", "Leonardo", "Walker", "Jaxon", "Micah", "Everett", "Robert", "Enzo",
    "Declan", "Jeremiah", "Jose", "Colton", "Luka", "Easton", "Landon", "Jordan", "Amir", "Gael",
];
#[rustfmt::skip]
const LAST_NAME_STEMS: [&str; 50] = [
    "Ash", "Black", "Brad", "Brook", "Bur", "Cal", "Clay", "Cole", "Crom", "Dal",
    "Dun", "East", "Elm", "Fair", "Fox", "Gold", "Green", "Hart", "Hay", "Hol",
    "Kings", "Lang", "Lock", "Mar", "Mid", "Mill", "Moor", "New", "North", "Oak",
    "Pen", "Ral", "Red", "Rock", "Rose", "Ry", "Sand", "Shel", "South", "Stan",
    "Stock", "Sut", "Thorn", "Wake", "Wal", "West", "White", "Whit", "Wil", "Win",
];
#[rustfmt::skip]
const LAST_NAME_ENDINGS: [&str; 10] = [
    "ley", "ton", "field", "wood", "well", "ford", "by", "worth", "more", "ham",
];

/// `size` distinct guests in restaurant 1, each with a unique email
/// (first.last at one of five providers) and a unique E.164 phone number.
/// The table's trigger fills the search index row by row, as for a guest
/// added over HTTP.
async fn seed_guest_book(pool: &PgPool, size: u32) -> anyhow::Result<()> {
    let last_names: Vec<String> = LAST_NAME_STEMS
        .iter()
        .flat_map(|stem| {
            LAST_NAME_ENDINGS
                .iter()
                .map(move |ending| format!("{stem}{ending}"))
        })
        .collect();
    // 7919 is prime to 10^7, so `n * 7919 % 10^7` is a different local
    // number for every n, spread over all the digits.
    sqlx::query(
        "insert into guest_profiles (restaurant_id, first_name, last_name, phone, email, tags)
         select md5('r1')::uuid, first_name, last_name,
                '+1' || (array['202', '312', '415', '617', '718'])[n % 5 + 1]
                     || lpad((n::bigint * 7919 % 10000000)::text, 7, '0'),
                lower(first_name || '.' || last_name) || '@'
                     || (array['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me'])[n / 7 % 5 + 1],
                case when n % 20 = 0 then array['vip'] when n % 5 = 0 then array['regular'] else '{}' end
         from generate_series(0, $1 - 1) n,
              lateral (select $2::text[] as firsts, $3::text[] as lasts) lists,
              lateral (select firsts[n % cardinality(firsts) + 1] as first_name,
                              lasts[n / cardinality(firsts) % cardinality(lasts) + 1] as last_name) names",
    )
    .bind(size as i32)
    .bind(&FIRST_NAMES[..])
    .bind(&last_names)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Emails are first.last, so the pairs must all differ.
    #[test]
    fn every_first_and_last_name_of_the_book_differs() {
        let firsts: HashSet<_> = FIRST_NAMES.iter().collect();
        let lasts: HashSet<String> = LAST_NAME_STEMS
            .iter()
            .flat_map(|stem| {
                LAST_NAME_ENDINGS
                    .iter()
                    .map(move |end| format!("{stem}{end}"))
            })
            .map(|name| name.to_lowercase())
            .collect();
        assert_eq!(firsts.len() * lasts.len(), 100_000);
    }
}
