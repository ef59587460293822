//! The tera templates behind card HTML and CSS.
//!
//! The defaults in `templates/` are compiled into the binary. A vault overrides any of them by
//! placing a file of the same name in `<vault>/.studygen/templates/`.
//!
//! Note-type templates are rendered once per build into Anki's own template language: in them,
//! `{{ f.Front }}` stands for Anki's `{{Front}}`, `{{ FrontSide }}` for `{{FrontSide}}` and
//! `{{ cloze }}` for `{{cloze:Text}}`. `source.html` is rendered for every card with `note`
//! (the vault-relative path) and `url` (an `obsidian://` link to it).
//!
//! An override is checked before it is compiled, so that a hostile vault's template can neither
//! loop nor grow without bound: it may use the documented variables, `if`, local `set`, filters
//! that do not multiply text, and at most four `for` loops, each over `rest`. `get_env`,
//! `set_global`, macros, imports, includes, `range` and the filters `replace`, `indent`, `join`,
//! `concat` and `split` are refused, and a render's output is at most 1 MiB.

use std::path::Path;

use anyhow::Context as _;
use tera::{Context, Tera};

/// Every template, by file name, with its default text.
pub const DEFAULTS: [(&str, &str); 10] = [
    ("card.css", include_str!("../templates/card.css")),
    ("basic_front.html", include_str!("../templates/basic_front.html")),
    ("basic_back.html", include_str!("../templates/basic_back.html")),
    ("reversed_front.html", include_str!("../templates/reversed_front.html")),
    ("reversed_back.html", include_str!("../templates/reversed_back.html")),
    ("cloze_front.html", include_str!("../templates/cloze_front.html")),
    ("cloze_back.html", include_str!("../templates/cloze_back.html")),
    ("source.html", include_str!("../templates/source.html")),
    ("custom_front.html", include_str!("../templates/custom_front.html")),
    ("custom_back.html", include_str!("../templates/custom_back.html")),
];

/// The folder below a vault that holds its template overrides.
pub const OVERRIDE_DIR: &str = ".studygen/templates";

/// Loaded templates.
pub struct Templates {
    tera: Tera,
}

/// Anki's front and back template of one card type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardTemplate {
    /// The question side.
    pub qfmt: String,
    /// The answer side.
    pub afmt: String,
}

