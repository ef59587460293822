//! Bad input is normal input: thousands of notes stitched together from the pieces of every card
//! syntax, in random order and nesting, parse and render without a panic, with custom markers,
//! custom regexes, CurlyCloze and custom separators switched on. Seeded, so a failure reproduces.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use studygen::markdown::{self, Resolve, Style};
use studygen::notes;
use studygen::settings::{CustomRegex, Settings, compile_custom};
use studygen::vault::SourceFile;

const PIECES: &[&str] = &[
    "START",
    "END",
    "  END",
    "- END",
    "STARTI [Basic] q Back: a ENDI",
    "STARTI [Cloze",
    "ENDI",
    "Basic",
    "Cloze",
    "Lernkarte",
    "Back:",
    "Front:",
    "Text:",
    "Extra:",
    "Bakc:",
    "Например:",
    "Tags: a b",
    "Tags:",
    "<!--ID: 17-->",
    "- <!--ID: 18-->",
    "ID: 19",
    "TARGET DECK",
    "TARGET DECK: X",
    "FILE TAGS",
    "DELETE",
    "FROZEN - Basic:",
    "FROZEN - Nope:",
    "q::a",
    "q:::a",
    "::",
    ":::",
    "::::",
    ";;",
    "?",
    "??",
    "==hl==",
    "**b**",
    "{c}",
    "{{c1::x}}",
    "{{c1::",
    "}}",
    "{",
    "}",
    "$",
    "$$",
    "$x$",
    "\\(",
    "\\)",
    "\\[",
    "\\]",
    "```",
    "~~~",
    "```anki",
    "`",
    "%%",
    "#tag",
    "#flashcards",
    "# H",
    "## H",
    "[[",
    "]]",
    "[[#H]]",
    "![[#H]]",
    "![[n#^b]]",
    "^b",
    "<center>",
    "</center>",
    ">",
    "> [!note]",
    "|",
    "|---|",
    "Q: x",
    "A: y",
    "#cloze",
    "<!--",
    "-->",
    "<!--SR:!2026-01-01,1,250-->",
    "\u{a0}",
    "\u{200b}",
    "é",
    "𝛼",
    "\t",
    "",
];

fn settings() -> Settings {
    let mut s = Settings::default();
    s.blocks.curly_cloze = true;
    s.blocks.highlights_to_clozes = true;
    s.blocks.add_obsidian_tags = true;
    s.spaced_repetition.tags.clear();
    s.spaced_repetition.clozes.push("**[123;;]answer[;;hint]**".into());
    s.spaced_repetition.clozes.push("{{[123::]answer[::hint]}}".into());
    s.spaced_repetition.clozes.push(r"==answer==[^\[hint\]][\[^123\]]".into());
    s.regexes = [
        ("Basic", r"^Q: (.+)\nA: (.+)"),
        ("Cloze", r"^(.+) #cloze$"),
        ("Basic", r"^#+(.+)\n*((?:\n(?:^[^\n#].{0,2}$|^[^\n#].{3}(?<!<!--).*))+)"),
    ]
    .iter()
    .map(|(t, r)| CustomRegex { note_type: (*t).into(), source: (*r).into(), variants: compile_custom(r).unwrap() })
    .collect();
    s
}

struct V;
impl Resolve for V {
    fn vault_name(&self) -> &str {
        "v"
    }
    fn media(&self, _: &str) -> Option<String> {
        None
    }
    fn current_note(&self) -> Option<&str> {
        Some("n")
    }
}

#[test]
fn token_soup_never_panics() {
    let settings = settings();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..600 {
        let n = rng.random_range(1..60);
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(PIECES[rng.random_range(0..PIECES.len())]);
            text.push_str(match rng.random_range(0..4) {
                0 => " ",
                1 => "",
                _ => "\n",
            });
        }
        let src = SourceFile::new("n.md", text.clone().into_bytes());
        let (note, _) = notes::parse(&src, "V", &settings);
        let note = note.expect("text parses");
        for card in &note.cards {
            assert!(card.line >= 1 && card.line <= card.end_line.max(card.line), "{text:?}");
            for field in &card.fields {
                markdown::render(field, Style { cloze: true, ..Style::default() }, &V);
            }
        }
        markdown::render(&text, Style::default(), &V);
    }
}
