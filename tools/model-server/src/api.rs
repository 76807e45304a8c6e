//! The KServe V1 protocol over the registry: which answer a request gets.
//! No I/O here; `http` reads the request and writes the answer.

use serde_json::{Value, json};

use crate::models::Registry;

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;

/// The most instances one predict request may carry.
pub const MAX_INSTANCES: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// The methods the path allows, for a 405.
    pub allow: Option<&'static str>,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Answer {
            status: 200,
            body,
            allow: None,
        }
    }

    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Answer {
            status,
            body: json!({"error": message.into()}),
            allow: None,
        }
    }
}

/// The answer to `method` on `path` (query string already removed) with
/// `body`.
pub fn answer(registry: &Registry, method: &str, path: &str, body: &[u8]) -> Answer {
    let get = method == "GET" || method == "HEAD";
    match path {
        "/healthz" | "/v2/health/ready" | "/v2/health/live" => {
            if get {
                Answer::ok(json!({"ready": true}))
            } else {
                not_allowed("GET, HEAD")
            }
        }
        "/v1/models" | "/v1/models/" => {
            if get {
                Answer::ok(
                    json!({"models": registry.models.iter().map(|m| m.name).collect::<Vec<_>>()}),
                )
            } else {
                not_allowed("GET, HEAD")
            }
        }
        _ => match path.strip_prefix("/v1/models/") {
            Some(rest) => match rest.strip_suffix(":predict") {
                Some(name) => {
                    if method == "POST" {
                        predict(registry, name, body)
                    } else {
                        not_allowed("POST")
                    }
                }
                None if get => model_status(registry, rest),
                None => not_allowed("GET, HEAD"),
            },
            None => Answer::error(
                404,
                format!("no such path: {path}; use /v1/models/NAME or /v1/models/NAME:predict"),
            ),
        },
    }
}

fn not_allowed(allowed: &'static str) -> Answer {
    Answer {
        allow: Some(allowed),
        ..Answer::error(405, format!("method not allowed here; use {allowed}"))
    }
}

fn unknown_model(registry: &Registry, name: &str) -> Answer {
    let names: Vec<&str> = registry.models.iter().map(|m| m.name).collect();
    Answer::error(
        404,
        format!(
            "model {name:?} is not served here; models: {}",
            names.join(", ")
        ),
    )
}

fn model_status(registry: &Registry, name: &str) -> Answer {
    match registry.get(name) {
        Some(model) => Answer::ok(json!({
            "name": model.name,
            "ready": true,
            "namespace": model.namespace,
            "inputs": model.predictor.input_fields(),
        })),
        None => unknown_model(registry, name),
    }
}

fn predict(registry: &Registry, name: &str, body: &[u8]) -> Answer {
    let Some(model) = registry.get(name) else {
        return unknown_model(registry, name);
    };
    let request: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Answer::error(400, format!("request body: not valid JSON ({e})"));
        }
    };
    let Some(fields) = request.as_object() else {
        return Answer::error(
            400,
            "request body: must be a JSON object with \"instances\"",
        );
    };
    if let Some(other) = fields.keys().find(|key| *key != "instances") {
        return Answer::error(
            400,
            format!("{other}: unknown field; send {{\"instances\": [...]}} (KServe V1)"),
        );
    }
    let Some(instances) = fields.get("instances") else {
        return Answer::error(400, "instances: is required, a list of inputs");
    };
    let Some(instances) = instances.as_array() else {
        return Answer::error(400, "instances: must be a list of inputs");
    };
    if instances.is_empty() {
        return Answer::error(400, "instances: must not be empty");
    }
    if instances.len() > MAX_INSTANCES {
        return Answer::error(
            400,
            format!(
                "instances: at most {MAX_INSTANCES} per request ({} sent); send the rest in further requests",
                instances.len()
            ),
        );
    }
    let mut predictions = Vec::with_capacity(instances.len());
    for (index, instance) in instances.iter().enumerate() {
        match model.predictor.predict(instance) {
            Ok(prediction) => predictions.push(prediction),
            Err(e) => {
                let field = if e.field.is_empty() {
                    format!("instances[{index}]")
                } else {
                    format!("instances[{index}].{}", e.field)
                };
                return Answer::error(400, format!("{field}: {}", e.message));
            }
        }
    }
    Answer::ok(json!({"predictions": predictions}))
}