impl Templates {
    /// The defaults, with any overrides found in `vault`.
    pub fn load(vault: &Path) -> anyhow::Result<Self> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![]);
        // A vault's templates must not read the environment (secrets) or loop without bound.
        tera.register_function("get_env", |_: &std::collections::HashMap<String, tera::Value>| {
            Err(tera::Error::msg("get_env is not available in studygen templates"))
        });
        tera.register_function("range", bounded_range);
        for (name, default) in DEFAULTS {
            let path = vault.join(OVERRIDE_DIR).join(name);
            let text = match crate::vault::read_own_file(&path, 1 << 20) {
                Ok(Some(bytes)) => String::from_utf8(bytes)
                    .map_err(|_| anyhow::anyhow!("template `{}` is not UTF-8 text", path.display()))?,
                Ok(None) => default.to_owned(),
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read template `{}`", path.display()));
                }
            };
            if text != default {
                check_override(&text).map_err(|why| anyhow::anyhow!("template `{}` {why}", path.display()))?;
            }
            tera.add_raw_template(name, &text).with_context(|| format!("template `{name}` does not parse"))?;
        }
        Ok(Templates { tera })
    }

    /// The card CSS.
    pub fn css(&self) -> anyhow::Result<String> {
        self.anki("card.css")
    }

    /// Anki's template for a card type, from `<prefix>_front.html` and `<prefix>_back.html`.
    pub fn card(&self, prefix: &str) -> anyhow::Result<CardTemplate> {
        Ok(CardTemplate {
            qfmt: self.anki(&format!("{prefix}_front.html"))?,
            afmt: self.anki(&format!("{prefix}_back.html"))?,
        })
    }

    /// Anki's template for a note type made from the vault's blocks: the first field on the front
    /// (as a cloze for cloze types), every other non-empty field on the back. In the tera templates,
    /// `first` is the first field, `rest` the others (`name`, and `open`/`value`/`close`, Anki's
    /// conditional around it) and `source` the Source field.
    pub fn custom(&self, model: &crate::cards::notetypes::Model) -> anyhow::Result<CardTemplate> {
        let mut ctx = Context::new();
        let first = model.fields.first().map_or("", String::as_str);
        let mut front = if model.cloze { format!("{{{{cloze:{first}}}}}") } else { format!("{{{{{first}}}}}") };
        // Anki makes a cloze card only from deletions the front shows.
        for f in &model.cloze_fields {
            front.push_str(&format!(
                "{{{{#{f}}}}}<div class=\"field\" data-field=\"{f}\">{{{{cloze:{f}}}}}</div>{{{{/{f}}}}}"
            ));
        }
        ctx.insert("first", &front);
        let rest: Vec<std::collections::BTreeMap<&str, String>> = model
            .fields
            .iter()
            .skip(1)
            .filter(|f| *f != "Source" && !model.cloze_fields.contains(f))
            .map(|f| {
                [
                    ("name", f.clone()),
                    ("open", format!("{{{{#{f}}}}}")),
                    ("value", format!("{{{{{f}}}}}")),
                    ("close", format!("{{{{/{f}}}}}")),
                ]
                .into_iter()
                .collect()
            })
            .collect();
        ctx.insert("rest", &rest);
        ctx.insert("source", "{{Source}}");
        let render = |name: &str| self.render(name, &ctx);
        Ok(CardTemplate { qfmt: render("custom_front.html")?, afmt: render("custom_back.html")? })
    }

    fn anki(&self, name: &str) -> anyhow::Result<String> {
        let mut ctx = Context::new();
        let fields: std::collections::BTreeMap<&str, String> =
            ["Front", "Back", "Text", "Back Extra", "Source"].iter().map(|f| (*f, format!("{{{{{f}}}}}"))).collect();
        ctx.insert("f", &fields);
        ctx.insert("FrontSide", "{{FrontSide}}");
        ctx.insert("cloze", "{{cloze:Text}}");
        self.render(name, &ctx)
    }

    /// Renders `name`, refusing an output over [`MAX_OUTPUT`].
    fn render(&self, name: &str, ctx: &Context) -> anyhow::Result<String> {
        let out = self.tera.render(name, ctx).with_context(|| format!("template `{name}` failed to render"))?;
        if out.len() > MAX_OUTPUT {
            anyhow::bail!("template `{name}` rendered {} bytes; the most is {MAX_OUTPUT}", out.len());
        }
        Ok(out)
    }

    /// The Source field of a card from note `note`.
    pub fn source(&self, note: &str, url: &str) -> anyhow::Result<String> {
        let mut ctx = Context::new();
        ctx.insert("note", &crate::markdown::escape(note));
        ctx.insert("url", &crate::markdown::escape(url));
        Ok(self.render("source.html", &ctx)?.trim().to_owned())
    }
}

/// The most one render of a template may produce.
const MAX_OUTPUT: usize = 1 << 20;

/// The most `for` loops an override may have.
const MAX_LOOPS: usize = 4;

/// Checks an override's source against what a template may do (see the module comment); the
/// error says what is not allowed.
fn check_override(text: &str) -> Result<(), String> {
    use std::sync::LazyLock;
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?s)\{%-?\s*([A-Za-z_]+)(.*?)-?%\}").expect("valid regex"));
    static LOOP: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^\s*[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)?\s+in\s+rest\s*$").expect("valid regex")
    });
    static GROWS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\|\s*(replace|indent|join|concat|split)\b|\b(range|get_env)\s*\(").expect("valid regex")
    });
    let mut loops = 0;
    for tag in TAG.captures_iter(text) {
        let (keyword, rest) = (&tag[1], &tag[2]);
        match keyword {
            "set_global" | "macro" | "import" | "include" | "extends" => {
                return Err(format!("uses `{keyword}`, which templates may not use"));
            }
            "for" if !LOOP.is_match(rest) => return Err("loops over something other than `rest`".into()),
            "for" => loops += 1,
            _ => {}
        }
    }
    if loops > MAX_LOOPS {
        return Err(format!("has {loops} loops; the most is {MAX_LOOPS}"));
    }
    if let Some(m) = GROWS.find(text) {
        return Err(format!("uses `{}`, which templates may not use", m.as_str().trim_start_matches('|').trim()));
    }
    Ok(())
}

