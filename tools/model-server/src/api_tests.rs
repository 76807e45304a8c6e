//! The protocol's answers: statuses, shapes and error messages.

use std::path::Path;

use serde_json::{Value, json};

use super::{MAX_INSTANCES, answer};
use crate::models::Registry;

fn call(method: &str, path: &str, body: Value) -> super::Answer {
    let registry = Registry::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models")).unwrap();
    answer(&registry, method, path, body.to_string().as_bytes())
}

fn error(answer: &super::Answer) -> &str {
    answer.body["error"].as_str().unwrap()
}

#[test]
fn health_and_model_status() {
    assert_eq!(call("GET", "/healthz", Value::Null).status, 200);
    assert_eq!(
        call("GET", "/v2/health/ready", Value::Null).body,
        json!({"ready": true})
    );
    let status = call("GET", "/v1/models/chargeback-risk", Value::Null);
    assert_eq!(status.status, 200);
    assert_eq!(status.body["name"], "chargeback-risk");
    assert_eq!(status.body["ready"], true);
    assert_eq!(status.body["namespace"], "fraud-detection");
    let listing = call("GET", "/v1/models", Value::Null);
    assert_eq!(listing.body["models"].as_array().unwrap().len(), 5);
    let unknown = call("GET", "/v1/models/nope", Value::Null);
    assert_eq!(unknown.status, 404);
    assert!(error(&unknown).contains("\"nope\" is not served here"));
    assert_eq!(call("GET", "/elsewhere", Value::Null).status, 404);
}

#[test]
fn predict_answers_each_instance_in_order() {
    let answer = call(
        "POST",
        "/v1/models/support-assistant:predict",
        json!({"instances": [{"text": "refund my order"}, {"text": "cannot log in"}]}),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let predictions = answer.body["predictions"].as_array().unwrap();
    assert_eq!(predictions[0]["category"], "refund");
    assert_eq!(predictions[1]["category"], "login");
}

#[test]
fn malformed_requests_say_which_field_is_wrong() {
    let predict = |body: &str| {
        let registry =
            Registry::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models")).unwrap();
        answer(
            &registry,
            "POST",
            "/v1/models/fraud-scorer:predict",
            body.as_bytes(),
        )
    };
    let cases = [
        ("{", "request body: not valid JSON"),
        ("[1]", "request body: must be a JSON object"),
        ("{}", "instances: is required"),
        (r#"{"instances": {}}"#, "instances: must be a list"),
        (r#"{"instances": []}"#, "instances: must not be empty"),
        (r#"{"inputs": []}"#, "inputs: unknown field"),
        (
            r#"{"instances": [5]}"#,
            "instances[0]: must be a JSON object",
        ),
        (
            r#"{"instances": [{"amount": 1, "hour": 1, "merchant_risk": 0, "foreign": false, "card_present": false}, {"amount": 1}]}"#,
            "instances[1].hour: is required",
        ),
    ];
    for (body, expected) in cases {
        let answer = predict(body);
        assert_eq!(answer.status, 400, "{body}");
        assert!(
            error(&answer).starts_with(expected),
            "{body}: {}",
            error(&answer)
        );
    }
    let too_many = json!({"instances": vec![json!({"text": "x"}); MAX_INSTANCES + 1]});
    let answer = call("POST", "/v1/models/support-assistant:predict", too_many);
    assert_eq!(answer.status, 400);
    assert!(
        error(&answer).starts_with("instances: at most 100"),
        "{}",
        error(&answer)
    );
    let at_limit = json!({"instances": vec![json!({"text": "x"}); MAX_INSTANCES]});
    assert_eq!(
        call("POST", "/v1/models/support-assistant:predict", at_limit).status,
        200
    );
    assert_eq!(
        call("POST", "/v1/models/nope:predict", json!({})).status,
        404
    );
}

#[test]
fn wrong_methods_get_405_with_the_allowed_ones() {
    let answer = call("GET", "/v1/models/fraud-scorer:predict", Value::Null);
    assert_eq!((answer.status, answer.allow), (405, Some("POST")));
    let answer = call("POST", "/v1/models/fraud-scorer", Value::Null);
    assert_eq!((answer.status, answer.allow), (405, Some("GET, HEAD")));
    assert_eq!(call("DELETE", "/healthz", Value::Null).status, 405);
}
