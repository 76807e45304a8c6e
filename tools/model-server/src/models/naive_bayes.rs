//! A multinomial naive Bayes text classifier (bag of words, Laplace
//! smoothing with α = 1), trained at start-up on labelled tickets, and a
//! reply template per category.
//!
//! score(c) = ln P(c) + Σ over the text's words w known from training of
//! ln((count(w, c) + 1) / (words(c) + |vocabulary|)); the answer's `scores`
//! are the scores turned into probabilities (softmax), the category is the
//! highest (ties: the first by name).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use super::text::{data_lines, words};
use super::{LoadError, Predictor};
use crate::input::{self, InputError};

/// The longest ticket text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

#[derive(Debug, Default)]
struct Class {
    documents: usize,
    words: usize,
    counts: HashMap<String, usize>,
}

#[derive(Debug)]
pub struct NaiveBayes {
    classes: BTreeMap<String, Class>,
    vocabulary: BTreeSet<String>,
    documents: usize,
    replies: BTreeMap<String, String>,
}

impl NaiveBayes {
    /// Trains on `tickets` (lines of category, tab, text) with a reply per
    /// category from `replies` (a JSON object).
    pub fn train(tickets: &str, replies: &Value) -> Result<Self, LoadError> {
        let mut classes: BTreeMap<String, Class> = BTreeMap::new();
        let mut vocabulary = BTreeSet::new();
        let mut documents = 0;
        for (number, line) in data_lines(tickets).enumerate() {
            let Some((category, text)) = line.split_once('\t') else {
                return Err(LoadError::new(format!(
                    "ticket {}: expected a category, a tab and the text",
                    number + 1
                )));
            };
            let class = classes.entry(category.trim().to_owned()).or_default();
            class.documents += 1;
            documents += 1;
            for word in words(text) {
                class.words += 1;
                vocabulary.insert(word.clone());
                *class.counts.entry(word).or_default() += 1;
            }
        }
        if classes.len() < 2 {
            return Err(LoadError::new(
                "tickets: at least two categories are needed",
            ));
        }
        let mut templates = BTreeMap::new();
        for category in classes.keys() {
            let reply = replies
                .get(category)
                .and_then(Value::as_str)
                .ok_or_else(|| LoadError::new(format!("replies: none for {category}")))?;
            templates.insert(category.clone(), reply.to_owned());
        }
        Ok(NaiveBayes {
            classes,
            vocabulary,
            documents,
            replies: templates,
        })
    }

    /// Each category's probability for `text`, by name.
    pub fn probabilities(&self, text: &str) -> BTreeMap<String, f64> {
        let tokens = words(text);
        let size = self.vocabulary.len() as f64;
        let log_scores: Vec<(&String, f64)> = self
            .classes
            .iter()
            .map(|(name, class)| {
                let mut score = (class.documents as f64 / self.documents as f64).ln();
                let denominator = class.words as f64 + size;
                for token in tokens.iter().filter(|t| self.vocabulary.contains(*t)) {
                    let count = class.counts.get(token).copied().unwrap_or(0) as f64;
                    score += ((count + 1.0) / denominator).ln();
                }
                (name, score)
            })
            .collect();
        let top = log_scores
            .iter()
            .map(|(_, s)| *s)
            .fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = log_scores.iter().map(|(_, s)| (s - top).exp()).sum();
        log_scores
            .into_iter()
            .map(|(name, s)| (name.clone(), (s - top).exp() / total))
            .collect()
    }
}

impl Predictor for NaiveBayes {
    fn predict(&self, instance: &Value) -> Result<Value, InputError> {
        let fields = input::object(instance, &["text"])?;
        let text = input::text(fields, "text", MAX_TEXT_CHARS)?;
        let scores = self.probabilities(text);
        // The highest probability; on a tie the first category by name.
        let mut category = "";
        let mut best = f64::NEG_INFINITY;
        for (name, p) in &scores {
            if *p > best {
                best = *p;
                category = name;
            }
        }
        let scores: Map<String, Value> =
            scores.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        Ok(json!({
            "category": category,
            "scores": scores,
            "draft": self.replies[category],
        }))
    }

    fn input_fields(&self) -> Vec<String> {
        vec!["text".into()]
    }
}
