//! A small HTTP/1.1 server on std::net: a thread per connection (at most
//! `MAX_CONNECTIONS`), keep-alive, requests framed by Content-Length only,
//! bounded heads and bodies, and JSON answers from `api`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::api::{self, Answer};
use crate::models::Registry;

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY: usize = 64 * 1024;
/// The largest request line plus headers accepted; larger ones get 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// Connections served at once; more get 503 at once.
pub const MAX_CONNECTIONS: usize = 64;
/// How long a connection may stay silent (between or within requests).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `listener` until the process ends.
pub fn serve(listener: TcpListener, registry: Arc<Registry>) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                eprintln!("model-server: accept failed: {e}");
                continue;
            }
        };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let busy = Answer::error(503, "too many connections; retry shortly");
            let _ = write_answer(&mut stream, "GET", &busy, false);
            continue;
        }
        let registry = Arc::clone(&registry);
        let active = Arc::clone(&active);
        let spawned = std::thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                let _ = connection(stream, &registry);
                active.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(e) = spawned {
            eprintln!("model-server: cannot start a thread: {e}");
        }
    }
}

/// One request's head: what `api` and the framing need.
#[derive(Debug, Default, PartialEq)]
struct Head {
    method: String,
    path: String,
    content_length: Option<usize>,
    chunked: bool,
    close: bool,
    expect_continue: bool,
}

/// Why a request cannot be read: the answer to send before closing.
fn refuse(status: u16, message: &str) -> Result<Option<Head>, Answer> {
    Err(Answer::error(status, message))
}

/// Reads a request head; `Ok(None)` when the peer closed or went quiet
/// between requests.
fn read_head(reader: &mut impl BufRead) -> Result<Option<Head>, Answer> {
    let mut head = Head::default();
    let mut used = 0;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let limit = (MAX_HEAD - used) as u64 + 1;
        match reader.by_ref().take(limit).read_until(b'\n', &mut line) {
            Ok(0) if first => return Ok(None),
            Ok(0) => return refuse(400, "the request head ended early"),
            Ok(n) => used += n,
            Err(_) if first => return Ok(None),
            Err(_) => return refuse(408, "the request head did not arrive in time"),
        }
        if used > MAX_HEAD || !line.ends_with(b"\n") {
            return refuse(431, "request head too large (at most 16 KiB)");
        }
        let Ok(line) = std::str::from_utf8(&line) else {
            return refuse(400, "the request head is not UTF-8");
        };
        let line = line.trim_end_matches(['\r', '\n']);
        if first {
            if line.is_empty() {
                continue; // a stray empty line between requests
            }
            first = false;
            let mut parts = line.split(' ');
            let (Some(method), Some(target), Some(version), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return refuse(400, "malformed request line");
            };
            if !version.starts_with("HTTP/1.") {
                return refuse(505, "only HTTP/1.x is spoken here");
            }
            head.method = method.to_owned();
            head.path = target.split('?').next().unwrap_or_default().to_owned();
            head.close = version == "HTTP/1.0";
            continue;
        }
        if line.is_empty() {
            return Ok(Some(head));
        }
        let Some((name, value)) = line.split_once(':') else {
            return refuse(400, "malformed header line");
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                let Ok(length) = value.parse::<usize>() else {
                    return refuse(400, "Content-Length: must be a number");
                };
                if head.content_length.is_some_and(|l| l != length) {
                    return refuse(400, "Content-Length: given twice");
                }
                head.content_length = Some(length);
            }
            "transfer-encoding" => head.chunked = true,
            "connection" => {
                let value = value.to_ascii_lowercase();
                if value.contains("close") {
                    head.close = true;
                } else if value.contains("keep-alive") {
                    head.close = false;
                }
            }
            "expect" => head.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
}

fn connection(stream: TcpStream, registry: &Registry) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let head = match read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) => return Ok(()),
            Err(answer) => return answer_and_close(&mut writer, &mut reader, "GET", &answer),
        };
        let started = Instant::now();
        if head.chunked {
            let answer = Answer::error(
                411,
                "send the body with a Content-Length (no chunked encoding)",
            );
            return answer_and_close(&mut writer, &mut reader, &head.method, &answer);
        }
        let length = head.content_length.unwrap_or(0);
        if length > MAX_BODY {
            let answer = Answer::error(
                413,
                format!("request body too large: {length} bytes, at most {MAX_BODY}"),
            );
            log(&head, &answer, started);
            return answer_and_close(&mut writer, &mut reader, &head.method, &answer);
        }
        if head.expect_continue && length > 0 {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            let answer = Answer::error(400, "the request body ended before its Content-Length");
            return answer_and_close(&mut writer, &mut reader, &head.method, &answer);
        }
        let answer = api::answer(registry, &head.method, &head.path, &body);
        log(&head, &answer, started);
        write_answer(&mut writer, &head.method, &answer, head.close)?;
        if head.close {
            return Ok(());
        }
    }
}

/// Answers, then closes without losing the answer: the write side is shut
/// and what the peer still sends is read (briefly, at most `MAX_BODY`
/// bytes) and dropped, since closing a socket with unread input makes the
/// kernel reset the connection, and a reset can reach the peer before it
/// has read the answer.
fn answer_and_close(
    writer: &mut TcpStream,
    reader: &mut BufReader<TcpStream>,
    method: &str,
    answer: &Answer,
) -> io::Result<()> {
    write_answer(writer, method, answer, true)?;
    let _ = writer.shutdown(Shutdown::Write);
    let _ = reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_BODY {
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(read) => drained += read,
        }
    }
    Ok(())
}

/// One line per request on stderr: never the payload.
fn log(head: &Head, answer: &Answer, started: Instant) {
    eprintln!(
        "model-server: {} {} {} {}us",
        head.method,
        head.path,
        answer.status,
        started.elapsed().as_micros()
    );
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

fn write_answer(
    writer: &mut impl Write,
    method: &str,
    answer: &Answer,
    close: bool,
) -> io::Result<()> {
    let body = serde_json::to_vec(&answer.body).unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        answer.status,
        reason(answer.status),
        body.len(),
        if close { "close" } else { "keep-alive" }
    );
    if let Some(allow) = answer.allow {
        out.push_str(&format!("Allow: {allow}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if method != "HEAD" {
        bytes.extend_from_slice(&body);
    }
    writer.write_all(&bytes)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Option<Head>, Answer> {
        read_head(&mut BufReader::new(text.as_bytes()))
    }

    #[test]
    fn a_head_is_read_with_its_length_and_connection() {
        let parsed = head("POST /v1/models/x:predict?a=b HTTP/1.1\r\nContent-Length: 12\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(parsed.method, "POST");
        assert_eq!(parsed.path, "/v1/models/x:predict");
        assert_eq!(parsed.content_length, Some(12));
        assert!(parsed.close);
        assert_eq!(head("").unwrap(), None, "a closed connection is no request");
    }

    #[test]
    fn malformed_or_oversized_heads_are_refused() {
        assert_eq!(head("GET /\r\n\r\n").unwrap_err().status, 400);
        assert_eq!(head("GET / HTTP/2\r\n\r\n").unwrap_err().status, 505);
        assert_eq!(
            head("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
                .unwrap_err()
                .status,
            400
        );
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(head(&big).unwrap_err().status, 431);
    }
}
