//! Versions of the Pod Security Standards, written as the apiserver's
//! `pod-security.kubernetes.io/<mode>-version` labels write them: `latest`
//! or `v1.<minor>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A version of the Pod Security Standards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PssVersion {
    /// The newest rules; what the apiserver applies when no version is set.
    #[default]
    Latest,
    /// The rules as of Kubernetes `v1.<minor>`.
    V1(u32),
}

impl PssVersion {
    /// The newest minor version whose rules differ from the one before it:
    /// `latest`, and every later version, mean these rules.
    pub const NEWEST_RULES: u32 = 35;

    /// The minor version whose rules apply.
    pub fn minor(self) -> u32 {
        match self {
            PssVersion::Latest => Self::NEWEST_RULES,
            PssVersion::V1(minor) => minor.min(Self::NEWEST_RULES),
        }
    }

    /// Whether the rules of `v1.<minor>` are in this version.
    pub fn at_least(self, minor: u32) -> bool {
        self.minor() >= minor
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PssVersion::Latest => f.write_str("latest"),
            PssVersion::V1(minor) => write!(f, "v1.{minor}"),
        }
    }
}

impl FromStr for PssVersion {
    type Err = String;

    /// `latest` or `v1.<minor>` (no leading zeros), as the apiserver reads
    /// its labels.
    fn from_str(text: &str) -> Result<PssVersion, String> {
        if text == "latest" {
            return Ok(PssVersion::Latest);
        }
        let minor = text
            .strip_prefix("v1.")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            .filter(|m| *m == "0" || !m.starts_with('0'))
            .and_then(|m| m.parse().ok());
        minor.map(PssVersion::V1).ok_or_else(|| {
            format!(
                "unknown Pod Security Standards version `{text}`: write `latest` or `v1.<minor>`, e.g. v1.25"
            )
        })
    }
}

impl Serialize for PssVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PssVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PssVersion, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_latest_and_minor_versions_as_the_apiserver_does() {
        assert_eq!("latest".parse(), Ok(PssVersion::Latest));
        assert_eq!("v1.25".parse(), Ok(PssVersion::V1(25)));
        assert_eq!("v1.0".parse(), Ok(PssVersion::V1(0)));
        for bad in ["", "1.25", "v1.", "v1.025", "v2.1", "v1.2x", "Latest"] {
            assert!(bad.parse::<PssVersion>().is_err(), "{bad}");
        }
        assert_eq!(PssVersion::V1(25).to_string(), "v1.25");
        assert_eq!(PssVersion::Latest.to_string(), "latest");
    }

    #[test]
    fn versions_after_the_newest_rules_are_latest() {
        assert_eq!(PssVersion::V1(99).minor(), PssVersion::Latest.minor());
        assert!(PssVersion::V1(25).at_least(25));
        assert!(!PssVersion::V1(24).at_least(25));
    }
}
