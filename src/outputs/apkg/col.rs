//! The collection's one `col` row: its settings, note types, decks and deck options, as the JSON
//! a legacy (schema 11) collection holds.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::cards::identity::stable_id;
use crate::cards::notetypes::Model;
use crate::templates::Templates;

/// `A::B::C` and each of its parents.
pub(super) fn ancestors(deck: &str) -> Vec<String> {
    let parts: Vec<&str> = deck.split("::").collect();
    (1..=parts.len()).map(|n| parts.get(..n).unwrap_or_default().join("::")).collect()
}

/// The collection's settings, as a new Anki collection has them.
pub(super) fn conf_json() -> Value {
    json!({"activeDecks": [1], "addToCur": true, "collapseTime": 1200, "curDeck": 1, "curModel": null,
           "dueCounts": true, "estTimes": true, "newBury": true, "newSpread": 0, "nextPos": 1,
           "sortBackwards": false, "sortType": "noteFld", "timeLim": 0})
}

/// The note types, with their fields, templates and style; `did` is the deck new cards go to.
pub(super) fn models_json(list: &[Model], templates: &Templates, did: i64, now: i64) -> anyhow::Result<Value> {
    let css = templates.css()?;
    let mut models = serde_json::Map::new();
    for nt in list {
        let flds: Vec<Value> = nt
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| json!({"name": f, "ord": i, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []}))
            .collect();
        let mut tmpls = Vec::new();
        for (i, (name, prefix)) in nt.templates.iter().enumerate() {
            let t = if prefix == "custom" { templates.custom(nt)? } else { templates.card(prefix)? };
            tmpls.push(json!({"name": name, "ord": i, "qfmt": t.qfmt, "afmt": t.afmt, "bqfmt": "", "bafmt": "",
                              "did": null, "bfont": "", "bsize": 0}));
        }
        let req: Vec<Value> = (0..nt.templates.len()).map(|i| json!([i, "any", [i]])).collect();
        models.insert(
            nt.id.to_string(),
            json!({"id": nt.id, "name": nt.name, "type": i32::from(nt.cloze), "mod": now, "usn": -1, "sortf": 0,
                   "did": did, "tmpls": tmpls, "flds": flds, "css": css, "req": req, "tags": [], "vers": [],
                   "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
                   "latexPost": "\\end{document}", "latexsvg": false}),
        );
    }
    Ok(Value::Object(models))
}

/// The decks: Anki's `Default`, and `decks` by their stable ids.
pub(super) fn decks_json(decks: &BTreeSet<String>, now: i64) -> Value {
    let deck = |id: i64, name: &str| {
        json!({"id": id, "name": name, "mod": now, "usn": -1, "collapsed": false, "browserCollapsed": false,
               "desc": "", "dyn": 0, "conf": 1, "extendNew": 0, "extendRev": 0,
               "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0]})
    };
    let mut map = serde_json::Map::new();
    map.insert("1".into(), deck(1, "Default"));
    for name in decks {
        let id = stable_id("deck", name);
        map.insert(id.to_string(), deck(id, name));
    }
    Value::Object(map)
}

/// The deck options every deck uses: Anki's defaults.
pub(super) fn dconf_json() -> Value {
    json!({"1": {"id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
                 "replayq": true, "dyn": false,
                 "new": {"bury": false, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20},
                 "lapse": {"delays": [10], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0},
                 "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2}}})
}
