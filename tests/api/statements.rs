//! Every SQL statement of the service, checked against the migrated schema
//! before any request runs it: a renamed column or table fails here. (The
//! import's statements on the Python schema are checked in `import.rs`.)

use std::path::Path;

use qtable::{
    db::{Schema, all_statements},
    reservations::{
        model::{DEFAULT_LIMIT, ReservationQuery, ReservationStatus},
        push_list_query,
    },
};
use sqlx::{Executor, Postgres, QueryBuilder, SqlSafeStr};

use crate::helpers::postgres;

#[tokio::test]
async fn every_statement_of_the_service_prepares_against_the_migrated_schema() {
    let db = postgres::superuser_pool(postgres::server().create_database().await).await;
    let mut conn = db.acquire().await.unwrap();

    let mut failures = Vec::new();
    let mut prepared = 0;
    for statement in all_statements().filter(|s| s.schema == Schema::Service) {
        prepared += 1;
        if let Err(error) = conn.prepare(statement.sql.into_sql_str()).await {
            failures.push(format!("{}: {error}", statement.name));
        }
    }

    assert!(failures.is_empty(), "{failures:#?}");
    assert!(prepared >= 40, "only {prepared} statements registered");
}

/// The list is composed per request, so it is run (on an empty database,
/// with its bound values and so their types) rather than prepared bare.
#[tokio::test]
async fn the_reservation_list_with_every_filter_runs_against_the_migrated_schema() {
    let db = postgres::superuser_pool(postgres::server().create_database().await).await;
    let every_filter = ReservationQuery {
        status: vec![ReservationStatus::Confirmed],
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        from: Some(chrono::Utc::now().into()),
        to: Some(chrono::Utc::now().into()),
        q: Some("Smith".into()),
        ..ReservationQuery::default()
    };
    let mut list = QueryBuilder::<Postgres>::new("");
    push_list_query(&mut list, &every_filter, DEFAULT_LIMIT);

    let ran = list.build().fetch_all(&db).await;

    assert!(ran.is_ok(), "{ran:?}");
}

/// `src/a/b/queries.rs` is the module `qtable::a::b::queries`.
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix("src").unwrap().with_extension("");
    let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
    format!("qtable::{}", parts.join("::"))
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Whether the source passes a string literal straight to sqlx or to db's
/// wrappers, which would escape the check above: `sqlx::query("…")`,
/// `db::query_as::<_, T>(\n "…")`.
fn hands_sqlx_a_literal(source: &str) -> bool {
    ["sqlx::", "db::"].iter().any(|prefix| {
        source.match_indices(prefix).any(|(at, _)| {
            let call = &source[at + prefix.len()..];
            let argument = call.split_once('(').map(|(_, rest)| rest.trim_start());
            runs_a_statement(call) && argument.is_some_and(|rest| rest.starts_with('"'))
        })
    })
}

fn runs_a_statement(call: &str) -> bool {
    calls(call, "raw_sql") || prepares_a_statement(call)
}

fn prepares_a_statement(call: &str) -> bool {
    ["query", "query_as", "query_scalar"]
        .iter()
        .any(|name| calls(call, name))
}

/// `call` starts with a call of the function `name` (`name(` or
/// `name::<`), not a path through a module of that name.
fn calls(call: &str, name: &str) -> bool {
    call.strip_prefix(name)
        .is_some_and(|rest| rest.starts_with('(') || rest.starts_with("::<"))
}

/// Whether the source prepares a statement through sqlx itself rather than
/// db's wrappers, which a transaction pooler needs (`db::NAMED_STATEMENTS`;
/// `raw_sql` prepares nothing).
fn bypasses_db(source: &str) -> bool {
    source
        .match_indices("sqlx::")
        .any(|(at, _)| prepares_a_statement(&source[at + "sqlx::".len()..]))
}

#[test]
fn sql_is_only_declared_as_registered_constant_statements() {
    // The scanner itself, so a broken one cannot pass every file.
    assert!(hands_sqlx_a_literal(
        "sqlx::query_as::<_, T>(\n    \"select 1\")"
    ));
    assert!(!hands_sqlx_a_literal(
        "sqlx::query_as(SELECT_TABLE).bind(id)"
    ));
    assert!(hands_sqlx_a_literal("db::query(\"select 1\")"));
    assert!(bypasses_db("sqlx::query_scalar(PING)") && !bypasses_db("db::query(PING)"));
    assert!(!bypasses_db("sqlx::query::QueryAs<'q, Postgres, T>"));
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let registered: Vec<&str> = all_statements().map(|s| s.name).collect();

    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        assert!(!source.contains("AssertSqlSafe"), "{}", file.display());
        assert!(!hands_sqlx_a_literal(&source), "{}", file.display());
        assert!(
            file == Path::new("src/db.rs") || !bypasses_db(&source),
            "{} runs a statement with sqlx:: instead of db::",
            file.display()
        );
        if file.ends_with("queries.rs") {
            let module = module_of(file);
            assert!(
                registered
                    .iter()
                    .any(|name| name.starts_with(&format!("{module}::"))),
                "{module} declares no statement with `statements!`"
            );
        }
    }
}
