//! Notes a sync service copied. When a note changes on two devices before they sync, Dropbox,
//! Nextcloud, Syncthing, Synology Drive, Obsidian Sync and their kin keep both: the other version
//! beside the note, named as the note with the service's mark after it. Its cards are the note's
//! cards again, with the same IDs, so a duplicate ID or card between the two says which file to
//! delete.

/// Words services put in a copy's name, in the languages they write them in.
const MARKS: [&str; 15] = [
    "conflict",
    "konflikt",
    "conflit",
    "conflitto",
    "conflicto",
    "copy",
    "kopie",
    "copia",
    "衝突",
    "冲突",
    "複本",
    "副本",
    "競合",
    "コピー",
    "충돌",
];

/// Of the vault paths `a` and `b`, the one that is a sync service's copy of the other, if one is:
/// in the same folder, named as the other with a mark after it (`Note (Ana's conflicted copy
/// 2021-09-29).md`, `Note.sync-conflict-20210929-123456-ABC.md`, `Note (與 MSI 衝突的複本
/// 2021-09-29).md`).
pub fn sync_copy<'a>(a: &'a str, b: &'a str) -> Option<&'a str> {
    if is_copy_of(a, b) {
        Some(a)
    } else if is_copy_of(b, a) {
        Some(b)
    } else {
        None
    }
}

/// Whether `copy` is named as `original` with a service's mark after it, in the same folder.
fn is_copy_of(copy: &str, original: &str) -> bool {
    fn split(p: &str) -> (&str, &str) {
        let (folder, name) = p.rsplit_once('/').unwrap_or(("", p));
        (folder, name.strip_suffix(".md").unwrap_or(name))
    }
    let ((folder, stem), (original_folder, original_stem)) = (split(copy), split(original));
    let Some(rest) = stem.strip_prefix(original_stem).filter(|r| !r.is_empty()) else { return false };
    let lower = rest.to_lowercase();
    folder == original_folder
        && rest.starts_with([' ', '.', '_', '-', '(', '（'])
        && MARKS.iter().any(|m| lower.contains(m))
}

/// The hint for a duplicate between the notes `a` and `b`, when one is a sync service's copy of
/// the other.
pub fn hint(a: &str, b: &str) -> Option<String> {
    let copy = sync_copy(a, b)?;
    Some(format!(
        "`{copy}` is a copy a sync service made of the other note (its name says so): keep the version you want, and delete the other file"
    ))
}

#[cfg(test)]
mod tests {
    use super::sync_copy;

    #[test]
    fn a_copy_is_named_as_its_note_with_the_services_mark() {
        let note = "Anki cards/English/Vocabulary 9.1.md";
        for copy in [
            "Anki cards/English/Vocabulary 9.1 (與 MSI 衝突的複本 2021-09-29).md",
            "Anki cards/English/Vocabulary 9.1 (Ana's conflicted copy 2021-09-29).md",
            "Anki cards/English/Vocabulary 9.1.sync-conflict-20210929-123456-QE7GVVI.md",
            "Anki cards/English/Vocabulary 9.1 (conflicted copy 2021-09-29 101112).md",
            "Anki cards/English/Vocabulary 9.1_Conflict_Ana_20210929.md",
        ] {
            assert_eq!(sync_copy(note, copy), Some(copy), "{copy}");
            assert_eq!(sync_copy(copy, note), Some(copy), "{copy}");
        }
        for other in [
            "Anki cards/English/Vocabulary 9.1.md",
            "Anki cards/English/Vocabulary 9.12.md",
            "Anki cards/English/Vocabulary 9.1 (part 2).md",
            "Anki cards/Vocabulary 9.1 (conflicted copy 2021-09-29).md",
            "Anki cards/English/Vocabulary 9.1conflict.md",
        ] {
            assert_eq!(sync_copy(note, other), None, "{other}");
        }
    }
}
