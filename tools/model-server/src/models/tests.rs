//! Each model on the shipped files: answers worked out by hand from the
//! parameters, different inputs giving different answers, and refusals.

use std::path::Path;

use serde_json::{Value, json};

use super::Registry;
use super::bigram::Bigram;
use super::centroid::NearestCentroid;
use super::logistic::sigmoid;
use super::naive_bayes::NaiveBayes;

fn registry() -> Registry {
    Registry::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
        .expect("the shipped models load")
}

fn predict(model: &str, instance: Value) -> Value {
    registry()
        .get(model)
        .unwrap()
        .predictor
        .predict(&instance)
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn fraud_scorer_is_the_logistic_regression_of_its_weights() {
    let night_foreign = predict(
        "fraud-scorer",
        json!({"amount": 912.5, "hour": 3, "merchant_risk": 0.8, "foreign": true, "card_present": false}),
    );
    let z = -4.2 + 0.55 * 913.5_f64.ln() + 1.1 + 2.4 * 0.8 + 1.3;
    assert!(close(
        night_foreign["fraud_probability"].as_f64().unwrap(),
        sigmoid(z)
    ));
    assert_eq!(night_foreign["label"], "fraud");

    let daytime_present = predict(
        "fraud-scorer",
        json!({"amount": 25, "hour": 14, "merchant_risk": 0.1, "foreign": false, "card_present": true}),
    );
    let z = -4.2 + 0.55 * 26_f64.ln() + 2.4 * 0.1 - 1.6;
    assert!(close(
        daytime_present["fraud_probability"].as_f64().unwrap(),
        sigmoid(z)
    ));
    assert_eq!(daytime_present["label"], "legitimate");

    // 22:00 counts as night, 21:00 does not.
    let at = |hour: i64| {
        predict(
            "fraud-scorer",
            json!({"amount": 10, "hour": hour, "merchant_risk": 0.5, "foreign": false, "card_present": false}),
        )["fraud_probability"]
            .as_f64()
            .unwrap()
    };
    assert!(close(at(22), at(5)));
    assert!(at(22) > at(21));
    assert!(close(at(21), at(6)));
}

#[test]
fn chargeback_risk_is_a_second_regression_with_its_own_fields() {
    let answer = predict(
        "chargeback-risk",
        json!({"amount": 1200, "days_since_purchase": 3, "merchant_category_risk": 0.7, "prior_chargebacks": 2}),
    );
    let z = -2.5 + 0.35 * 1201_f64.ln() - 0.45 * 4_f64.ln() + 2.8 * 0.7 + 1.5 * 3_f64.ln();
    assert!(close(
        answer["chargeback_probability"].as_f64().unwrap(),
        sigmoid(z)
    ));
    assert_eq!(answer["label"], "chargeback-likely");
    let quiet = predict(
        "chargeback-risk",
        json!({"amount": 40, "days_since_purchase": 60, "merchant_category_risk": 0.1, "prior_chargebacks": 0}),
    );
    assert_eq!(quiet["label"], "chargeback-unlikely");
}

#[test]
fn logistic_inputs_are_checked_field_by_field() {
    let registry = registry();
    let fraud = &registry.get("fraud-scorer").unwrap().predictor;
    let base = json!({"amount": 10, "hour": 3, "merchant_risk": 0.5, "foreign": true, "card_present": false});
    let with = |field: &str, value: Value| {
        let mut instance = base.clone();
        instance[field] = value;
        fraud.predict(&instance).unwrap_err()
    };
    assert_eq!(with("hour", json!(24)).field, "hour");
    assert_eq!(with("hour", json!(3.5)).field, "hour");
    assert_eq!(with("amount", json!(-1)).field, "amount");
    assert_eq!(with("merchant_risk", json!(1.5)).field, "merchant_risk");
    assert_eq!(with("foreign", json!("yes")).field, "foreign");
    assert_eq!(
        with("extra", json!(1)).message,
        "unknown field; expected only amount, hour, merchant_risk, foreign, card_present"
    );
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("card_present");
    assert_eq!(fraud.predict(&missing).unwrap_err().field, "card_present");
}

#[test]
fn naive_bayes_counts_words_with_laplace_smoothing() {
    let tickets = "a\tred red blue\na\tred\nb\tblue green\n";
    let replies = json!({"a": "reply a", "b": "reply b"});
    let model = NaiveBayes::train(tickets, &replies).unwrap();
    // Vocabulary {red, blue, green}: class a has 4 words (red 3, blue 1),
    // class b 2 words (blue 1, green 1); priors 2/3 and 1/3.
    let scores = model.probabilities("Red, red! purple");
    let a = (2.0_f64 / 3.0).ln() + 2.0 * (4.0_f64 / 7.0).ln();
    let b = (1.0_f64 / 3.0).ln() + 2.0 * (1.0_f64 / 5.0).ln();
    let pa = 1.0 / (1.0 + (b - a).exp());
    assert!(close(scores["a"], pa), "{scores:?}");
    assert!(close(scores["b"], 1.0 - pa));
    let answer = super::Predictor::predict(&model, &json!({"text": "green"})).unwrap();
    assert_eq!(answer["category"], "b");
    assert_eq!(answer["draft"], "reply b");
}

#[test]
fn support_assistant_tells_ticket_categories_apart() {
    let cases = [
        ("I was charged twice on my invoice", "billing"),
        ("the password reset link never arrives", "login"),
        ("my parcel is stuck and tracking shows nothing", "shipping"),
        (
            "please give me my money back for the returned item",
            "refund",
        ),
    ];
    for (text, category) in cases {
        let answer = predict("support-assistant", json!({"text": text}));
        assert_eq!(answer["category"], category, "{text}: {answer}");
        let total: f64 = answer["scores"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!(close(total, 1.0));
        assert!(answer["draft"].as_str().unwrap().starts_with("Hello"));
    }
    // Words never seen in training leave the priors (equal): the first by name.
    let unknown = predict("support-assistant", json!({"text": "zzz qqq"}));
    assert_eq!(unknown["category"], "billing");
    let registry = registry();
    let model = &registry.get("support-assistant").unwrap().predictor;
    assert_eq!(
        model.predict(&json!({"text": ""})).unwrap_err().message,
        "must not be empty"
    );
    assert_eq!(
        model.predict(&json!({"text": 5})).unwrap_err().field,
        "text"
    );
    assert!(model.predict(&json!({"text": "a".repeat(4001)})).is_err());
}

#[test]
fn nearest_centroid_averages_each_label() {
    let flat = |v: u8| vec![v.to_string(); 64].join(" ");
    let samples = format!("dark {}\ndark {}\nlight {}\n", flat(0), flat(51), flat(255));
    let model = NearestCentroid::train(&samples).unwrap();
    // dark's centroid is 0.1 everywhere, light's 1.0.
    let mut image = [0.2; 64];
    let d = model.distances(&image);
    assert!(close(d["dark"], (64.0_f64 * 0.01).sqrt()));
    assert!(close(d["light"], (64.0_f64 * 0.64).sqrt()));
    image = [1.0; 64];
    assert!(close(model.distances(&image)["light"], 0.0));
    let answer = super::Predictor::predict(&model, &json!({"pixels": vec![51; 64]})).unwrap();
    assert_eq!(answer["label"], "dark");
    let expected = 1.0 / (1.0 + ((0.8 - 6.4) / 0.1_f64).exp());
    assert!(
        close(answer["confidence"].as_f64().unwrap(), expected),
        "{answer}"
    );
    assert!(NearestCentroid::train("x 1 2 3\n").is_err());
}

#[test]
fn object_detector_labels_the_shipped_kinds_of_surface() {
    let even = predict("object-detector", json!({"pixels": vec![185; 64]}));
    assert_eq!(even["label"], "ok");
    let mut scratched = vec![185; 64];
    for i in 0..8 {
        scratched[i * 8 + i] = 250;
    }
    assert_eq!(
        predict("object-detector", json!({"pixels": scratched}))["label"],
        "scratch"
    );
    let mut dented = vec![185; 64];
    for (r, c) in [
        (3, 3),
        (3, 4),
        (4, 3),
        (4, 4),
        (2, 3),
        (3, 2),
        (4, 5),
        (5, 4),
    ] {
        dented[r * 8 + c] = 100;
    }
    let answer = predict("object-detector", json!({"pixels": dented}));
    assert_eq!(answer["label"], "dent");
    let confidence = answer["confidence"].as_f64().unwrap();
    assert!(confidence > 0.5 && confidence <= 1.0);
    let registry = registry();
    let model = &registry.get("object-detector").unwrap().predictor;
    for wrong in [
        json!({"pixels": vec![1; 63]}),
        json!({"pixels": vec![256; 64]}),
        json!({"pixels": "x"}),
    ] {
        assert_eq!(model.predict(&wrong).unwrap_err().field, "pixels");
    }
}

#[test]
fn bigram_follows_the_most_frequent_next_word() {
    // After "the": cat twice, dog twice (tie: cat by name); after "cat": sat.
    let model =
        Bigram::train("# a comment\nThe cat sat. The dog ran. The cat ran. The dog sat.").unwrap();
    assert_eq!(model.continue_from("see the", 3), ["cat", "ran", "the"]);
    // The last word the corpus knows is where it starts; unknown words are skipped.
    assert_eq!(model.continue_from("dog xyzzy", 1), ["ran"]);
    // Nothing known: from the most frequent word ("the").
    assert_eq!(model.continue_from("xyzzy", 1), ["cat"]);
    // A word nothing follows ends the continuation.
    let short = Bigram::train("alpha beta").unwrap();
    assert_eq!(short.continue_from("alpha", 5), ["beta"]);
}

#[test]
fn playground_llm_continues_differently_for_different_prompts() {
    let rabbit = predict(
        "playground-llm",
        json!({"prompt": "The White Rabbit", "max_words": 5}),
    );
    let well = predict(
        "playground-llm",
        json!({"prompt": "the well", "max_words": 5}),
    );
    assert_eq!(rabbit["words"], 5);
    assert_ne!(rabbit["completion"], well["completion"]);
    assert_eq!(
        rabbit,
        predict(
            "playground-llm",
            json!({"prompt": "The White Rabbit", "max_words": 5})
        )
    );
    let default = predict("playground-llm", json!({"prompt": "Alice"}));
    assert_eq!(default["words"], 12);
    let registry = registry();
    let model = &registry.get("playground-llm").unwrap().predictor;
    for wrong in [
        json!({"prompt": "a", "max_words": 0}),
        json!({"prompt": "a", "max_words": 51}),
    ] {
        assert_eq!(model.predict(&wrong).unwrap_err().field, "max_words");
    }
    assert_eq!(
        model.predict(&json!({"max_words": 3})).unwrap_err().field,
        "prompt"
    );
}

#[test]
fn a_missing_or_broken_model_file_stops_the_start_with_its_name() {
    let dir = std::env::temp_dir().join(format!("aigov-model-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let error = Registry::load(&dir).err().unwrap().to_string();
    assert!(error.contains("fraud-scorer.json"), "{error}");
    std::fs::write(dir.join("fraud-scorer.json"), r#"{"features": []}"#).unwrap();
    let error = Registry::load(&dir).err().unwrap().to_string();
    assert!(error.starts_with("fraud-scorer.json: "), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
