//! A word-bigram continuation, counted at start-up from a public-domain
//! text: from the prompt's last word the corpus knows (or, if it knows none,
//! the corpus's most frequent word), each next word is the word that most
//! often follows the current one (ties: the first by name); it stops after
//! `max_words` or at a word nothing follows.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::text::{data_lines, words};
use super::{LoadError, Predictor};
use crate::input::{self, InputError};

pub const MAX_PROMPT_CHARS: usize = 2000;
pub const DEFAULT_WORDS: i64 = 12;
pub const MAX_WORDS: i64 = 50;

#[derive(Debug)]
pub struct Bigram {
    /// For each word, the word that most often follows it.
    next: HashMap<String, String>,
    /// Words of the corpus, for the prompt's last known word.
    known: HashMap<String, usize>,
    most_frequent: String,
}

/// The key with the highest count; on a tie the first by name.
fn most_common(counts: &BTreeMap<String, usize>) -> Option<String> {
    let mut best: Option<(&String, usize)> = None;
    for (word, count) in counts {
        if best.is_none_or(|(_, top)| *count > top) {
            best = Some((word, *count));
        }
    }
    best.map(|(word, _)| word.clone())
}

impl Bigram {
    pub fn train(corpus: &str) -> Result<Self, LoadError> {
        let text: Vec<&str> = data_lines(corpus).collect();
        let tokens = words(&text.join("\n"));
        if tokens.len() < 2 {
            return Err(LoadError::new("corpus: too few words"));
        }
        let mut followers: HashMap<&str, BTreeMap<String, usize>> = HashMap::new();
        let mut frequency: BTreeMap<String, usize> = BTreeMap::new();
        for pair in tokens.windows(2) {
            *followers
                .entry(pair[0].as_str())
                .or_default()
                .entry(pair[1].clone())
                .or_default() += 1;
        }
        for token in &tokens {
            *frequency.entry(token.clone()).or_default() += 1;
        }
        let next = followers
            .iter()
            .filter_map(|(word, counts)| Some(((*word).to_owned(), most_common(counts)?)))
            .collect();
        Ok(Bigram {
            next,
            most_frequent: most_common(&frequency).unwrap_or_default(),
            known: frequency.into_iter().collect(),
        })
    }

    /// The continuation of `prompt`, at most `max_words` words.
    pub fn continue_from(&self, prompt: &str, max_words: usize) -> Vec<String> {
        let mut current = words(prompt)
            .into_iter()
            .rev()
            .find(|word| self.known.contains_key(word))
            .unwrap_or_else(|| self.most_frequent.clone());
        let mut out = Vec::new();
        while out.len() < max_words {
            let Some(next) = self.next.get(&current) else {
                break;
            };
            out.push(next.clone());
            current = next.clone();
        }
        out
    }
}

impl Predictor for Bigram {
    fn predict(&self, instance: &Value) -> Result<Value, InputError> {
        let fields = input::object(instance, &["prompt", "max_words"])?;
        let prompt = input::text(fields, "prompt", MAX_PROMPT_CHARS)?;
        let max_words = if fields.contains_key("max_words") {
            input::integer(fields, "max_words", 1, MAX_WORDS)?
        } else {
            DEFAULT_WORDS
        };
        let words = self.continue_from(prompt, max_words as usize);
        Ok(json!({"completion": words.join(" "), "words": words.len()}))
    }

    fn input_fields(&self) -> Vec<String> {
        vec!["prompt".into(), "max_words".into()]
    }
}
