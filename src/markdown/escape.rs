//! Escaping for the HTML of a card, and the `obsidian://` links that open a note.

/// Escapes only `&`, `<` and `>`: the LaTeX otherwise passes through byte for byte.
pub(super) fn escape_math(s: &str) -> String {
    escape_with(s, false)
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    escape_with(s, true)
}

/// Escapes `&`, `<`, `>`, and `"` with `quote`, in one pass.
pub(super) fn escape_with(s: &str, quote: bool) -> String {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>') || (quote && b == b'"');
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut rest = s;
    while let Some(at) = rest.bytes().position(special) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        out.push_str(match after.as_bytes().first() {
            Some(b'&') => "&amp;",
            Some(b'<') => "&lt;",
            Some(b'>') => "&gt;",
            _ => "&quot;",
        });
        rest = after.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A link that opens `target` in Obsidian.
pub fn obsidian_url(vault: &str, target: &str) -> String {
    format!("obsidian://open?vault={}&file={}", percent_encode(vault), percent_encode(target))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
