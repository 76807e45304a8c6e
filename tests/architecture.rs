//! The layers import one way: UI (`pages`, `components`) → `api` →
//! `present` → `engine`; `server` serves the API and never imports the UI;
//! `wire` crosses to the browser and imports no server-side layer. This
//! test reads every file under `src/` and names each import that runs the
//! wrong way (see `docs/architecture.md`).

use std::path::{Path, PathBuf};

/// The layer a file belongs to: the first folder under `src/`, or the
/// file's own name for the crate's top-level files (`app`, `lib`, …).
fn layer_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_owned()
}

/// The module path of a file, e.g. `api/access/mine.rs` → [api, access, mine].
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The crate's top-level modules that `line` refers to, with `super::`
/// and `self::` resolved against `module` (the module of the file).
fn referenced_layers(line: &str, module: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = 0;
    while start < line.len() {
        let rest = &line[start..];
        let Some(offset) = rest.find("crate::").or_else(|| rest.find("super::")) else {
            break;
        };
        // The earliest of the two, so a line with both is read in order.
        let offset = [rest.find("crate::"), rest.find("super::")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(offset);
        let at = start + offset;
        start = at + 1;
        if at > 0 && is_ident(bytes[at - 1]) {
            continue;
        }
        let mut path: Vec<String> = Vec::new();
        let mut segments = line[at..]
            .split("::")
            .map(|segment| {
                segment
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .peekable();
        if segments.peek().map(String::as_str) == Some("crate") {
            segments.next();
        } else {
            path = module.to_vec();
            // A file's own module: `super` of `a/b.rs` (module a::b) is `a`.
            while segments.peek().map(String::as_str) == Some("super") {
                segments.next();
                path.pop();
            }
        }
        path.extend(segments.take_while(|segment| !segment.is_empty()));
        if let Some(first) = path.first() {
            found.push(first.clone());
        }
    }
    found
}

/// What `layer` may not import, by top-level module.
fn forbidden_imports(layer: &str) -> &'static [&'static str] {
    match layer {
        // The route table, the lazily loaded routes and the prefetch of
        // their chunks sit above the UI: pages and components never reach
        // back up to them.
        "pages" => &[
            "server", "present", "engine", "crd", "cli", "app", "routes", "prefetch",
        ],
        "components" => &[
            "pages", "server", "present", "engine", "crd", "cli", "app", "routes", "prefetch",
        ],
        "api" => &["pages", "components", "app"],
        "wire" => &[
            "pages",
            "components",
            "api",
            "server",
            "present",
            "engine",
            "crd",
            "cli",
        ],
        "present" => &["pages", "components", "api", "app", "cli"],
        "engine" => &[
            "pages",
            "components",
            "api",
            "app",
            "server",
            "present",
            "cli",
        ],
        // The router mounts the app (its shell and route table) to render
        // pages; that is the server's one way to the UI.
        "server" => &["pages", "components", "api"],
        "crd" | "cli" => &["pages", "components", "api", "app"],
        _ => &[],
    }
}

/// Crates and modules that do I/O, which the pure layers never touch.
const INPUT_OUTPUT: [&str; 7] = [
    "tokio",
    "kube::Client",
    "kube::Api",
    "kube::runtime",
    "std::fs",
    "reqwest",
    "axum",
];

/// Every import in `source` (the file at `relative` under `src/`) that
/// runs the wrong way, as `file:line: what`.
fn violations(relative: &Path, source: &str) -> Vec<String> {
    let layer = layer_of(relative);
    let module = module_of(relative);
    let pure = matches!(layer.as_str(), "engine" | "present");
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let at = format!("{}:{}", relative.display(), number + 1);
        for target in referenced_layers(code, &module) {
            if forbidden_imports(&layer).contains(&target.as_str()) {
                found.push(format!("{at}: {layer} imports {target}"));
            }
        }
        if pure {
            for io in INPUT_OUTPUT {
                let uses = code.match_indices(io).any(|(index, _)| {
                    let before = code[..index].chars().last();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if uses {
                    found.push(format!("{at}: {layer} is pure but uses {io}"));
                }
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_import_in_src_flows_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 100, "read {} files", files.len());
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        found.extend(violations(file.strip_prefix(&src).unwrap(), &source));
    }
    assert!(
        found.is_empty(),
        "imports against the layers (docs/architecture.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_component_that_imports_a_page_is_named() {
    let planted = "use leptos::prelude::*;\nuse crate::pages::models::ModelCatalogPage;\n";
    let found = violations(Path::new("components/access/card.rs"), planted);
    assert_eq!(
        found,
        ["components/access/card.rs:2: components imports pages"]
    );
}

#[test]
fn a_component_that_reaches_up_to_the_routes_is_named() {
    let planted = "use crate::routes::Area;\n";
    let found = violations(Path::new("components/layout.rs"), planted);
    assert_eq!(found, ["components/layout.rs:1: components imports routes"]);
}

#[test]
fn the_server_importing_the_api_through_super_is_named() {
    let planted =
        "use super::super::super::api::ApiError;\nfn f() { super::state::AppState::x(); }\n";
    let found = violations(Path::new("server/access/grant.rs"), planted);
    assert_eq!(found, ["server/access/grant.rs:1: server imports api"]);
}

#[test]
fn an_engine_that_does_input_or_output_is_named() {
    let planted = "use std::fs::read;\n// tokio is only named in a comment\nasync fn f(c: kube::Client) { tokio::time::sleep(d).await }\n";
    let found = violations(Path::new("engine/netpol/mod.rs"), planted);
    assert_eq!(
        found,
        [
            "engine/netpol/mod.rs:1: engine is pure but uses std::fs",
            "engine/netpol/mod.rs:3: engine is pure but uses tokio",
            "engine/netpol/mod.rs:3: engine is pure but uses kube::Client",
        ]
    );
}

#[test]
fn a_page_may_use_the_api_and_the_wire_types() {
    let fine = "use crate::api::models::list_models;\nuse crate::wire::access::ModelCatalog;\nuse super::server_error::error_message;\n";
    assert!(violations(Path::new("pages/models.rs"), fine).is_empty());
}
