"""A built wheel (not the editable checkout) still finds the schema, the cue lexicon and the samples."""

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_packaging_wheel_ships_data_and_finds_it(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True, timeout=600,
    )
    assert built.returncode == 0, built.stderr.decode()[-2000:]
    (wheel,) = tmp_path.glob("claimkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("claimkit/data/schema.yaml", "claimkit/data/cues.yaml", "annotate/schema.py", "models/__init__.py"):
        assert needed in names
    assert any(n.startswith("claimkit/data/samples/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import annotate.schema as s, annotate.frames as f; "
        "print(s.data_dir()); print(len(s.default_schema().fields)); print(len(f.lexicon().reporting_verbs) > 50)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=tmp_path, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    where, n_fields, lexicon_ok = done.stdout.decode().split()
    assert Path(where) == site / "claimkit" / "data"
    assert int(n_fields) >= 7 and lexicon_ok == "True"
