//! Attachments whose names read like a name that finds none: the same name but for its white
//! space (`Wiggers Diagram .pdf` for `Wiggers Diagram.pdf`), or the same stem with another
//! extension (`figure.jpg` for `figure.png`). A link that finds no attachment names one as a hint.

use std::collections::{BTreeMap, HashMap};

/// An attachment like a name that finds none, by its vault-relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alike {
    /// The same name but for white space.
    Spacing(String),
    /// The same stem (but for white space) with another extension.
    Extension(String),
}

/// The vault's attachments by the shape of their names and of their stems; the first attachment
/// in path order of each shape.
#[derive(Debug, Default)]
pub struct Shapes {
    by_name: HashMap<String, String>,
    by_stem: HashMap<String, String>,
}

impl Shapes {
    /// Indexes `attachments` ([`super::Vault::attachments`]).
    pub fn new(attachments: &BTreeMap<String, Vec<String>>) -> Self {
        let mut shapes = Shapes::default();
        for path in attachments.values().flatten() {
            let name = super::file_name(path);
            shapes.by_name.entry(shape(name)).or_insert_with(|| path.clone());
            if let Some((stem, _)) = name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()) {
                shapes.by_stem.entry(shape(stem)).or_insert_with(|| path.clone());
            }
        }
        shapes
    }

    /// The attachment most like `target`, a name no attachment has.
    pub fn like(&self, target: &str) -> Option<Alike> {
        let name = super::file_name(target);
        if let Some(path) = self.by_name.get(&shape(name)) {
            return Some(Alike::Spacing(path.clone()));
        }
        let (stem, _) = name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty())?;
        self.by_stem.get(&shape(stem)).map(|path| Alike::Extension(path.clone()))
    }
}

/// A name as names are compared here: lower-cased, without white space.
fn shape(name: &str) -> String {
    name.chars().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(paths: &[&str]) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in paths {
            map.entry(super::super::file_name(p).to_lowercase()).or_default().push((*p).to_owned());
        }
        map
    }

    #[test]
    fn a_name_is_like_one_that_differs_in_spaces_or_extension() {
        let map = shapes(&["BME/BME205 Wiggers Diagram.pdf", "img/figure.jpg", "img/Figure 2.png", "a/.png"]);
        let s = Shapes::new(&map);
        let spacing = |p: &str| Some(Alike::Spacing(p.to_owned()));
        assert_eq!(s.like("BME205 Wiggers Diagram .pdf"), spacing("BME/BME205 Wiggers Diagram.pdf"));
        assert_eq!(s.like("folder/figure2.PNG"), spacing("img/Figure 2.png"));
        assert_eq!(s.like("figure.png"), Some(Alike::Extension("img/figure.jpg".to_owned())));
        assert_eq!(s.like("Figure 2.svg"), Some(Alike::Extension("img/Figure 2.png".to_owned())));
        assert_eq!(s.like("figure 3.png"), None);
        assert_eq!(s.like("diagram"), None, "a name without an extension has no stem to compare");
        assert_eq!(s.like(".svg"), None, "nor has a name that is all extension");
    }
}
