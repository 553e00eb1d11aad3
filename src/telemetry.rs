//! Logging. Request spans carry method, route template and request id; never
//! bodies, query strings (WebSocket tokens travel there) or headers.

use tracing_subscriber::{EnvFilter, fmt, fmt::MakeWriter, prelude::*};

use crate::config::LogFormat;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

pub fn init(format: LogFormat) {
    install(format, std::io::stdout);
}

/// For the operator's commands (`import`, `export`, ...): their stdout is
/// what they print (a report, an export document), so logs go to stderr.
pub fn init_for_command(format: LogFormat) {
    install(format, std::io::stderr);
}

fn install<W>(format: LogFormat, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Text => registry.with(fmt::layer().with_writer(writer)).init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().flatten_event(true).with_writer(writer))
            .init(),
    }
}
