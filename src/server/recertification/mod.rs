//! Recertifications of standing access ([`crate::crd::recertification`]):
//! started by a manager as them, listed and answered through the portal,
//! kept up by the leader ([`upkeep`]). The portal reads recertifications
//! with its own identity and shows each person the items they may answer,
//! or, to a manager whose RBAC lets them read recertifications, every item
//! of the namespaces they oversee.

pub mod answer;
pub mod error;
pub mod items;
pub mod revoke;
pub mod start;
pub mod upkeep;

use std::collections::BTreeSet;

use jiff::Timestamp;
use kube::api::{Api, ListParams};

use crate::crd::recertification::Recertification;
use crate::present::recertification::{self as present, Viewer};
use crate::server::access::oversight::{ACCESS_REQUESTS, reach};
use crate::server::auth::session::Session;
use crate::server::cluster_cache::access_review::ResourceName;
use crate::server::state::AppState;
use crate::wire::recertification::{RecertificationDetail, RecertificationList};
pub use error::RecertificationError;

/// Recertifications, as RBAC names them.
pub const RECERTIFICATIONS: ResourceName = ResourceName {
    group: "aigov.dev",
    resource: "recertifications",
};

/// The label that names the first review of a recurring series.
pub const SERIES_LABEL: &str = "aigov.dev/recertification-series";

/// Every recertification, newest first, read with the portal's identity.
pub async fn all(client: &kube::Client) -> Result<Vec<Recertification>, RecertificationError> {
    let mut reviews = Api::<Recertification>::all(client.clone())
        .list(&ListParams::default())
        .await
        .map_err(|e| RecertificationError::from_kube(e, "recertifications"))?
        .items;
    reviews.sort_by(|a, b| {
        b.metadata
            .creation_timestamp
            .cmp(&a.metadata.creation_timestamp)
    });
    Ok(reviews)
}

/// One recertification, if it exists.
pub async fn read(
    client: &kube::Client,
    name: &str,
) -> Result<Option<Recertification>, RecertificationError> {
    Api::<Recertification>::all(client.clone())
        .get_opt(name)
        .await
        .map_err(|e| RecertificationError::from_kube(e, "the recertification"))
}

/// What `session` may see of recertifications, with `namespaces` in mind.
pub struct Sight {
    pub everywhere: bool,
    pub overseen: BTreeSet<String>,
    pub reads_recertifications: bool,
}

impl Sight {
    pub fn viewer<'a>(&'a self, session: &'a Session) -> Viewer<'a> {
        Viewer {
            username: &session.user.username,
            groups: &session.user.groups,
            everywhere: self.everywhere,
            overseen: &self.overseen,
            reads_recertifications: self.reads_recertifications,
        }
    }
}

/// Where `session`'s manager powers reach among `namespaces` (asked as
/// them, remembered briefly), and whether their RBAC lets them read
/// recertifications. Someone outside the manager groups has none.
pub async fn sight<'a>(
    state: &AppState,
    session: &Session,
    namespaces: impl IntoIterator<Item = &'a String>,
) -> Result<Sight, RecertificationError> {
    let mut sight = Sight {
        everywhere: false,
        overseen: BTreeSet::new(),
        reads_recertifications: false,
    };
    if !session.user.is_manager {
        return Ok(sight);
    }
    let access = &state.access;
    let user = state.kube.as_user(&session.kube)?;
    let reviews = &access.reviews;
    sight.reads_recertifications = reviews
        .may(&user, &session.kube, "list", "", RECERTIFICATIONS)
        .await?;
    use crate::engine::access::permissions::Oversight;
    for namespace in namespaces {
        match reach(reviews, &access.client, session, namespace, ACCESS_REQUESTS).await? {
            Oversight::Everywhere => {
                sight.everywhere = true;
                break;
            }
            Oversight::In(namespace) => {
                sight.overseen.insert(namespace.to_owned());
            }
            Oversight::None => {}
        }
    }
    Ok(sight)
}

/// The namespaces the reviews cover (their items are all within them).
fn namespaces_of(reviews: &[Recertification]) -> BTreeSet<String> {
    reviews
        .iter()
        .flat_map(|review| review.spec.namespaces.iter().cloned())
        .collect()
}

/// Whether `session`'s RBAC lets them start a recertification (managers
/// only; asked as them, remembered briefly).
async fn may_start(state: &AppState, session: &Session) -> Result<bool, RecertificationError> {
    if !session.user.is_manager {
        return Ok(false);
    }
    let user = state.kube.as_user(&session.kube)?;
    Ok(state
        .access
        .reviews
        .may(&user, &session.kube, "create", "", RECERTIFICATIONS)
        .await?)
}

/// The recertifications page for `session`: those they see something of.
pub async fn list(
    state: &AppState,
    session: &Session,
) -> Result<RecertificationList, RecertificationError> {
    let reviews = all(&state.access.client).await?;
    let sight = sight(state, session, &namespaces_of(&reviews)).await?;
    let models = state.access.store.models().await?;
    let viewer = sight.viewer(session);
    let now = Timestamp::now();
    Ok(RecertificationList {
        reviews: reviews
            .iter()
            .filter_map(|review| present::summary_for(review, &viewer, &models, now))
            .collect(),
        may_start: may_start(state, session).await?,
    })
}

/// One recertification as `session` sees it; not found when they see
/// nothing of it.
pub async fn detail(
    state: &AppState,
    session: &Session,
    name: &str,
) -> Result<RecertificationDetail, RecertificationError> {
    let not_found = || RecertificationError::NotFound(name.chars().take(64).collect());
    if !crate::crd::names::is_object_name(name) {
        return Err(not_found());
    }
    let review = read(&state.access.client, name)
        .await?
        .ok_or_else(not_found)?;
    let reviews = [review];
    let sight = sight(state, session, &namespaces_of(&reviews)).await?;
    let models = state.access.store.models().await?;
    present::detail(
        &reviews[0],
        &sight.viewer(session),
        &models,
        Timestamp::now(),
    )
    .ok_or_else(not_found)
}
