//! Reading manifests: files and folders (recursively: `*.yaml`, `*.yml`,
//! `*.json`), multi-document YAML, JSON (an object or an array of them),
//! `List` kinds. A broken document is reported by file and line; the rest
//! is still read.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engine::objects::{Decoded, KubeObject, decode};

/// A problem with the input, located by file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// An object of a kind no engine reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub line: usize,
    pub kind: String,
    pub name: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} {}",
            self.file, self.line, self.kind, self.name
        )
    }
}

/// Everything read from the paths.
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<KubeObject>,
    pub skipped: Vec<Skipped>,
    pub problems: Vec<Problem>,
    /// Documents parsed successfully (whatever their kind).
    pub documents: usize,
}

/// Reads every path; `-` is standard input.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => load_text("<stdin>", &text, false, &mut loaded),
                Err(e) => loaded
                    .problems
                    .push(problem("<stdin>", None, e.to_string())),
            }
            continue;
        }
        let mut files = Vec::new();
        if let Err(message) = collect_files(path, true, &mut files) {
            loaded
                .problems
                .push(problem(&path.display().to_string(), None, message));
        }
        for file in files {
            let name = file.display().to_string();
            match std::fs::read_to_string(&file) {
                Ok(text) => {
                    let json = file
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                    load_text(&name, &text, json, &mut loaded);
                }
                Err(e) => loaded.problems.push(problem(&name, None, e.to_string())),
            }
        }
    }
    loaded
}

fn problem(file: &str, line: Option<usize>, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        line,
        message,
    }
}

/// Files under `path`, sorted; a file named directly is taken whatever its
/// extension, files found in folders only when they look like manifests.
fn collect_files(path: &Path, named: bool, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_file() {
        let manifest = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
        if named || manifest {
            out.push(path.to_path_buf());
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if !hidden {
            collect_files(&entry, false, out)?;
        }
    }
    Ok(())
}

/// Parses one file's text: JSON when the file says so (or starts like
/// JSON), else YAML documents separated by `---` lines.
pub fn load_text(file: &str, text: &str, json: bool, loaded: &mut Loaded) {
    let trimmed = text.trim_start();
    if json || trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => {
                for item in items {
                    add_document(file, 1, item, loaded);
                }
            }
            Ok(value) => add_document(file, 1, value, loaded),
            Err(e) if json => loaded
                .problems
                .push(problem(file, Some(e.line()), e.to_string())),
            // Flow-style YAML may start like JSON: read it as YAML instead.
            Err(_) => load_yaml(file, text, loaded),
        }
        return;
    }
    load_yaml(file, text, loaded);
}

fn load_yaml(file: &str, text: &str, loaded: &mut Loaded) {
    for (start_line, document) in split_documents(text) {
        if document
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        match parse_yaml(&document) {
            Ok(Value::Null) => {}
            Ok(Value::Array(items)) => {
                for item in items {
                    add_document(file, start_line, item, loaded);
                }
            }
            Ok(value) => add_document(file, start_line, value, loaded),
            Err(YamlError::NotJson(message)) => {
                loaded
                    .problems
                    .push(problem(file, Some(start_line), message));
            }
            Err(YamlError::Syntax(e)) => {
                let line = e
                    .location()
                    .map_or(start_line, |l| start_line + l.line() - 1);
                let message = e.to_string();
                // serde_yaml_ng appends its own (document-relative) position.
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                loaded.problems.push(problem(file, Some(line), message));
            }
        }
    }
}

enum YamlError {
    Syntax(serde_yaml_ng::Error),
    /// Valid YAML that has no JSON form (e.g. a mapping with a list as key).
    NotJson(String),
}

/// Parses one YAML document, resolving anchors, aliases and `<<` merge keys.
fn parse_yaml(document: &str) -> Result<Value, YamlError> {
    let mut value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(document).map_err(YamlError::Syntax)?;
    value.apply_merge().map_err(YamlError::Syntax)?;
    serde_json::to_value(value).map_err(|e| YamlError::NotJson(e.to_string()))
}

/// Splits YAML text at `---` document markers, keeping the first line number
/// (1-based) of each document so that errors point into the file.
///
/// `serde_yaml_ng::Deserializer::from_str` also iterates over documents, but
/// its parser stops at the first syntax error (every later document gives
/// that same error), so the documents after a broken one would be lost;
/// split here, each document loads on its own.
pub fn split_documents(text: &str) -> Vec<(usize, String)> {
    let mut documents = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    for (index, line) in text.lines().enumerate() {
        let marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if marker || line == "..." {
            documents.push((start, std::mem::take(&mut current)));
            start = index + 2;
            if let Some(rest) = line.strip_prefix("---").filter(|r| !r.trim().is_empty()) {
                // Content on the marker line belongs to the new document.
                start = index + 1;
                current.push_str(rest.trim_start());
                current.push('\n');
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    documents.push((start, current));
    documents
}

fn add_document(file: &str, line: usize, value: Value, loaded: &mut Loaded) {
    loaded.documents += 1;
    for decoded in decode(value) {
        match decoded {
            Ok(Decoded::Object(object)) => loaded.objects.push(object),
            Ok(Decoded::Unknown { kind, name }) => loaded.skipped.push(Skipped {
                file: file.to_string(),
                line,
                kind,
                name,
            }),
            Err(e) => loaded
                .problems
                .push(problem(file, Some(line), e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_first_line() {
        let docs = split_documents("a: 1\n---\nb: 2\nc: 3\n---\nd: 4\n");
        let starts: Vec<usize> = docs.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, [1, 3, 6]);
    }

    #[test]
    fn syntax_error_is_reported_at_its_line_in_the_file_and_others_still_load() {
        let mut loaded = Loaded::default();
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
        load_text("f.yaml", text, false, &mut loaded);
        assert_eq!(loaded.objects.len(), 2);
        assert_eq!(loaded.problems.len(), 1);
        let line = loaded.problems[0].line.unwrap();
        assert!((5..=8).contains(&line), "line {line}");
    }

    #[test]
    fn yaml_sequence_of_objects_is_read() {
        let mut loaded = Loaded::default();
        let text = "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n";
        load_text("f.yaml", text, false, &mut loaded);
        assert_eq!(loaded.objects.len(), 2);
    }

    #[test]
    fn yaml_anchors_aliases_and_merge_keys_are_resolved() {
        let mut loaded = Loaded::default();
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: web}\n  annotations:\n    <<: *l\n    extra: x\nspec: {containers: [{name: c}]}\n";
        load_text("f.yaml", text, false, &mut loaded);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let Some(KubeObject::Pod(pod)) = loaded.objects.first() else {
            panic!("no pod")
        };
        let annotations = pod.metadata.annotations.clone().unwrap_or_default();
        assert_eq!(annotations.get("app").map(String::as_str), Some("web"));
    }

    #[test]
    fn json_array_of_objects_is_read() {
        let mut loaded = Loaded::default();
        load_text(
            "f.json",
            r#"[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}]"#,
            true,
            &mut loaded,
        );
        assert_eq!(loaded.objects.len(), 1);
    }

    #[test]
    fn invalid_object_is_reported_with_its_document_line() {
        let mut loaded = Loaded::default();
        load_text(
            "f.yaml",
            "# comment\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: 3}\n",
            false,
            &mut loaded,
        );
        assert_eq!(loaded.problems[0].line, Some(3));
        assert!(loaded.problems[0].message.contains("Pod p"));
    }
}
