"""``scripts/claim_sample.py``: a seeded sample of claims with their sentences, for a hand audit."""

import json
import subprocess
import sys

from tests.paths import REPO

SCRIPT = REPO / "scripts" / "claim_sample.py"


def _claims_file(tmp_path):
    text = "The bridge is closed. Inspectors found cracks, the department said. Trucks use River Road."
    starts = [0, text.index("Inspectors"), text.index("Trucks")]
    ends = [text.index(" Inspectors"), text.index(" Trucks"), len(text)]
    claims = [
        {"text": "The bridge is closed.", "sentence": 0},
        {"text": "Inspectors found cracks", "sentence": 1},
        {"text": "Trucks use River Road.", "sentence": 2},
    ]
    article = {"id": "a", "text": text, "sentences": list(zip(starts, ends, strict=True)), "claims": claims}
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(article) + "\n", encoding="utf-8")
    return path


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def test_same_seed_draws_the_same_claims_with_their_sentences(tmp_path):
    path = _claims_file(tmp_path)
    first, again = _run(path, "--n", 2, "--seed", 3), _run(path, "--n", 2, "--seed", 3)
    assert first.returncode == 0 and first.stdout == again.stdout
    rows = [line for line in first.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 2
    assert "| Inspectors found cracks | Inspectors found cracks, the department said. |" in _run(path, "--n", 3).stdout


def test_missing_file_is_one_line_that_says_how_to_make_it(tmp_path):
    done = _run(tmp_path / "nope.jsonl")
    assert done.returncode != 0 and "claimkit split" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_sources_samples_attributed_claims_with_their_type_and_resolution(tmp_path):
    path = _claims_file(tmp_path)
    article = json.loads(path.read_text())
    text = article["text"]
    dept = [text.index("the department"), text.index("the department") + len("the department")]
    article["claims"][1]["labels"] = {
        "attribution": {"value": "attributed"},
        "source": {"value": "the department", "spans": [dept]},
        "source_type": {"value": "government", "spans": [[0, 10]]},
    }
    article["claims"][0]["labels"] = {"attribution": {"value": "asserted"}, "source": {"value": None, "spans": []}}
    path.write_text(json.dumps(article) + "\n", encoding="utf-8")
    done = _run(path, "--sources", "--n", 5)
    assert done.returncode == 0 and "1 of 1 attributed claims with a source" in done.stdout
    assert "| the department | government | The bridge | Inspectors found cracks |" in done.stdout
