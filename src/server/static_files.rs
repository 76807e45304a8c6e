//! The browser bundle and stylesheet under `/pkg/`, served well.
//!
//! - A release build (`make build`) writes a brotli (`.br`) and a gzip
//!   (`.gz`) copy of each file beside it; the one the browser accepts is
//!   sent as it is, with its `Content-Encoding`, so nothing is compressed
//!   per request. Files without copies (a debug build) are compressed by
//!   the router's compression layer instead.
//! - File names carry a hash of their content (`aigov.<hash>.wasm`), so a
//!   file under a hashed name never changes: it is sent with
//!   `Cache-Control: immutable` and fetched once per browser. A name without
//!   a hash is revalidated on every use (`no-cache`).

use axum::Router;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tower_http::services::ServeDir;

/// How long a hashed file may be kept: a year, the longest browsers honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// An unhashed name may change content with the next build.
const REVALIDATE: &str = "no-cache";

/// The service for `/{pkg_dir}/…`, reading files from `site_root/pkg_dir`.
pub fn pkg_router(site_root: &str, pkg_dir: &str) -> Router {
    let files = ServeDir::new(Path::new(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_name(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether the last segment of `path` carries a content hash as written by
/// the build: a dot-separated part of 22 URL-safe base64 characters (an MD5
/// digest) that is not the unhashed placeholder of underscores.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 3 {
        return false;
    }
    parts[1..parts.len() - 1].iter().any(|part| {
        part.len() == 22
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !part.bytes().all(|b| b == b'_')
    })
}

/// The file in which a build that hashes names lists them (`css: <hash>`,
/// `wasm: <hash>`, …), beside the binary, where the page shell reads it;
/// `None` when the build did not hash names.
pub fn hash_file_beside_binary(name: &str) -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|path| path.is_file())
}

/// The stylesheet's address, for the pages rendered outside the app's shell
/// (sign-in errors and notices).
pub fn stylesheet_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let hashes = hash_file_beside_binary("hash.txt")
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        stylesheet_href_from(&hashes)
    })
}

fn stylesheet_href_from(hashes: &str) -> String {
    let hash = hashes.lines().find_map(|line| {
        let (file, hash) = line.trim().split_once(':')?;
        (file.trim() == "css").then(|| hash.trim().to_owned())
    });
    match hash {
        Some(hash) => format!("/pkg/aigov.{hash}.css"),
        None => "/pkg/aigov.css".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_hashed_name, stylesheet_href_from};

    #[test]
    fn the_stylesheet_is_found_under_its_hashed_name() {
        let hashes = "js: AAAAAAAAAAAAAAAAAAAAAA\ncss: kQ2x8w7ybnWn0CWvLZ7Fkw\n";
        assert_eq!(
            stylesheet_href_from(hashes),
            "/pkg/aigov.kQ2x8w7ybnWn0CWvLZ7Fkw.css"
        );
        assert_eq!(stylesheet_href_from(""), "/pkg/aigov.css");
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_name("/pkg/aigov.kQ2x8w7ybnWn0CWvLZ7Fkw.wasm"));
        assert!(is_hashed_name(
            "/pkg/__wasm_split.Zm9vYmFyYmF6cXV4MTIzNA.js"
        ));
        assert!(is_hashed_name("aigov.kQ2x8w7ybnWn0CW-LZ7F_w.css"));
    }

    #[test]
    fn unhashed_names_are_not() {
        assert!(!is_hashed_name("/pkg/aigov.wasm"));
        assert!(!is_hashed_name("/pkg/aigov_bg.wasm"));
        assert!(!is_hashed_name(
            "/pkg/__wasm_split.______________________.js"
        ));
        assert!(!is_hashed_name("/pkg/aigov.short.js"));
        assert!(!is_hashed_name("/pkg/kQ2x8w7ybnWn0CWvLZ7Fkw"));
        assert!(!is_hashed_name("/pkg/aigov.kQ2x8w7ybnWn0CWvLZ7F!w.js"));
    }
}
