//! Logistic regression over named, typed fields: the probability is
//! `sigmoid(bias + Σ weight × transform(field))`, labelled positive at or
//! above the threshold. Parameters come from a JSON file (see `models/`).

use serde_json::{Map, Value, json};

use super::{LoadError, Predictor, field_f64, field_str};
use crate::input::{self, InputError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number { min: f64, max: f64 },
    Integer { min: i64, max: i64 },
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Transform {
    /// The value itself.
    Identity,
    /// `ln(1 + value)`, for amounts and counts.
    Log1p,
    /// 1 for an hour from 22 to 5 (night), else 0.
    Night,
    /// 1 for true, 0 for false.
    Indicator,
}

#[derive(Debug)]
struct Feature {
    name: String,
    kind: Kind,
    transform: Transform,
    weight: f64,
}

#[derive(Debug)]
pub struct Logistic {
    output: String,
    threshold: f64,
    positive: String,
    negative: String,
    bias: f64,
    features: Vec<Feature>,
    names: Vec<String>,
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Logistic {
    pub fn from_json(spec: &Value) -> Result<Self, LoadError> {
        let labels = spec.get("labels").cloned().unwrap_or(Value::Null);
        let mut features = Vec::new();
        for feature in spec
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| LoadError::new("features: must be a list"))?
        {
            let name = field_str(feature, "name")?;
            let kind = match field_str(feature, "type")?.as_str() {
                "number" => Kind::Number {
                    min: field_f64(feature, "min")?,
                    max: field_f64(feature, "max")?,
                },
                "integer" => Kind::Integer {
                    min: field_f64(feature, "min")? as i64,
                    max: field_f64(feature, "max")? as i64,
                },
                "boolean" => Kind::Boolean,
                other => return Err(LoadError::new(format!("{name}: unknown type {other}"))),
            };
            let transform = match field_str(feature, "transform")?.as_str() {
                "identity" => Transform::Identity,
                "log1p" => Transform::Log1p,
                "night" => Transform::Night,
                "indicator" => Transform::Indicator,
                other => {
                    return Err(LoadError::new(format!("{name}: unknown transform {other}")));
                }
            };
            let fits = matches!(
                (kind, transform),
                (Kind::Boolean, Transform::Indicator)
                    | (Kind::Integer { .. }, Transform::Night)
                    | (
                        Kind::Number { .. } | Kind::Integer { .. },
                        Transform::Identity | Transform::Log1p
                    )
            );
            if !fits {
                return Err(LoadError::new(format!(
                    "{name}: transform does not fit its type"
                )));
            }
            features.push(Feature {
                name,
                kind,
                transform,
                weight: field_f64(feature, "weight")?,
            });
        }
        if features.is_empty() {
            return Err(LoadError::new("features: at least one is needed"));
        }
        let names = features.iter().map(|f| f.name.clone()).collect();
        Ok(Logistic {
            output: field_str(spec, "output")?,
            threshold: field_f64(spec, "threshold")?,
            positive: field_str(&labels, "positive")?,
            negative: field_str(&labels, "negative")?,
            bias: field_f64(spec, "bias")?,
            features,
            names,
        })
    }

    fn value(feature: &Feature, fields: &Map<String, Value>) -> Result<f64, InputError> {
        let name = feature.name.as_str();
        let raw = match feature.kind {
            Kind::Number { min, max } => input::number(fields, name, min, max)?,
            Kind::Integer { min, max } => input::integer(fields, name, min, max)? as f64,
            Kind::Boolean => f64::from(u8::from(input::boolean(fields, name)?)),
        };
        Ok(match feature.transform {
            Transform::Identity | Transform::Indicator => raw,
            Transform::Log1p => raw.ln_1p(),
            Transform::Night => f64::from(u8::from(!(6.0..22.0).contains(&raw))),
        })
    }

    /// The probability for one instance.
    pub fn probability(&self, instance: &Value) -> Result<f64, InputError> {
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let fields = input::object(instance, &names)?;
        let mut z = self.bias;
        for feature in &self.features {
            z += feature.weight * Self::value(feature, fields)?;
        }
        Ok(sigmoid(z))
    }
}

impl Predictor for Logistic {
    fn predict(&self, instance: &Value) -> Result<Value, InputError> {
        let p = self.probability(instance)?;
        let label = if p >= self.threshold {
            &self.positive
        } else {
            &self.negative
        };
        let mut answer = Map::new();
        answer.insert(self.output.clone(), json!(p));
        answer.insert("label".into(), json!(label));
        Ok(Value::Object(answer))
    }

    fn input_fields(&self) -> Vec<String> {
        self.names.clone()
    }
}
