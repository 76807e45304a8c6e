//! The "Try it" panel: a form whose `input` is the model's JSON input. With
//! JavaScript it calls the server function and shows the answer in place;
//! without, it posts to `/models/{ns}/{name}/invoke`, which comes back to
//! this page with `?call=ID` and the answer is read from there.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::model_use::{InvokeModel, model_call_answer};
use crate::wire::model_calls::{CallAnswer, EndpointState};

/// The panel's call and input, kept by the model's page rather than the
/// panel: a live refresh of the page re-renders the panel, and the answer
/// and what was typed must survive it.
#[derive(Clone, Copy)]
pub struct TryItState {
    call: ServerAction<InvokeModel>,
    /// What was typed, by `namespace/name` of the model it was typed for.
    input: RwSignal<Option<(String, String)>>,
    /// The model (`namespace/name`) of the latest call.
    called: RwSignal<String>,
    /// The answer of a call posted without JavaScript (`?call=ID`). Made
    /// with the page, before the page's other data: the browser reads each
    /// piece of data the server sent in the order it is made, so it must
    /// not depend on which section's data arrives first.
    posted: Resource<Option<CallAnswer>>,
}

impl TryItState {
    fn new() -> Self {
        let query = use_query_map();
        Self {
            call: ServerAction::<InvokeModel>::new(),
            input: RwSignal::new(None),
            called: RwSignal::new(String::new()),
            posted: Resource::new(
                move || query.read().get("call"),
                |id| async move {
                    match id {
                        Some(id) => model_call_answer(id).await.ok().flatten(),
                        None => None,
                    }
                },
            ),
        }
    }
}

/// Keeps the "Try it" panel's state for the page that calls this.
pub fn provide_try_it_state() {
    provide_context(TryItState::new());
}

#[component]
pub fn TryIt(
    namespace: String,
    model: String,
    may_call: bool,
    example_input: String,
    endpoint: EndpointState,
) -> impl IntoView {
    let action = format!("/models/{namespace}/{model}/invoke");
    let state = use_context::<TryItState>().unwrap_or_else(TryItState::new);
    let key = format!("{namespace}/{model}");
    let typed = state
        .input
        .get_untracked()
        .filter(|(typed_for, _)| *typed_for == key)
        .map(|(_, text)| text);
    let input = RwSignal::new(typed.unwrap_or(example_input));
    let call = state.call;
    let (remember, called_key) = (key.clone(), key.clone());
    Effect::new(move |_| {
        state.input.set(Some((remember.clone(), input.get())));
    });
    let posted = state.posted;
    let (ns, name) = (namespace.clone(), model.clone());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        state.called.set(format!("{ns}/{name}"));
        call.dispatch(InvokeModel {
            namespace: ns.clone(),
            name: name.clone(),
            input: input.get_untracked(),
        });
    };
    let unavailable = matches!(endpoint, EndpointState::NotDeclared);
    view! {
        {(!may_call).then(|| view! {
            <p class="notice-inline" data-testid="try-it-no-grant">
                "You hold no grant that calls this model: a call will be refused. Request the "
                <strong>"invoker"</strong> " level above."
            </p>
        })}
        <form method="post" action=action class="try-it-form" on:submit=on_submit>
            <label for="try-it-input">"Input (JSON)"</label>
            <textarea
                id="try-it-input"
                name="input"
                rows="6"
                spellcheck="false"
                prop:value=move || input.get()
                on:input=move |event| input.set(event_target_value(&event))
            >{input.get_untracked()}</textarea>
            <button type="submit" disabled=unavailable aria-busy=move || call.pending().get().to_string()>
                {move || if call.pending().get() { "Calling…" } else { "Call the model" }}
            </button>
        </form>
        <div aria-live="polite" data-testid="try-it-answer-area">
            {move || match call.value().get().filter(|_| state.called.get() == called_key) {
                Some(Ok(answer)) => view! { <Answer answer/> }.into_any(),
                Some(Err(error)) => view! {
                    <Answer answer=CallAnswer {
                        status: error.status(),
                        answered: false,
                        body: error.message,
                        latency_ms: 0,
                        grant: None,
                    }/>
                }.into_any(),
                None => view! {
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            posted.await.map(|answer| view! { <Answer answer/> })
                        })}
                    </Transition>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Answer(answer: CallAnswer) -> impl IntoView {
    let heading = if answer.answered {
        format!(
            "The model answered ({}) in {} ms",
            answer.status, answer.latency_ms
        )
    } else {
        format!("Not answered ({})", answer.status)
    };
    view! {
        <div class=if answer.answered { "try-it-answer answered" } else { "try-it-answer refused" } data-testid="try-it-answer">
            <p><strong>{heading}</strong>
                {answer.grant.map(|grant| view! { <span class="muted">" — under grant " <code>{grant}</code></span> })}
            </p>
            <pre data-testid="try-it-answer-body">{answer.body}</pre>
        </div>
    }
}
