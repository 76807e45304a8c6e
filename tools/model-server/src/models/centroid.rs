//! A nearest-centroid image classifier over 8×8 grayscale images: at
//! start-up each label's training images (pixels scaled to 0–1) are averaged
//! into a centroid; an image gets the label of the nearest centroid
//! (Euclidean distance; ties: the first label by name), with
//! `confidence = exp(-d_label / T) / Σ exp(-d / T)` over all labels, where
//! the temperature `T` is 0.1.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::text::data_lines;
use super::{LoadError, Predictor};
use crate::input::{self, InputError};

pub const PIXELS: usize = 64;
/// The softmax temperature of the confidence.
pub const TEMPERATURE: f64 = 0.1;

#[derive(Debug)]
pub struct NearestCentroid {
    centroids: BTreeMap<String, [f64; PIXELS]>,
}

impl NearestCentroid {
    /// Trains on lines of a label and 64 pixel values (0–255).
    pub fn train(samples: &str) -> Result<Self, LoadError> {
        let mut sums: BTreeMap<String, ([f64; PIXELS], usize)> = BTreeMap::new();
        for (number, line) in data_lines(samples).enumerate() {
            let mut parts = line.split_whitespace();
            let label = parts.next().unwrap_or_default().to_owned();
            let pixels: Vec<f64> = parts
                .map(|p| p.parse::<u8>().map(|v| f64::from(v) / 255.0))
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    LoadError::new(format!("image {}: pixels must be 0-255", number + 1))
                })?;
            if pixels.len() != PIXELS {
                return Err(LoadError::new(format!(
                    "image {}: {} pixels, expected {PIXELS}",
                    number + 1,
                    pixels.len()
                )));
            }
            let (sum, count) = sums.entry(label).or_insert(([0.0; PIXELS], 0));
            for (s, p) in sum.iter_mut().zip(&pixels) {
                *s += p;
            }
            *count += 1;
        }
        if sums.len() < 2 {
            return Err(LoadError::new("images: at least two labels are needed"));
        }
        let centroids = sums
            .into_iter()
            .map(|(label, (sum, count))| (label, sum.map(|s| s / count as f64)))
            .collect();
        Ok(NearestCentroid { centroids })
    }

    /// Distance from the image (pixels 0–1) to each centroid, by label.
    pub fn distances(&self, image: &[f64; PIXELS]) -> BTreeMap<String, f64> {
        self.centroids
            .iter()
            .map(|(label, centroid)| {
                let squared: f64 = centroid
                    .iter()
                    .zip(image)
                    .map(|(c, p)| (c - p) * (c - p))
                    .sum();
                (label.clone(), squared.sqrt())
            })
            .collect()
    }
}

fn pixels(fields: &Map<String, Value>) -> Result<[f64; PIXELS], InputError> {
    let wrong = || {
        InputError::new(
            "pixels",
            format!("must be a list of {PIXELS} whole numbers from 0 to 255 (8×8, row by row)"),
        )
    };
    let list = fields
        .get("pixels")
        .ok_or_else(|| InputError::new("pixels", "is required"))?
        .as_array()
        .ok_or_else(wrong)?;
    if list.len() != PIXELS {
        return Err(wrong());
    }
    let mut image = [0.0; PIXELS];
    for (slot, value) in image.iter_mut().zip(list) {
        let v = value.as_u64().filter(|v| *v <= 255).ok_or_else(wrong)?;
        *slot = v as f64 / 255.0;
    }
    Ok(image)
}

impl Predictor for NearestCentroid {
    fn predict(&self, instance: &Value) -> Result<Value, InputError> {
        let fields = input::object(instance, &["pixels"])?;
        let distances = self.distances(&pixels(fields)?);
        let mut label = "";
        let mut nearest = f64::INFINITY;
        for (name, d) in &distances {
            if *d < nearest {
                nearest = *d;
                label = name;
            }
        }
        let total: f64 = distances
            .values()
            .map(|d| ((nearest - d) / TEMPERATURE).exp())
            .sum();
        let confidence = 1.0 / total;
        let distances: Map<String, Value> = distances
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        Ok(json!({"label": label, "confidence": confidence, "distances": distances}))
    }

    fn input_fields(&self) -> Vec<String> {
        vec!["pixels".into()]
    }
}
