"""The built wheel installs everything under the ``claimkit`` namespace and still finds its data.

Built and installed into a fresh venv (no dependencies: only the layout is under test), then probed
from a folder outside the checkout: ``claimkit.annotate`` and ``claimkit.models`` import, a top-level
``annotate`` or ``models`` does not exist, and the schema, cue lexicon and samples are found.
"""

import subprocess
import sys
import venv
import zipfile

from tests.paths import REPO


def test_packaging_wheel_installs_one_namespace_and_finds_its_data(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr.decode()[-2000:]
    (wheel,) = tmp_path.glob("claimkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("claimkit/data/schema.yaml", "claimkit/data/cues.yaml", "claimkit/annotate/schema.py",
                   "claimkit/models/__init__.py", "claimkit/annotate/studio/push.py", "claimkit/cli.py"):  # fmt: skip
        assert needed in names
    assert any(n.startswith("claimkit/data/samples/") for n in names)
    top_level = {n.split("/")[0] for n in names if not n.startswith("claimkit-")}
    assert top_level == {"claimkit"}, top_level

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    zipfile.ZipFile(wheel).extractall(site)  # what pip does with a pure-Python wheel, minus the network
    probe = (
        "import importlib.util as u\n"
        "import claimkit.annotate.schema as s, claimkit.annotate.frames as f, claimkit.models\n"
        "assert u.find_spec('models') is None and u.find_spec('annotate') is None, 'top-level package installed'\n"
        "print(s.__file__); print(s.data_dir()); print(len(s.default_schema().fields)); print(len(f.lexicon().reporting_verbs) > 50)\n"
    )
    # Dependencies (PyYAML...) come from the test run's own environment; a PYTHONPATH entry's .pth files
    # are not processed, so the checkout's editable install does not leak into the probe.
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    clean_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": deps}
    done = subprocess.run([str(python), "-c", probe], capture_output=True, cwd=tmp_path, env=clean_env, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    module, where, n_fields, lexicon_ok = done.stdout.decode().split()
    assert module.startswith(site) and where == f"{site}/claimkit/data"
    assert int(n_fields) >= 7 and lexicon_ok == "True"
    failed = subprocess.run(
        [str(python), "-c", "import models"], capture_output=True, cwd=tmp_path, env=clean_env, timeout=60
    )
    assert failed.returncode != 0 and b"No module named 'models'" in failed.stderr
