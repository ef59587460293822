#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the example vault and the test fixtures:
# every note for `note`, and every experiment block (with the claims block after it) for `experiment`.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/note corpus/experiment
find ../notes ../tests/fixtures -name '*.md' -print0 | while IFS= read -r -d '' f; do
    cp "$f" "corpus/note/$(sha1sum "$f" | cut -c1-16)"
done
find ../notes ../tests/fixtures -name '*.md' -print0 | xargs -0 awk '
    FNR == 1 { block = ""; inside = "" }
    /^```experiment/ { inside = "spec"; spec = ""; next }
    /^```claims/ { inside = "claims"; claims = ""; next }
    /^```/ && inside == "spec" { inside = ""; n++; file = "corpus/experiment/seed-" n; printf "%s", spec > file; close(file); next }
    /^```/ && inside == "claims" { inside = ""; file = "corpus/experiment/seed-" n; printf "%s\0%s", spec, claims > file; close(file); next }
    inside == "spec" { spec = spec $0 "\n" }
    inside == "claims" { claims = claims $0 "\n" }
'
echo "seeds: $(ls corpus/note | wc -l) notes, $(ls corpus/experiment | wc -l) experiments"
