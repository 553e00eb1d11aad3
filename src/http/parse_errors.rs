//! A request that hyper cannot parse (a control byte in a header value or in
//! the request line, a URI or a head too long) never reaches axum: hyper
//! answers it itself with a bare head, `400`, `414` or `431` with
//! `connection: close`, `content-length: 0`, `date` and no body (measured:
//! those exact bytes, lowercase names), and offers no hook to change that answer.
//! So every connection writes through `ErrorBodies`, which recognises that
//! head at the start of a write and sends in its place the same status with
//! the CONTRACT error body. Nothing of ours can match: every `ApiError` has a
//! body, and every response of the router carries more headers than those.

use std::{
    any::Any,
    io,
    pin::Pin,
    task::{Context, Poll},
};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The statuses hyper answers on its own, with our body for each.
const ANSWERS: [(&[u8], &str); 3] = [
    (
        b"HTTP/1.1 400 Bad Request\r\n",
        r#"{"detail":"malformed request: the request line or a header is not valid HTTP (a control character?)","code":"bad_request"}"#,
    ),
    (
        b"HTTP/1.1 414 URI Too Long\r\n",
        r#"{"detail":"the request URI is too long","code":"uri_too_long"}"#,
    ),
    (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        r#"{"detail":"the request headers are too large","code":"headers_too_large"}"#,
    ),
];

/// A connection's IO, rewriting hyper's bodiless error heads.
pub struct ErrorBodies<T> {
    io: T,
    replacing: Option<Replacement>,
    /// Kept as long as the IO lives, also after an upgrade to a live socket
    /// (which outlives hyper's connection): its place under the connection
    /// cap (`http::server`).
    _held: Box<dyn Any + Send + Sync>,
}

/// Our answer being written in place of hyper's head: once all of it is
/// out, hyper is told its whole head was written.
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    head_len: usize,
}

impl<T> ErrorBodies<T> {
    pub fn holding(io: T, held: impl Any + Send + Sync) -> Self {
        Self {
            io,
            replacing: None,
            _held: Box::new(held),
        }
    }
}

impl Replacement {
    /// `buf` starts with one of hyper's automatic heads (and holds all of it).
    fn for_head(buf: &[u8]) -> Option<Self> {
        let (status_line, body) = ANSWERS.iter().find(|(line, _)| buf.starts_with(line))?;
        let head_len = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let headers = std::str::from_utf8(&buf[status_line.len()..head_len - 2]).ok()?;
        let mut date = None;
        for line in headers.split_terminator("\r\n") {
            match line.to_ascii_lowercase() {
                l if l == "content-length: 0" || l == "connection: close" => {}
                l if l.starts_with("date: ") => date = Some(line),
                _ => return None,
            }
        }
        let mut bytes = status_line.to_vec();
        let date = date.map(|d| format!("{d}\r\n")).unwrap_or_default();
        bytes.extend(
            format!(
                "content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{date}\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        Some(Self {
            bytes,
            written: 0,
            head_len,
        })
    }
}

impl<T: AsyncWrite + Unpin> ErrorBodies<T> {
    /// Writes `buf`, or our answer instead when `buf` is hyper's error head.
    fn write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        if self.replacing.is_none() {
            self.replacing = Some(Replacement::for_head(buf)?);
        }
        let replacing = self.replacing.as_mut()?;
        while replacing.written < replacing.bytes.len() {
            let rest = &replacing.bytes[replacing.written..];
            match Pin::new(&mut self.io).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => {
                    return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into())));
                }
                Poll::Ready(Ok(n)) => replacing.written += n,
                other => return Some(other),
            }
        }
        let head_len = replacing.head_len.min(buf.len());
        self.replacing = None;
        Some(Poll::Ready(Ok(head_len)))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ErrorBodies<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.write(cx, buf) {
            Some(answer) => answer,
            None => Pin::new(&mut this.io).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // hyper puts a head in a buffer of its own, first in line.
        let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| b);
        match this.write(cx, first) {
            Some(answer) => answer,
            None => Pin::new(&mut this.io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ErrorBodies<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A peer that takes at most 7 bytes per write and is busy every other
    /// call, so partial and pending writes both happen.
    #[derive(Default)]
    struct Trickle {
        received: Vec<u8>,
        busy: bool,
    }

    impl AsyncWrite for Trickle {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            this.busy = !this.busy;
            if this.busy {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let n = buf.len().min(7);
            this.received.extend(&buf[..n]);
            Poll::Ready(Ok(n))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    fn wrapped() -> ErrorBodies<Trickle> {
        ErrorBodies::holding(Trickle::default(), ())
    }

    /// What hyper 1.12 writes for a control byte in a header, byte for byte.
    const HYPER_400: &[u8] =
        b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
        date: Tue, 01 Dec 2026 09:25:42 GMT\r\n\r\n";

    fn split(response: &[u8]) -> (String, serde_json::Value) {
        let text = std::str::from_utf8(response).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        (head.to_owned(), serde_json::from_str(body).unwrap())
    }

    #[tokio::test]
    async fn hypers_bare_400_goes_out_with_the_contract_body_through_partial_writes() {
        let mut io = wrapped();

        io.write_all(HYPER_400).await.unwrap();

        let (head, body) = split(&io.io.received);
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        assert!(
            head.contains("date: Tue, 01 Dec 2026 09:25:42 GMT"),
            "{head}"
        );
        assert_eq!(head.matches("connection: close").count(), 1, "{head}");
        assert_eq!(body["code"], "bad_request");
        assert!(body["detail"].is_string());
    }

    #[tokio::test]
    async fn a_vectored_write_of_the_head_is_rewritten_too() {
        let mut io = wrapped();
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
            content-length: 0\r\n\r\n";
        let mut written = 0;
        while written < head.len() {
            let slices = [io::IoSlice::new(&[]), io::IoSlice::new(&head[written..])];
            written += io.write_vectored(&slices).await.unwrap();
        }

        let (head, body) = split(&io.io.received);
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert_eq!(body["code"], "headers_too_large");
    }

    #[tokio::test]
    async fn every_other_response_passes_through_unchanged() {
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        let empty_ok = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n";
        for response in [&ours[..], empty_ok, b"\x81\x05hello"] {
            let mut io = wrapped();
            io.write_all(response).await.unwrap();
            assert_eq!(io.io.received, response);
        }
    }

    #[test]
    fn every_body_is_contract_json() {
        for (_, body) in ANSWERS {
            let body: serde_json::Value = serde_json::from_str(body).unwrap();
            assert!(body["detail"].is_string() && body["code"].is_string());
        }
    }
}
