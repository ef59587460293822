//! Obsidian comments: `%%...%%`, inline or over many lines, are removed before anything else
//! reads the note. They are blanked with spaces, keeping every newline, so that line and column
//! numbers stay true. `%%` inside code is not a comment.

/// Returns `text` with every comment blanked out (`None` when it has none, the common case), and
/// whether a comment was left open.
pub fn strip(text: &str) -> (Option<String>, bool) {
    if !text.contains("%%") {
        return (None, false);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    let mut fence: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !in_comment {
            if let Some(f) = fence {
                if trimmed.starts_with(f) {
                    fence = None;
                }
                out.push_str(line);
                continue;
            }
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                fence = Some(if trimmed.starts_with('`') { "```" } else { "~~~" });
                out.push_str(line);
                continue;
            }
        }
        let mut chars = line.char_indices().peekable();
        let mut code = false;
        while let Some((_, c)) = chars.next() {
            let pair = c == '%' && chars.peek().is_some_and(|(_, n)| *n == '%');
            if pair && !code {
                chars.next();
                in_comment = !in_comment;
                out.push_str("  ");
            } else if in_comment {
                out.push(if c == '\n' { '\n' } else { ' ' });
            } else {
                if c == '`' {
                    code = !code;
                }
                out.push(c);
            }
        }
    }
    (Some(out), in_comment)
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn blanks_inline_and_multiline_comments_keeping_lines() {
        let (s, open) = strip("a %%hidden%% b\nc %%x\ny%% d\n");
        assert!(!open);
        let s = s.expect("the text has comments");
        assert_eq!(s.lines().map(str::trim_end).collect::<Vec<_>>(), ["a            b", "c", "    d"]);
        assert_eq!(s.len(), "a %%hidden%% b\nc %%x\ny%% d\n".len());
    }

    #[test]
    fn code_is_not_a_comment() {
        let text = "`%%a%%`\n```\n%%b%%\n```\n";
        assert_eq!(strip(text).0.as_deref(), Some(text));
        assert_eq!(strip("no comment here, 100% sure\n"), (None, false));
    }

    #[test]
    fn reports_an_open_comment() {
        assert!(strip("a %% never closed\n").1);
    }
}
