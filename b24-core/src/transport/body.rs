//! Reading answer bodies within a size limit, and excerpts of them for error reports.

use super::Failure;

/// Length of an [`excerpt`], in bytes.
const EXCERPT_LIMIT: usize = 4096;

/// Reads a whole body, failing as soon as it is known to exceed `limit` bytes (from
/// `Content-Length` before reading, or while reading a body of unknown length).
pub(super) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, Failure> {
    let too_large = Failure::TooLarge { limit };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The start of a body as text for diagnosis: at most 4 KiB, cut at a character boundary;
/// bytes that are not UTF-8 become U+FFFD.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // A character is at most 4 bytes: a window a little longer than the limit is enough to
    // decode every character that starts before it.
    let window = &body[..body.len().min(EXCERPT_LIMIT + 3)];
    let text = String::from_utf8_lossy(window);
    let end = text.floor_char_boundary(EXCERPT_LIMIT);
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_short_bodies_whole() {
        assert_eq!(excerpt(b"<html>502</html>"), "<html>502</html>");
        assert_eq!(excerpt(b""), "");
    }

    #[test]
    fn excerpts_stop_at_4_kib_on_a_character_boundary() {
        // 4095 ASCII bytes, then a 2-byte character that would cross the limit.
        let mut body = vec![b'a'; EXCERPT_LIMIT - 1];
        body.extend_from_slice("é tail".as_bytes());
        let cut = excerpt(&body);
        assert_eq!(cut.len(), EXCERPT_LIMIT - 1);
        assert!(cut.bytes().all(|byte| byte == b'a'));

        let long = "ж".repeat(5000);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.len(), EXCERPT_LIMIT);
        assert!(cut.chars().all(|c| c == 'ж'));
    }

    #[test]
    fn excerpts_replace_invalid_bytes() {
        assert_eq!(excerpt(b"ok \xff\xfe end"), "ok \u{fffd}\u{fffd} end");
    }
}
