"""Drives the real Anki library for studygen's tests and prints what it saw as JSON.

Usage: driver.py COLLECTION COMMAND [ARG]
  import-apkg PATH   import a package with Anki's defaults (update notes only when newer)
  import-text PATH   import a cards.txt text export
  review             answer every card once with "Easy" through the scheduler
  remove-notes       delete every note (to re-import the same GUIDs from another format)
  inspect            notes, cards, rendered sides, empty cards, media check, review logs
  find-notes QUERY   the notes a search of Anki's browser finds: id and fields
  deck-names FILE    the name Anki gives a deck named as each line of FILE says
"""

import json
import os
import sys

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportCsvRequest


def log_counts(result):
    log = result.log
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "first_field_match": len(log.first_field_match),
        "missing_notetype": len(log.missing_notetype),
        "missing_deck": len(log.missing_deck),
        "empty_first_field": len(log.empty_first_field),
        "found_notes": log.found_notes,
    }


def import_apkg(col, path):
    req = ImportAnkiPackageRequest(package_path=path, options=ImportAnkiPackageOptions())
    return log_counts(col.import_anki_package(req))


def import_text(col, path):
    metadata = col.get_csv_metadata(path=path, delimiter=None)
    return log_counts(col.import_csv(ImportCsvRequest(path=path, metadata=metadata)))


def review(col):
    """Answers every card once with "Easy" through the v3 scheduler, as a review would."""
    from anki.scheduler_pb2 import CardAnswer

    answered = 0
    for cid in sorted(col.find_cards("")):
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(card.id)
        answer = col.sched.build_answer(card=card, states=states, rating=CardAnswer.EASY)
        col.sched.answer_card(answer)
        answered += 1
    return {"answered": answered}


def remove_notes(col):
    ids = col.find_notes("")
    col.remove_notes(ids)
    return {"removed": len(ids)}


def find_notes(col, query):
    found = []
    for nid in sorted(col.find_notes(query)):
        note = col.get_note(nid)
        names = [f["name"] for f in note.note_type()["flds"]]
        found.append({"id": nid, "guid": note.guid, "fields": dict(zip(names, note.fields))})
    return {"notes": found}


def deck_names(col, path):
    with open(path, encoding="utf-8") as f:
        names = f.read().split("\n")
    return {"names": {name: col.decks.name(col.decks.id(name)) for name in names}}


def inspect(col):
    notes = []
    for nid in sorted(col.find_notes("")):
        note = col.get_note(nid)
        notetype = note.note_type()
        notes.append(
            {
                "id": nid,
                "guid": note.guid,
                "notetype": notetype["name"],
                "notetype_id": notetype["id"],
                "fields": dict(zip([f["name"] for f in notetype["flds"]], note.fields)),
                "tags": note.tags,
                "mod": note.mod,
            }
        )
    cards = []
    for cid in sorted(col.find_cards("")):
        card = col.get_card(cid)
        cards.append(
            {
                "id": cid,
                "nid": card.nid,
                "deck": col.decks.name(card.did),
                "ord": card.ord,
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "ivl": card.ivl,
                "reps": card.reps,
                "factor": card.factor,
                "question": card.question(),
                "answer": card.answer(),
                "revlog": len(col.card_stats_data(cid).revlog),
            }
        )
    empty = col.get_empty_cards()
    check = col.media.check()
    return {
        "notes": notes,
        "cards": cards,
        "empty_cards": sum(len(n.card_ids) for n in empty.notes),
        "media_missing": list(check.missing),
        "media_unused": list(check.unused),
        "media_files": sorted(os.listdir(col.media.dir())),
        "notetypes": sorted(nt.name for nt in col.models.all_names_and_ids()),
    }


def main():
    col_path, command = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else None
    col = Collection(col_path)
    try:
        commands = {
            "import-apkg": lambda: import_apkg(col, arg),
            "import-text": lambda: import_text(col, arg),
            "review": lambda: review(col),
            "remove-notes": lambda: remove_notes(col),
            "inspect": lambda: inspect(col),
            "find-notes": lambda: find_notes(col, arg),
            "deck-names": lambda: deck_names(col, arg),
        }
        out = commands[command]()
    finally:
        col.close()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
