//! Every kind of diagnostic has a stable code, printed with it (`error[claim-failed]`) and in the
//! JSON and GitHub formats, so that CI scripts and people can refer to it. The README lists them
//! all; a test keeps the two in step.

macro_rules! codes {
    ($($variant:ident = $name:literal: $doc:literal,)*) => {
        /// A diagnostic's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum Code {
            $(
                #[doc = $doc]
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order the README lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as printed, such as `claim-failed`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What it means.
            pub fn doc(self) -> &'static str {
                match self {
                    $(Code::$variant => $doc,)*
                }
            }
        }
    };
}

codes! {
    // The vault and its settings.
    UnreadableFile = "unreadable-file": "a file of the vault cannot be read",
    InvalidUtf8 = "invalid-utf8": "a note is not UTF-8 text (or is encrypted with git-crypt in a locked checkout); it is skipped, and links to its headings and blocks are not checked",
    SettingsInvalid = "settings-invalid": "studygen.toml or a plugin's data.json cannot be used as written",
    CustomRegexInvalid = "custom-regex-invalid": "a custom regex from Obsidian_to_Anki's settings cannot be compiled or used",
    StateInOutput = "state-in-output": "the identity state is kept in the output folder, because the vault cannot be written",
    // Notes.
    FrontmatterInvalid = "frontmatter-invalid": "the frontmatter is not readable YAML properties",
    CommentUnclosed = "comment-unclosed": "a `%%` comment is never closed",
    FenceUnclosed = "fence-unclosed": "a code fence is never closed, and the code it makes of the rest of the note holds spaced-repetition cards, which make none",
    DeckInvalid = "deck-invalid": "a deck name cannot be used (error), or has an empty part between `::`, which Anki names `blank` (warning)",
    NotFlashcardNote = "not-flashcard-note": "spaced-repetition cards in a note without the flashcard tag make no card",
    // Card syntax.
    BlockUnclosed = "block-unclosed": "a card block (START … END) is not closed (an error), or END has no START (a warning)",
    BlockIndentedEnd = "block-indented-end": "an indented end marker is read as the end of the block",
    BlockEmpty = "block-empty": "a card block names no note type",
    BlockDeleted = "block-deleted": "a block is marked for deletion and left out of the deck (warning); a `DELETE` outside every card with no ID deletes nothing (info)",
    InlineUnclosed = "inline-unclosed": "an inline card (STARTI … ENDI) is not closed on its line",
    NoteTypeUnknown = "note-type-unknown": "a card names a note type that is not known",
    FieldUnknown = "field-unknown": "a `Field:` label is not a field of the card's note type",
    CardEmptyFront = "card-empty-front": "a card has no question",
    CardEmptyBack = "card-empty-back": "a card has no answer",
    ClozeMissing = "cloze-missing": "a cloze card has no cloze deletion",
    ClozeOutOfRange = "cloze-out-of-range": "a cloze number is outside Anki's 1 to 500",
    IdOrphan = "id-orphan": "an `<!--ID: …-->` line belongs to no card",
    IdDuplicate = "id-duplicate": "two cards carry the same Anki note id",
    CardDuplicate = "card-duplicate": "two cards have the same front in the same deck",
    // Links and embeds.
    LinkOutsideVault = "link-outside-vault": "a link or embed points outside the vault and is not followed, or a folder of the vault is a symbolic link out of it and is not read",
    AttachmentMissing = "attachment-missing": "a linked or embedded file is not in the vault (the hint names a file the vault has whose name differs only in its spaces, `Diagram .pdf` for `Diagram.pdf`, or only in its extension, `scan.jpg` for `scan.png`)",
    EmbedMissing = "embed-missing": "an embed names a note that does not exist",
    LinkUnresolved = "link-unresolved": "a link names a note that does not exist (yet)",
    LinkAmbiguous = "link-ambiguous": "a link's name matches several notes",
    SectionMissing = "section-missing": "a link or embed names a heading or block the note does not have (an info when it is GitHub's or Wikipedia's anchor for a heading that is there, the id a heading sets with `{#id}`, or an HTML anchor the note sets)",
    EmbedCycle = "embed-cycle": "notes embed each other in a cycle; it is cut",
    EmbedBudget = "embed-budget": "a note embeds more than its budget; the rest are shown as links",
    EmbedDrawing = "embed-drawing": "an embed names an Excalidraw drawing with no exported image, which a card shows as a link",
    // Experiments, claims and values.
    ExperimentSpec = "experiment-spec": "an experiment block is not a valid spec: kind, id or a parameter",
    ExperimentDuplicateId = "experiment-duplicate-id": "two experiments have the same id",
    ExperimentOverBudget = "experiment-over-budget": "the vault's experiments together are over their work budget",
    ExperimentFailed = "experiment-failed": "an experiment cannot run with its parameters",
    ExperimentNote = "experiment-note": "an experiment ran, with something its results' reader should know",
    ClaimSyntax = "claim-syntax": "a claim is not `result op expected [± tol]`",
    ClaimUnknownResult = "claim-unknown-result": "a claim names a result no experiment has",
    ClaimFailed = "claim-failed": "a claim does not hold: expected against measured",
    ValueUnknown = "value-unknown": "an inline `= id.result` names a result no experiment has",
}
