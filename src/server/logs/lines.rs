//! Splitting a log stream into lines with bounded memory: a line longer
//! than [`MAX_LINE_BYTES`] is cut (the rest is skipped, not buffered), and
//! bytes that are not UTF-8 are replaced rather than failing the stream.

use std::pin::Pin;

use futures::Stream;
use futures::io::{AsyncBufRead, AsyncBufReadExt};

/// The longest line kept; the kubelet itself splits lines at 16 KiB.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A boxed log stream, as kube's `log_stream` returns it.
pub type LogReader = Pin<Box<dyn AsyncBufRead + Send>>;

/// The next line of `reader` without its line break; `None` at the end.
pub async fn next_line(
    reader: &mut LogReader,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<String>> {
    buffer.clear();
    let mut read_any = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            break;
        }
        read_any = true;
        let newline = available.iter().position(|&byte| byte == b'\n');
        let part = &available[..newline.unwrap_or(available.len())];
        let room = MAX_LINE_BYTES.saturating_sub(buffer.len());
        buffer.extend_from_slice(&part[..part.len().min(room)]);
        let used = newline.map_or(available.len(), |at| at + 1);
        reader.consume_unpin(used);
        if newline.is_some() {
            return Ok(Some(finish(buffer)));
        }
    }
    Ok(read_any.then(|| finish(buffer)))
}

fn finish(buffer: &mut Vec<u8>) -> String {
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    String::from_utf8_lossy(buffer).into_owned()
}

/// The lines of `reader` as a stream.
pub fn line_stream(reader: LogReader) -> impl Stream<Item = std::io::Result<String>> + Send {
    futures::stream::unfold(
        (reader, Vec::new(), false),
        |(mut reader, mut buffer, done)| async move {
            if done {
                return None;
            }
            match next_line(&mut reader, &mut buffer).await {
                Ok(Some(line)) => Some((Ok(line), (reader, buffer, false))),
                Ok(None) => None,
                Err(error) => Some((Err(error), (reader, buffer, true))),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn reader(bytes: &'static [u8]) -> LogReader {
        Box::pin(futures::io::BufReader::with_capacity(3, bytes))
    }

    async fn lines(bytes: &'static [u8]) -> Vec<String> {
        line_stream(reader(bytes))
            .map(|line| line.unwrap())
            .collect()
            .await
    }

    #[tokio::test]
    async fn lines_are_split_across_reads_and_the_last_needs_no_break() {
        assert_eq!(
            lines(b"one\r\ntwo\n\nthree").await,
            ["one", "two", "", "three"]
        );
        assert!(lines(b"").await.is_empty());
    }

    #[tokio::test]
    async fn a_long_line_is_cut_and_invalid_utf8_replaced() {
        let long: &'static [u8] = Box::leak(
            [vec![b'x'; MAX_LINE_BYTES + 10], b"\nnext \xff\n".to_vec()]
                .concat()
                .into_boxed_slice(),
        );
        let read = lines(long).await;
        assert_eq!(read[0].len(), MAX_LINE_BYTES);
        assert_eq!(read[1], "next \u{fffd}");
    }
}
