//! Obsidian comments: `%%...%%`, inline or over many lines, are removed before anything else
//! reads the note. They are blanked with spaces, keeping every newline, so that line and column
//! numbers stay true. `%%` inside code is not a comment.

/// Returns `text` with every comment blanked out (`None` when it has none, the common case), and
/// where the comment left open starts, if one is: its 1-based line and column (in characters).
pub fn strip(text: &str) -> (Option<String>, Option<(usize, usize)>) {
    if !text.contains("%%") {
        return (None, None);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    let mut opened = (0, 0);
    // The open code fence, and whether it is in a block quote (or callout), which it ends with.
    let mut fence: Option<(&str, bool)> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let (inner, quoted) = unquoted(line);
        if !in_comment {
            if let Some((f, in_quote)) = fence {
                let closes = inner.starts_with(f);
                if closes || (in_quote && !quoted) {
                    fence = None;
                }
                if closes || fence.is_some() {
                    out.push_str(line);
                    continue;
                }
            }
            if inner.starts_with("```") || inner.starts_with("~~~") {
                fence = Some((if inner.starts_with('`') { "```" } else { "~~~" }, quoted));
                out.push_str(line);
                continue;
            }
        }
        let mut chars = line.char_indices().peekable();
        let mut code = false;
        while let Some((at, c)) = chars.next() {
            let pair = c == '%' && chars.peek().is_some_and(|(_, n)| *n == '%');
            if pair && !code {
                chars.next();
                in_comment = !in_comment;
                if in_comment {
                    opened = (i + 1, line.get(..at).map_or(0, |b| b.chars().count()) + 1);
                }
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
    (Some(out), in_comment.then_some(opened))
}

/// A line without the `>` markers of the block quotes (and callouts) it is in, trimmed, and
/// whether it had any.
fn unquoted(line: &str) -> (&str, bool) {
    let t = line.trim_start();
    (t.trim_start_matches(['>', ' ', '\t']).trim_end(), t.starts_with('>'))
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn blanks_inline_and_multiline_comments_keeping_lines() {
        let (s, open) = strip("a %%hidden%% b\nc %%x\ny%% d\n");
        assert_eq!(open, None);
        let s = s.expect("the text has comments");
        assert_eq!(s.lines().map(str::trim_end).collect::<Vec<_>>(), ["a            b", "c", "    d"]);
        assert_eq!(s.len(), "a %%hidden%% b\nc %%x\ny%% d\n".len());
    }

    #[test]
    fn code_is_not_a_comment() {
        let text = "`%%a%%`\n```\n%%b%%\n```\n";
        assert_eq!(strip(text).0.as_deref(), Some(text));
        assert_eq!(strip("no comment here, 100% sure\n"), (None, None));
    }

    /// A fence in a block quote or callout holds code too, up to its closing fence or the end of
    /// the quote: `printf("%.2f%%\n")` there opens no comment.
    #[test]
    fn code_in_a_block_quote_is_not_a_comment() {
        let text = "> [!example]\n> ```C\n> printf(\"%.2f%%\\n\", x);\n>```\nafter\n";
        assert_eq!(strip(text), (Some(text.to_owned()), None));
        // The quote ends the fence: what follows it is read for comments again.
        let (s, open) = strip("> ```\n> 50%% off\nnot code %%hidden%%\n");
        assert_eq!(open, None);
        assert_eq!(s, Some(format!("> ```\n> 50%% off\nnot code {}\n", " ".repeat("%%hidden%%".len()))));
        assert_eq!(strip("> ```\n> x\n%% open\n").1, Some((3, 1)));
    }

    #[test]
    fn reports_where_the_open_comment_starts() {
        assert_eq!(strip("a %% never closed\n").1, Some((1, 3)));
        // The last `%%` opens it: a closed comment before it, and a `%%` written for a percent.
        assert_eq!(strip("%%x%%\ncontrol: 45.9%% female\nmore\n").1, Some((2, 14)));
        assert_eq!(strip("é %%a\nb%% %%\n").1, Some((2, 5)));
    }
}
