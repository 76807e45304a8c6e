//! The server binary over real TCP: start-up, keep-alive, the body limit,
//! framing refusals, and many callers at once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on a port the system picks (`--listen 127.0.0.1:0`)
/// and reads the address it bound from its first line: a port chosen here
/// and handed over could be taken by another test's server meanwhile, whose
/// end would then reset this test's connections.
fn start() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aigov-model-server"))
        .args(["--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let address = line
        .trim()
        .rsplit_once("http://")
        .map(|(_, address)| address.to_owned())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // The rest of its log is read and dropped, so the server never blocks
    // on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Server { child, address }
}

/// Reads one response: status, headers (lower-cased names) and body.
fn response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, String) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

fn connect(server: &Server) -> (TcpStream, BufReader<TcpStream>) {
    let stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let reader = BufReader::new(stream.try_clone().unwrap());
    (stream, reader)
}

fn post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn one_connection_carries_several_requests() {
    let server = start();
    let (mut stream, mut reader) = connect(&server);
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(response(&mut reader).0, 200);
    let instance = r#"{"instances": [{"prompt": "Alice was", "max_words": 3}]}"#;
    stream
        .write_all(post("/v1/models/playground-llm:predict", instance).as_bytes())
        .unwrap();
    let (status, headers, body) = response(&mut reader);
    assert_eq!(status, 200, "{body}");
    assert!(headers.contains(&("content-type".into(), "application/json".into())));
    assert!(body.contains("\"completion\""), "{body}");
    stream
        .write_all(b"GET /v1/models/nope HTTP/1.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (status, headers, _) = response(&mut reader);
    assert_eq!(status, 404);
    assert!(headers.contains(&("connection".into(), "close".into())));
}

#[test]
fn bodies_over_the_limit_get_413_without_being_read() {
    let server = start();
    let (mut stream, mut reader) = connect(&server);
    stream
        .write_all(
            b"POST /v1/models/fraud-scorer:predict HTTP/1.1\r\nContent-Length: 65537\r\n\r\n",
        )
        .unwrap();
    let (status, _, body) = response(&mut reader);
    assert_eq!(status, 413);
    assert!(body.contains("at most 65536"), "{body}");

    // Exactly at the limit is read (and then judged as JSON).
    let (mut stream, mut reader) = connect(&server);
    let json = r#"{"instances": [{"text": "refund"}]}"#;
    let padded = format!("{json}{}", " ".repeat(65536 - json.len()));
    assert_eq!(padded.len(), 65536);
    stream
        .write_all(post("/v1/models/support-assistant:predict", &padded).as_bytes())
        .unwrap();
    let (status, _, body) = response(&mut reader);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn chunked_bodies_and_garbage_are_refused() {
    let server = start();
    let (mut stream, mut reader) = connect(&server);
    stream
        .write_all(b"POST /v1/models/fraud-scorer:predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        .unwrap();
    assert_eq!(response(&mut reader).0, 411);
    let (mut stream, mut reader) = connect(&server);
    stream.write_all(b"HELLO\r\n\r\n").unwrap();
    assert_eq!(response(&mut reader).0, 400);
}

#[test]
fn twenty_callers_at_once_get_their_own_answers() {
    let server = start();
    let callers: Vec<_> = (0..20)
        .map(|i| {
            let address = server.address.clone();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&address).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                let body = format!(
                    r#"{{"instances": [{{"amount": {i}, "hour": 12, "merchant_risk": 0.5, "foreign": false, "card_present": false}}]}}"#
                );
                stream.write_all(post("/v1/models/fraud-scorer:predict", &body).as_bytes()).unwrap();
                response(&mut reader).2
            })
        })
        .collect();
    let answers: Vec<String> = callers.into_iter().map(|c| c.join().unwrap()).collect();
    let mut distinct = answers.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        20,
        "each amount has its own probability: {answers:?}"
    );
}
