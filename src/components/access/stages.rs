//! A request's stages of approval, in order: which are done, which decides
//! now and which waits, with each stage's approvals and approvers.

use leptos::prelude::*;

use crate::wire::access::{StageState, StageView};

/// The stages, as an ordered list (nothing for a model without stages).
#[component]
pub fn StageList(stages: Vec<StageView>) -> impl IntoView {
    (!stages.is_empty()).then(|| {
        view! {
            <ol class="stage-list" data-testid="stages" aria-label="Stages of approval">
                {stages
                    .into_iter()
                    .map(|stage| {
                        let (word, class) = match stage.state {
                            StageState::Done => ("done", "badge badge-active"),
                            StageState::Open => ("deciding now", "badge badge-pending"),
                            StageState::Waiting => ("waiting", "badge badge-ended"),
                        };
                        let name = stage.name.clone();
                        view! {
                            <li class="stage" data-stage=name data-state=word>
                                <strong>{stage.name}</strong>
                                " "
                                <span class=class>{word}</span>
                                " "
                                {format!("{} of {}", stage.approvals, stage.required)}
                                " · "
                                <span class="muted">{stage.approvers}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
    })
}
