//! Decodes a server-sent-events byte stream into the `data` payloads of its events, as
//! chat-completions streaming sends them (`data: {...}` lines, a blank line between events,
//! `: comments`, CRLF or LF line ends, chunks split anywhere, even inside UTF-8).

/// Incremental SSE decoder: feed bytes, take complete events' data.
#[derive(Debug, Default)]
pub struct SseDecoder {
    buffer: Vec<u8>,
    data: Vec<String>,
}

impl SseDecoder {
    /// Adds bytes and returns the data of every event they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            self.line(&line, &mut events);
        }
        events
    }

    /// The data of a last event not followed by a blank line.
    pub fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.buffer);
        let mut events = Vec::new();
        if !rest.is_empty() {
            self.line(&String::from_utf8_lossy(&rest), &mut events);
        }
        self.line("", &mut events);
        events.pop()
    }

    fn line(&mut self, line: &str, events: &mut Vec<String>) {
        if line.is_empty() {
            if !self.data.is_empty() {
                events.push(self.data.join("\n"));
                self.data.clear();
            }
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        if field == "data" {
            self.data.push(value.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_events_split_anywhere() {
        let stream = "data: {\"a\":1}\n\n: keep-alive\r\n\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\ndata: [DONE]\n\n";
        for split in 1..stream.len() {
            let mut decoder = SseDecoder::default();
            let mut events = decoder.push(&stream.as_bytes()[..split]);
            events.extend(decoder.push(&stream.as_bytes()[split..]));
            assert_eq!(
                events,
                vec!["{\"a\":1}", "{\"b\":\n2}", "[DONE]"],
                "split at {split}"
            );
        }
    }

    #[test]
    fn keeps_utf8_split_across_chunks() {
        let bytes = "data: café\n\n".as_bytes();
        let mut decoder = SseDecoder::default();
        assert!(decoder.push(&bytes[..10]).is_empty());
        assert_eq!(decoder.push(&bytes[10..]), vec!["café"]);
    }

    #[test]
    fn an_unterminated_last_event_is_kept() {
        let mut decoder = SseDecoder::default();
        assert!(decoder.push(b"data: tail").is_empty());
        assert_eq!(decoder.finish().as_deref(), Some("tail"));
    }
}
