//! Light and dark themes. The page follows the system setting unless the
//! person picks one; the pick is kept in the browser's local storage.

use leptos::prelude::*;

/// Local-storage key holding an explicit theme choice.
pub const THEME_STORAGE_KEY: &str = "aigov-theme";

/// Applies a stored theme before the first paint, so a dark choice does not
/// flash light. Runs as an inline script carrying the page's CSP nonce.
pub const THEME_BOOT_SCRIPT: &str = "try{var t=localStorage.getItem('aigov-theme');\
if(t==='light'||t==='dark'){document.documentElement.dataset.theme=t}}catch(e){}";

/// What the person chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    /// The choice a click on the toggle moves to.
    pub fn next(self) -> Self {
        match self {
            ThemeChoice::System => ThemeChoice::Light,
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::System,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "System theme",
            ThemeChoice::Light => "Light theme",
            ThemeChoice::Dark => "Dark theme",
        }
    }

    /// The value kept in storage and in `<html data-theme>`; none for System.
    pub fn stored_value(self) -> Option<&'static str> {
        match self {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some("light"),
            ThemeChoice::Dark => Some("dark"),
        }
    }

    pub fn from_stored_value(value: Option<&str>) -> Self {
        match value {
            Some("light") => ThemeChoice::Light,
            Some("dark") => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        }
    }
}

/// A button that cycles system → light → dark. It needs the browser bundle,
/// so it stays hidden until the page has hydrated; without JavaScript the
/// page simply follows the system theme.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    let choice = RwSignal::new(ThemeChoice::System);
    Effect::new(move |_| {
        choice.set(browser::stored_choice());
        hydrated.set(true);
    });
    let on_click = move |_| {
        let next = choice.get_untracked().next();
        choice.set(next);
        browser::apply_choice(next);
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            hidden=move || !hydrated.get()
            on:click=on_click
            aria-label=move || {
                format!("{}; switch to {}", choice.get().label(), choice.get().next().label())
            }
        >
            <span aria-hidden="true" class="theme-icon">
                {move || match choice.get() {
                    ThemeChoice::System => "◐",
                    ThemeChoice::Light => "☀",
                    ThemeChoice::Dark => "☾",
                }}
            </span>
            <span class="theme-label">{move || choice.get().label()}</span>
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{THEME_STORAGE_KEY, ThemeChoice};

    pub fn stored_choice() -> ThemeChoice {
        let stored = web_sys::window()
            .and_then(|window| window.local_storage().ok().flatten())
            .and_then(|storage| storage.get_item(THEME_STORAGE_KEY).ok().flatten());
        ThemeChoice::from_stored_value(stored.as_deref())
    }

    pub fn apply_choice(choice: ThemeChoice) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(root) = window.document().and_then(|doc| doc.document_element()) {
            let _ = match choice.stored_value() {
                Some(value) => root.set_attribute("data-theme", value),
                None => root.remove_attribute("data-theme"),
            };
        }
        if let Ok(Some(storage)) = window.local_storage() {
            let _ = match choice.stored_value() {
                Some(value) => storage.set_item(THEME_STORAGE_KEY, value),
                None => storage.remove_item(THEME_STORAGE_KEY),
            };
        }
    }
}

/// On the server there is no browser to ask; effects never run there.
#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::ThemeChoice;

    pub fn stored_choice() -> ThemeChoice {
        ThemeChoice::System
    }

    pub fn apply_choice(_choice: ThemeChoice) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_three_times_returns_to_the_system_theme() {
        let start = ThemeChoice::System;
        assert_eq!(start.next().next().next(), start);
        assert_ne!(start.next(), start);
    }

    #[test]
    fn stored_values_round_trip_and_unknown_values_mean_system() {
        for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
            assert_eq!(
                ThemeChoice::from_stored_value(choice.stored_value()),
                choice
            );
        }
        assert_eq!(
            ThemeChoice::from_stored_value(Some("neon")),
            ThemeChoice::System
        );
    }

    #[test]
    fn boot_script_reads_the_same_storage_key() {
        assert!(THEME_BOOT_SCRIPT.contains(THEME_STORAGE_KEY));
    }
}
