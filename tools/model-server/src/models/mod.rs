//! The demo models, each computed from files in the models folder that are
//! read (and, where a model is trained, trained on) at start-up.

pub mod bigram;
pub mod centroid;
pub mod logistic;
pub mod naive_bayes;
pub mod text;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::input::InputError;

/// A model answers one instance at a time.
pub trait Predictor: Send + Sync {
    /// The prediction for one instance, or what is wrong with it.
    fn predict(&self, instance: &Value) -> Result<Value, InputError>;
    /// The fields an instance has, for error messages and the model listing.
    fn input_fields(&self) -> Vec<String>;
}

/// A model file that cannot be read or makes no sense.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError(String);

impl LoadError {
    pub fn new(message: impl Into<String>) -> Self {
        LoadError(message.into())
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn field_str(value: &Value, name: &str) -> Result<String, LoadError> {
    value
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| LoadError::new(format!("{name}: must be a string")))
}

pub(crate) fn field_f64(value: &Value, name: &str) -> Result<f64, LoadError> {
    value
        .get(name)
        .and_then(Value::as_f64)
        .ok_or_else(|| LoadError::new(format!("{name}: must be a number")))
}

/// One served model.
pub struct Model {
    pub name: &'static str,
    pub namespace: &'static str,
    pub predictor: Box<dyn Predictor>,
}

/// Every model, by name.
pub struct Registry {
    pub models: Vec<Model>,
}

fn read(dir: &Path, file: &str) -> Result<String, LoadError> {
    let path = dir.join(file);
    std::fs::read_to_string(&path).map_err(|e| LoadError::new(format!("{}: {e}", path.display())))
}

fn read_json(dir: &Path, file: &str) -> Result<Value, LoadError> {
    serde_json::from_str(&read(dir, file)?)
        .map_err(|e| LoadError::new(format!("{}: {e}", dir.join(file).display())))
}

fn in_file<T>(file: &str, result: Result<T, LoadError>) -> Result<T, LoadError> {
    result.map_err(|e| LoadError::new(format!("{file}: {e}")))
}

impl Registry {
    /// Reads the parameters and trains the models from the files in `dir`.
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        let logistic = |file: &str| -> Result<Box<dyn Predictor>, LoadError> {
            Ok(Box::new(in_file(
                file,
                logistic::Logistic::from_json(&read_json(dir, file)?),
            )?))
        };
        let models = vec![
            Model {
                name: "fraud-scorer",
                namespace: "fraud-detection",
                predictor: logistic("fraud-scorer.json")?,
            },
            Model {
                name: "chargeback-risk",
                namespace: "fraud-detection",
                predictor: logistic("chargeback-risk.json")?,
            },
            Model {
                name: "support-assistant",
                namespace: "llm",
                predictor: Box::new(in_file(
                    "support-tickets.tsv",
                    naive_bayes::NaiveBayes::train(
                        &read(dir, "support-tickets.tsv")?,
                        &read_json(dir, "support-replies.json")?,
                    ),
                )?),
            },
            Model {
                name: "object-detector",
                namespace: "vision",
                predictor: Box::new(in_file(
                    "surface-images.txt",
                    centroid::NearestCentroid::train(&read(dir, "surface-images.txt")?),
                )?),
            },
            Model {
                name: "playground-llm",
                namespace: "sandbox",
                predictor: Box::new(in_file(
                    "playground-corpus.txt",
                    bigram::Bigram::train(&read(dir, "playground-corpus.txt")?),
                )?),
            },
        ];
        Ok(Registry { models })
    }

    pub fn get(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|model| model.name == name)
    }
}