/// tera's `range(end, start=0, step_by=1)`, refusing more than 10,000 items.
fn bounded_range(args: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let num = |k: &str, default: i64| -> tera::Result<i64> {
        match args.get(k) {
            None => Ok(default),
            Some(v) => v.as_i64().ok_or_else(|| tera::Error::msg(format!("range: `{k}` must be an integer"))),
        }
    };
    let (start, end, step) = (num("start", 0)?, num("end", 0)?, num("step_by", 1)?);
    if step <= 0 {
        return Err(tera::Error::msg("range: `step_by` must be positive"));
    }
    let count = if end > start { (end - start + step - 1) / step } else { 0 };
    if count > 10_000 {
        return Err(tera::Error::msg("range: more than 10,000 items"));
    }
    Ok(tera::Value::Array((0..count).map(|i| tera::Value::from(start + i * step)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_to_anki_syntax() {
        let t = Templates::load(Path::new("/nonexistent")).unwrap();
        let basic = t.card("basic").unwrap();
        assert_eq!(basic.qfmt.trim(), "<div class=\"front\">{{Front}}</div>");
        assert!(basic.afmt.contains("{{FrontSide}}") && basic.afmt.contains("{{Back}}"));
        let cloze = t.card("cloze").unwrap();
        assert!(cloze.qfmt.contains("{{cloze:Text}}"));
        assert!(cloze.afmt.contains("{{#Back Extra}}") && cloze.afmt.contains("{{Back Extra}}"));
        assert!(t.css().unwrap().contains(".card"));
    }

    #[test]
    fn templates_cannot_read_the_environment_or_loop_without_bound() {
        let dir = tempfile::tempdir().unwrap();
        let over = dir.path().join(OVERRIDE_DIR);
        std::fs::create_dir_all(&over).unwrap();
        for bad in [
            "{{ get_env(name=\"HOME\") }}",
            "{% for i in range(end=1000000000) %}x{% endfor %}",
            "{% for a in [1,2,3] %}x{% endfor %}",
            "{% set_global s = note %}",
            "{% macro m(n) %}{{ self::m(n=n) }}{% endmacro %}",
            "{% include \"source.html\" %}",
            "{{ note | replace(from=\"a\", to=note) | replace(from=\"a\", to=note) }}",
            "{{ note | split(pat=\"\") | join(sep=note) }}",
            "{% for a in rest %}{% for b in rest %}{% for c in rest %}{% for d in rest %}{% for e in rest %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        ] {
            std::fs::write(over.join("source.html"), bad).unwrap();
            assert!(Templates::load(dir.path()).is_err(), "{bad} is refused");
        }
        std::fs::write(
            over.join("source.html"),
            "{% if note %}<a href=\"{{ url }}\">{{ note | upper }}</a>{% endif %}",
        )
        .unwrap();
        assert_eq!(Templates::load(dir.path()).unwrap().source("n.md", "u").unwrap(), "<a href=\"u\">N.MD</a>");
        std::fs::write(over.join("custom_back.html"), super::DEFAULTS[9].1).unwrap();
        assert!(Templates::load(dir.path()).is_ok(), "a copy of a default passes");
    }

    #[test]
    fn every_default_passes_the_override_check() {
        for (name, text) in DEFAULTS {
            assert_eq!(check_override(text), Ok(()), "{name}");
        }
    }

    #[test]
    fn a_vault_overrides_a_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(OVERRIDE_DIR)).unwrap();
        std::fs::write(dir.path().join(OVERRIDE_DIR).join("card.css"), ".card { color: red }").unwrap();
        let t = Templates::load(dir.path()).unwrap();
        assert_eq!(t.css().unwrap(), ".card { color: red }");
    }
}
