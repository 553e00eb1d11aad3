# Multi-stage build: compile in the Rust image, run from a slim Debian image
# as an unprivileged user. Migrations are compiled into the binary and
# applied by `qtable serve` at start.

FROM rust:1-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock build.rs ./
# The workspace's other member, the bench harness: cargo reads its manifest
# (the lock file names its dependencies) but never builds it here.
COPY bench/Cargo.toml bench/
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && mkdir migrations \
    && cargo build --release --locked --bin qtable \
    && rm -rf src migrations
COPY migrations migrations
COPY src src
# Make sure cargo sees the real sources as newer than the stub build.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin qtable

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin qtable
COPY --from=build /src/target/release/qtable /usr/local/bin/qtable
# Production needs DATABASE_URL and a SECRET_KEY of at least 32 bytes at run
# time; the service refuses to start without them. Nothing secret is baked in.
ENV ENVIRONMENT=production HOST=0.0.0.0 PORT=8000 LOG_FORMAT=json
EXPOSE 8000
USER qtable
HEALTHCHECK --interval=15s --timeout=4s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
CMD ["qtable", "serve"]
