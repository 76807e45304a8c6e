//! `GET /api/openapi.json`: the OpenAPI 3.0 document of the API that
//! pipelines, bots and the command line use. Built once from
//! [`operations::OPERATIONS`] and the wire types' own schemas, so what it
//! says an answer holds is what the server sends.

pub mod operations;

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::wire::error::ApiError;
use operations::{OPERATIONS, Operation};

/// Where the document is served.
pub const PATH: &str = "/api/openapi.json";

/// The document, as served.
pub async fn serve() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| document().to_string());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.clone(),
    )
        .into_response()
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let error = generator.subschema_for::<ApiError>();
    let mut paths = Map::new();
    for operation in OPERATIONS {
        let answer = (operation.answer)(&mut generator);
        paths.insert(
            format!("/api/{}", operation.endpoint),
            json!({ "post": post(operation, answer.to_value(), error.as_value()) }),
        );
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "aigov",
            "version": env!("CARGO_PKG_VERSION"),
            "description": DESCRIPTION,
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, { "session": [] }],
        "tags": tags(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Your ID token from the identity provider (e.g. `aigov token`), or a ServiceAccount token made for the portal: `kubectl create token NAME --audience aigov`.",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": crate::server::auth::session::SESSION_COOKIE,
                    "description": "The portal's session (browsers, and `aigov login`). Requests that change state must then also send `Origin` naming the portal.",
                },
            },
        },
    })
}

const DESCRIPTION: &str = "Request, review, list and revoke access to AI models. Every call is `POST /api/<operation>` with a form body (`application/x-www-form-urlencoded`) and answers JSON. The caller acts as themselves: the portal impersonates the person or ServiceAccount, so Kubernetes RBAC decides what they see and do. Errors answer `{kind, message}` with the matching HTTP status; changes are rate-limited per caller (429 with `Retry-After`).";

fn post(operation: &Operation, answer: Value, error: &Value) -> Value {
    let properties: Map<String, Value> = operation
        .fields
        .iter()
        .map(|field| {
            let schema = if matches!(field.name, "selected" | "models") {
                json!({ "type": "array", "items": { "type": "string" }, "maxItems": 50, "description": field.description })
            } else {
                json!({ "type": "string", "description": field.description })
            };
            (field.name.to_owned(), schema)
        })
        .collect();
    let required: Vec<&str> = operation
        .fields
        .iter()
        .filter(|field| field.required)
        .map(|field| field.name)
        .collect();
    let mut body = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        body["required"] = json!(required);
    }
    let failure = |what: &str| json!({ "description": what, "content": { "application/json": { "schema": error } } });
    let mut responses = json!({
        "200": { "description": "Done.", "content": { "application/json": { "schema": answer } } },
        "422": failure("The form was not valid; the message says what to change."),
        "401": failure("No session or token, or the token was refused."),
        "403": failure("Kubernetes RBAC or the model's rules do not allow it."),
        "404": failure("Not found, or hidden from the caller."),
        "413": failure("The body is too large."),
        "500": failure("The portal failed; the message says what happened."),
        "503": failure("The cluster or the identity provider could not be reached; try again."),
    });
    if operation.changes {
        responses["409"] = failure("The request changed meanwhile, or is in another state.");
        responses["429"] = failure("Too many changes: wait for `Retry-After` seconds.");
    }
    json!({
        "operationId": operation.endpoint,
        "tags": [operation.tag],
        "summary": operation.summary,
        "requestBody": {
            "required": !required.is_empty(),
            "content": { "application/x-www-form-urlencoded": { "schema": body } },
        },
        "responses": responses,
    })
}

fn tags() -> Vec<Value> {
    let mut names: Vec<&str> = Vec::new();
    for operation in OPERATIONS {
        if !names.contains(&operation.tag) {
            names.push(operation.tag);
        }
    }
    names
        .into_iter()
        .map(|name| json!({ "name": name }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    found.push(reference.clone());
                }
                map.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }

    #[test]
    fn every_operation_is_described_once_and_every_reference_resolves() {
        let document = document();
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(paths.len(), OPERATIONS.len(), "no endpoint twice");
        let mut found = Vec::new();
        references(&document, &mut found);
        assert!(found.iter().any(|r| r.ends_with("/RequestSummary")));
        for reference in found {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{reference}"));
            assert!(
                document["components"]["schemas"][name].is_object(),
                "{reference}"
            );
        }
    }

    #[test]
    fn changes_say_they_are_rate_limited_and_reads_do_not() {
        let document = document();
        for operation in OPERATIONS {
            let responses =
                &document["paths"][format!("/api/{}", operation.endpoint)]["post"]["responses"];
            assert_eq!(
                responses["429"].is_object(),
                operation.changes,
                "{}",
                operation.endpoint
            );
        }
    }
}
