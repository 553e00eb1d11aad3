//! The OpenAPI document (generated from the handlers' annotations), Swagger UI
//! at `/docs` (assets compiled in), ReDoc at `/redoc`, and `GET /`.

use axum::{Json, Router};
use serde::Serialize;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::{
        Content, Ref, RefOr, ResponseBuilder,
        path::Operation,
        security::{Http, HttpAuthScheme, SecurityScheme},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_redoc::{Redoc, Servable};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    error::{ErrorBody, FieldError, ValidationErrorBody},
    state::AppState,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "QTable API", description = "Restaurant host-stand backend: floor plan, reservations, walk-ins and live updates."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ValidationErrorBody, FieldError)),
    tags((name = "booking", description = "Online booking's settings: shifts (when the restaurant takes bookings, and how many covers each slot holds) and closed days, and availability as staff see it. Times and dates are local to the restaurant's time zone."),
        (name = "public-booking", description = "Online booking for a restaurant's own site: no staff token; the restaurant is named by its slug, a guest's booking by its id and manage token; rate-limited per client address (docs/booking.md)."),
        (name = "compat", description = "The app as it grew: the Python service's routes and shapes that today's iOS app calls, translated onto the native API (docs/ios-app.md). Not for new clients.")),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Which operations can give a common answer.
#[derive(Clone, Copy)]
enum When {
    Always,
    Secured,
    WithBody,
}

/// The answers any operation can give: status, when, description, body schema.
const COMMON_RESPONSES: [(&str, When, &str, &str); 7] = [
    // hyper's own answer to a malformed request line or header (see
    // http::parse_errors), and ours to a header we read.
    (
        "400",
        When::Always,
        "Malformed request line or header (a control character, say)",
        "ErrorBody",
    ),
    (
        "422",
        When::Always,
        "Invalid path, query or body",
        "ValidationErrorBody",
    ),
    (
        "500",
        When::Always,
        "Unexpected failure (details only in the logs)",
        "ErrorBody",
    ),
    (
        "503",
        When::Always,
        "Database unavailable or request timed out; retry",
        "ErrorBody",
    ),
    (
        "401",
        When::Secured,
        "Missing, invalid or expired token, or session ended",
        "ErrorBody",
    ),
    (
        "403",
        When::Secured,
        "Another restaurant, or a role that may not do this",
        "ErrorBody",
    ),
    (
        "413",
        When::WithBody,
        "Body larger than 64 KiB",
        "ErrorBody",
    ),
];

/// Declares, on every operation, the error answers any of them can give, so
/// the document lists every status a client can see (an operation's own
/// entry for a status wins). Run on the merged document.
pub fn add_common_responses(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, when, description, schema) in COMMON_RESPONSES {
                let applies = match when {
                    When::Always => true,
                    When::Secured => operation.security.is_some(),
                    When::WithBody => operation.request_body.is_some(),
                };
                if applies {
                    declare(operation, status, description, schema);
                }
            }
        }
    }
}

fn declare(operation: &mut Operation, status: &str, description: &str, schema: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            let content = Content::new(Some(Ref::from_schema_name(schema)));
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", content)
                    .build(),
            )
        });
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(root))
}

/// Serves the document and both viewers.
pub fn viewers(api: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::new()
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api.clone()))
        .merge(Redoc::with_url("/redoc", api))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceInfo {
    /// A greeting, as the Python service sent.
    pub message: &'static str,
    pub service: &'static str,
    pub version: &'static str,
    pub docs: &'static str,
}

/// Names the service and its version.
#[utoipa::path(get, path = "/", tag = "service", responses((status = 200, body = ServiceInfo)))]
async fn root() -> Json<ServiceInfo> {
    Json(ServiceInfo {
        message: "QTable API is running",
        service: "QTable API",
        version: env!("CARGO_PKG_VERSION"),
        docs: "/docs",
    })
}
