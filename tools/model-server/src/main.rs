//! aigov-model-server: the devcluster's demo models behind the KServe V1
//! protocol, on a loopback address. See README.md beside this crate.

mod api;
mod http;
mod input;
mod models;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: aigov-model-server [--listen 127.0.0.1:PORT] [--models DIR]

Serves the demo models (KServe V1: GET /v1/models/NAME, POST /v1/models/NAME:predict)
on a loopback address. --listen defaults to 127.0.0.1:9300, --models to the models
folder beside this crate's sources.";

struct Options {
    listen: SocketAddr,
    models: PathBuf,
}

fn options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 9300)),
        models: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models"),
    };
    let mut args = args;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                let text = value("--listen")?;
                options.listen = text.parse().map_err(|_| {
                    format!("--listen {text}: expected an address such as 127.0.0.1:9300")
                })?;
            }
            "--models" => options.models = PathBuf::from(value("--models")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !options.listen.ip().is_loopback() {
        return Err(format!(
            "--listen {}: this development server listens on a loopback address only (127.0.0.1 or ::1)",
            options.listen
        ));
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match options(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("aigov-model-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let registry = match models::Registry::load(&options.models) {
        Ok(registry) => registry,
        Err(e) => {
            eprintln!("aigov-model-server: cannot load the models: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(options.listen) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "aigov-model-server: cannot listen on {}: {e}; choose another port with --listen",
                options.listen
            );
            return ExitCode::FAILURE;
        }
    };
    let names: Vec<&str> = registry.models.iter().map(|m| m.name).collect();
    // The address bound, so `--listen 127.0.0.1:0` tells which port it got.
    let bound = listener.local_addr().unwrap_or(options.listen);
    eprintln!(
        "aigov-model-server: serving {} on http://{bound}",
        names.join(", "),
    );
    http::serve(listener, Arc::new(registry));
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        options(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert_eq!(
            parse(&["--listen", "127.0.0.1:9311"])
                .unwrap()
                .listen
                .port(),
            9311
        );
        assert!(parse(&["--listen", "[::1]:9311"]).is_ok());
        let refused = parse(&["--listen", "0.0.0.0:9311"]).err().unwrap();
        assert!(refused.contains("loopback"), "{refused}");
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--port", "1"]).is_err());
    }
}
