//! A light read of a note, for what the whole vault must know before any note is built: the
//! names it answers to, the sections links may point into, and whether it is literate. It skips
//! the card syntaxes, the costly part of a parse, so a build can survey every note first and then
//! parse each once, dropping it when its cards are made.

use super::frontmatter;
use crate::links::Outline;
use crate::vault::SourceFile;

/// What every other note, and the experiments stage, need of one note.
#[derive(Debug, Default)]
pub struct Survey {
    /// Its frontmatter aliases, as its parse gives them.
    pub aliases: Vec<String>,
    /// Its body's headings and block ids; `None` when the note cannot be read as text (its parse
    /// reports why): a link into it cannot be checked, and is not reported as well.
    pub outline: Option<Outline>,
    /// Its frontmatter as read, when it has a frontmatter block, until the parse takes it
    /// ([`Survey::take_frontmatter`]): surveys are kept, and this is needed once.
    frontmatter: std::sync::Mutex<Option<frontmatter::Read>>,
    /// Whether it holds experiments, claims or cited values: its cards and checks then depend on
    /// the experiments' results, so it is parsed and kept before they run.
    pub literate: bool,
}

/// Surveys `src`. A file that is not text surveys as nothing: its parse reports it.
pub fn survey(src: &SourceFile) -> Survey {
    let Ok((text, _)) = super::prelude(src) else { return Survey::default() };
    let lines: Vec<&str> = crate::lines::lines(&text).collect();
    let (read, body_line) = match frontmatter::split(&lines) {
        Some((yaml, body_line)) => (Some(frontmatter::parse(&yaml, &src.rel)), body_line),
        None => (None, 0),
    };
    let aliases = read.as_ref().and_then(|r| r.as_ref().ok()).map(|f| f.aliases.clone()).unwrap_or_default();
    let body_lines = lines.get(body_line..).unwrap_or_default();
    let literate = super::fenced_blocks(body_lines, body_line + 1, &src.rel)
        .iter()
        .any(|(lang, _)| matches!(lang.as_str(), "experiment" | "claims" | "claim"))
        || !crate::claims::cited_values(&text).is_empty();
    let outline = Some(Outline::of(super::body_of(&text, body_line)).starting_at(body_line + 1));
    Survey { aliases, outline, frontmatter: read.into(), literate }
}

impl Survey {
    /// The frontmatter the survey read, if it had a frontmatter block and nobody took it yet.
    pub fn take_frontmatter(&self) -> Option<frontmatter::Read> {
        self.frontmatter.lock().ok()?.take()
    }
}

#[cfg(test)]
mod tests {
    use crate::links::Outline;
    use crate::settings::Settings;
    use crate::vault::SourceFile;

    /// A survey agrees with the parse on every note shape: aliases, outline and literacy.
    /// A note that is no text (here, encrypted with git-crypt) has no outline to check links
    /// against; its parse reports it.
    #[test]
    fn a_note_that_is_no_text_has_no_outline() {
        let src = SourceFile::new("secret.md", b"\0GITCRYPT\0\xfc\xdf\xc5\xa8".to_vec());
        assert_eq!(super::survey(&src).outline, None);
        let text = SourceFile::new("open.md", b"# Open\n".to_vec());
        assert!(super::survey(&text).outline.is_some());
    }

    #[test]
    fn a_survey_agrees_with_the_parse() {
        let texts = [
            "---\naliases: [Saddle, \"Col\"]\n---\n# Saddle\ntext ^b1\n",
            "\u{feff}# Title\r\n%% # hidden heading %%\r\n## Real\r\n",
            "---\nbroken: [\n---\n# After bad yaml\n",
            "---\ndeck: A::B\ntags: [x, y/z]\ncards: headings\n---\n# H\ntext\n",
            "```experiment\nkind: saddle\n```\n",
            "~~~claims\na < 1\n~~~\n",
            "The value is `= s.min` here.\n",
            "```python\n`= not.cited`\n```\n# Code only\n",
            "%% open comment\n# hidden\n",
        ];
        let settings = Settings::default();
        for text in texts {
            let src = SourceFile::new("n.md", text.as_bytes().to_vec());
            let survey = super::survey(&src);
            let note = crate::notes::parse(&src, "V", &settings).0.expect("parses");
            assert_eq!(survey.aliases, note.frontmatter.aliases, "{text:?}");
            assert_eq!(survey.outline, Some(Outline::of(note.body())), "{text:?}");
            let literate = !note.experiments.is_empty()
                || !note.claims.is_empty()
                || !crate::claims::cited_values(&note.text).is_empty();
            assert_eq!(survey.literate, literate, "{text:?}");
            // A parse that takes the survey's frontmatter is the parse, and so is a later one,
            // which reads the frontmatter itself.
            let parsed = format!("{:?}", crate::notes::parse(&src, "V", &settings));
            for _ in 0..2 {
                assert_eq!(format!("{:?}", crate::notes::parse_surveyed(&src, "V", &settings, Some(&survey))), parsed);
            }
        }
        let binary = SourceFile::new("b.md", vec![0xff, 0xfe, 0x00]);
        assert!(super::survey(&binary).aliases.is_empty());
    }
}
