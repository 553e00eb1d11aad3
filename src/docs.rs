//! The OpenAPI document (generated from the handlers' annotations), Swagger UI
//! at `/docs` (assets compiled in), ReDoc at `/redoc`, and `GET /`.

use axum::{Json, Router};
use serde::Serialize;
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
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
    pub service: &'static str,
    pub version: &'static str,
    pub docs: &'static str,
}

/// Names the service and its version.
#[utoipa::path(get, path = "/", tag = "service", responses((status = 200, body = ServiceInfo)))]
async fn root() -> Json<ServiceInfo> {
    Json(ServiceInfo {
        service: "QTable API",
        version: env!("CARGO_PKG_VERSION"),
        docs: "/docs",
    })
}
