//! Who is signed in, as the pages see it. Shared by the server and the
//! browser bundle; the server decides every field.

use serde::{Deserialize, Serialize};

/// The signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SignedInUser {
    /// The identity provider's name for the person (the configured
    /// username claim), without the Kubernetes prefix.
    pub username: String,
    /// A name to greet them with.
    pub display_name: String,
    pub email: Option<String>,
    /// Groups from the identity provider, without the Kubernetes prefix.
    pub groups: Vec<String>,
    /// Whether one of the configured manager groups contains them.
    pub is_manager: bool,
}
