//! The filters and order of the managers' compliance overview, as they
//! travel in the address (`/compliance?q=…&sort=…`) and in the exports'
//! query strings, so a filtered view can be bookmarked and exported.

use super::url_words::encode;
use serde::{Deserialize, Serialize};

/// What the overview is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    /// Worst first by default: what a manager looks at first.
    #[default]
    Score,
    Name,
    /// Workloads not isolated, both directions together.
    Unprotected,
    Gpus,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Score,
        SortKey::Name,
        SortKey::Unprotected,
        SortKey::Gpus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Score => "score",
            SortKey::Name => "name",
            SortKey::Unprotected => "unprotected",
            SortKey::Gpus => "gpus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Score => "Score",
            SortKey::Name => "Name",
            SortKey::Unprotected => "Unprotected workloads",
            SortKey::Gpus => "GPUs requested",
        }
    }
}

/// The filters and order; the default shows everything, worst score first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterFilter {
    /// Part of the namespace's name (case-insensitive).
    pub name: String,
    /// The namespace's team label, exactly.
    pub team: String,
    pub min_score: Option<u32>,
    pub max_score: Option<u32>,
    /// Only namespaces where ingress or egress is not default-deny.
    pub not_default_deny: bool,
    /// Only namespaces that request GPUs.
    pub with_gpus: bool,
    pub sort: SortKey,
    pub descending: bool,
}

impl ClusterFilter {
    /// Reads the query string's values (`get` answers one key). Unknown
    /// keys are ignored; a value that cannot mean anything is an error in
    /// words.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let text = |key: &str| get(key).map(|v| v.trim().to_owned()).unwrap_or_default();
        let score = |key: &str, what: &str| -> Result<Option<u32>, String> {
            let value = text(key);
            if value.is_empty() {
                return Ok(None);
            }
            match value.parse::<u32>() {
                Ok(n) if n <= 100 => Ok(Some(n)),
                _ => Err(format!(
                    "The {what} score must be a whole number from 0 to 100, not “{value}”."
                )),
            }
        };
        let sort = match text("sort").as_str() {
            "" | "score" => SortKey::Score,
            "name" => SortKey::Name,
            "unprotected" => SortKey::Unprotected,
            "gpus" => SortKey::Gpus,
            other => {
                return Err(format!(
                    "“{other}” is not a way to sort: use score, name, unprotected or gpus."
                ));
            }
        };
        let descending = match text("order").as_str() {
            "" | "asc" => false,
            "desc" => true,
            other => return Err(format!("“{other}” is not an order: use asc or desc.")),
        };
        let filter = ClusterFilter {
            name: text("q"),
            team: text("team"),
            min_score: score("min", "lowest")?,
            max_score: score("max", "highest")?,
            not_default_deny: text("isolation") == "open",
            with_gpus: matches!(text("gpus").as_str(), "1" | "on" | "true"),
            sort,
            descending,
        };
        if let (Some(min), Some(max)) = (filter.min_score, filter.max_score)
            && min > max
        {
            return Err(format!(
                "The lowest score ({min}) is above the highest ({max}): no namespace can match."
            ));
        }
        Ok(filter)
    }

    /// The query string that [`ClusterFilter::from_query`] reads back,
    /// without defaults (empty for the default filter).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.name.is_empty() {
            pairs.push(("q", self.name.clone()));
        }
        if !self.team.is_empty() {
            pairs.push(("team", self.team.clone()));
        }
        if let Some(min) = self.min_score {
            pairs.push(("min", min.to_string()));
        }
        if let Some(max) = self.max_score {
            pairs.push(("max", max.to_string()));
        }
        if self.not_default_deny {
            pairs.push(("isolation", "open".into()));
        }
        if self.with_gpus {
            pairs.push(("gpus", "1".into()));
        }
        if self.sort != SortKey::Score {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if self.descending {
            pairs.push(("order", "desc".into()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", encode(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `base` with this filter's query string, if any.
    pub fn href(&self, base: &str) -> String {
        match self.to_query() {
            query if query.is_empty() => base.to_owned(),
            query => format!("{base}?{query}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<ClusterFilter, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ClusterFilter::from_query(|key| map.get(key).cloned())
    }

    #[test]
    fn an_empty_query_is_everything_worst_score_first() {
        let filter = parse(&[]).unwrap();
        assert_eq!(filter, ClusterFilter::default());
        assert_eq!(filter.sort, SortKey::Score);
        assert!(!filter.descending);
        assert_eq!(filter.href("/compliance"), "/compliance");
    }

    #[test]
    fn every_filter_survives_the_round_trip_through_the_address() {
        let filter = parse(&[
            ("q", " fraud & co "),
            ("team", "vision"),
            ("min", "40"),
            ("max", "90"),
            ("isolation", "open"),
            ("gpus", "1"),
            ("sort", "gpus"),
            ("order", "desc"),
        ])
        .unwrap();
        assert_eq!(filter.name, "fraud & co");
        let query = filter.to_query();
        assert!(
            query.starts_with("q=fraud%20%26%20co&team=vision"),
            "{query}"
        );
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                let v = v.replace("%20", " ").replace("%26", "&");
                (k.to_owned(), v)
            })
            .collect();
        let again = ClusterFilter::from_query(|key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        })
        .unwrap();
        assert_eq!(again, filter);
    }

    #[test]
    fn nonsense_values_are_refused_in_words() {
        assert!(parse(&[("min", "abc")]).unwrap_err().contains("0 to 100"));
        assert!(parse(&[("max", "101")]).unwrap_err().contains("“101”"));
        assert!(parse(&[("sort", "age")]).unwrap_err().contains("“age”"));
        assert!(
            parse(&[("order", "up")])
                .unwrap_err()
                .contains("asc or desc")
        );
        assert!(
            parse(&[("min", "80"), ("max", "20")])
                .unwrap_err()
                .contains("above the highest")
        );
        assert_eq!(
            parse(&[("min", ""), ("gpus", "")]).unwrap(),
            ClusterFilter::default()
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn value() -> impl Strategy<Value = String> + Clone {
        mixed(
            prop::sample::select(vec![
                "",
                "40",
                "100",
                "score",
                "name",
                "gpus",
                "desc",
                "asc",
                "open",
                "1",
                "fraud & co",
            ])
            .prop_map(str::to_owned),
        )
    }

    /// The query string as a server reads it: split at `&` and the first
    /// `=`, then percent-decoded.
    fn read_query(query: &str) -> HashMap<String, String> {
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .expect("the writer encodes UTF-8")
                .into_owned()
        };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_query_is_a_filter_that_survives_the_round_trip_or_an_error_in_words(
            pairs in prop::collection::hash_map(
                prop::sample::select(vec!["q", "team", "min", "max", "isolation", "gpus", "sort", "order", "x"]),
                value(),
                0..9,
            ),
        ) {
            match ClusterFilter::from_query(|key| pairs.get(key).cloned()) {
                Ok(filter) => {
                    let read = read_query(&filter.to_query());
                    let again = ClusterFilter::from_query(|key| read.get(key).cloned());
                    prop_assert_eq!(again, Ok(filter));
                }
                Err(message) => {
                    prop_assert!(message.ends_with('.'), "{:?}", message);
                    prop_assert!(message.contains('“') || message.contains("above the highest"));
                }
            }
        }
    }
}
