//! The model catalog and its filters.

use crate::crd::DataClassification;
use crate::wire::access::{ModelCatalog, ModelSummary};

/// The catalog filters, as the page's query string carries them; empty
/// means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    pub search: String,
    pub team: String,
    pub classification: String,
}

impl CatalogFilter {
    fn admits(&self, model: &ModelSummary) -> bool {
        let team = self.team.trim();
        let classification = self.classification.trim();
        let words = self.search.trim().to_lowercase();
        (team.is_empty() || model.owner_team == team)
            && (classification.is_empty() || model.classification == classification)
            && (words.is_empty()
                || words
                    .split_whitespace()
                    .all(|word| searchable_text(model).contains(word)))
    }
}

fn searchable_text(model: &ModelSummary) -> String {
    let levels: Vec<&str> = model.levels.iter().map(|l| l.name.as_str()).collect();
    format!(
        "{} {} {} {} {} {}",
        model.display_name,
        model.namespace,
        model.name,
        model.description,
        model.owner_team,
        levels.join(" ")
    )
    .to_lowercase()
}

/// The catalog: every model the filter admits, by display name, with the
/// choices the filters offer taken from all models.
pub fn catalog(mut models: Vec<ModelSummary>, filter: &CatalogFilter) -> ModelCatalog {
    let total = models.len();
    let mut teams: Vec<String> = models.iter().map(|m| m.owner_team.clone()).collect();
    teams.sort();
    teams.dedup();
    let classifications = DataClassification::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .filter(|c| models.iter().any(|m| &m.classification == c))
        .collect();
    models.retain(|model| filter.admits(model));
    models.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.name.cmp(&b.name))
    });
    ModelCatalog {
        models,
        total,
        teams,
        classifications,
    }
}
