"""Retraining behind the backend: one worker process at a time, an atomic swap, the old model kept on failure.

Triggers: Label Studio's "Start training" (``START_TRAINING`` webhook) and every ``every`` new or
updated annotations (``ANNOTATION_CREATED`` / ``ANNOTATION_UPDATED``). The request that carries the
event only *starts* a worker: training runs in its own process (``python -m claimkit.backend.retrain
JOB``), never in the server's threads, so predictions keep being served meanwhile.

One at a time, twice over: inside the server a lock and the running worker's handle (an event storm
finds the worker alive and starts nothing), and across processes an exclusive ``flock`` on
``STATE_DIR/train.lock`` that the worker holds while it trains (a backend restarted during a training
cannot start a second one beside the orphan).

Atomic swap: the worker trains into ``STATE_DIR/models/<name>.partial`` and renames it to
``STATE_DIR/models/<name>`` only when training returned; the server then loads that directory in a
monitor thread (not a request thread), swaps it in whole (``app.Served.swap``), and writes
``STATE_DIR/current`` (tmp + rename) naming it. Its ``model_version`` is the new directory's content
hash, so Label Studio sees a new version. A crash, ``kill -9`` or bad data leaves no renamed
directory: the old model keeps serving, and the error is kept (``last_error``, the log tail) for
``/health`` and ``claimkit backend status``.

What training does is injectable (``RetrainOptions.train``, a ``module:function`` the worker imports
and calls with the job): by default ``train_job``, which runs ``claimkit train`` (``models.nli.train``)
on the project's annotations, pulled from Label Studio, plus the base corpus when given.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LOCK_FILE = "train.lock"
CURRENT_FILE = "current"
DEFAULT_TRAIN = "claimkit.backend.retrain:train_job"
TRIGGERS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED")
EXIT_BUSY = 3
"""The worker's exit code when another worker holds the training lock."""


@dataclass(frozen=True)
class RetrainOptions:
    """How the backend retrains. ``connection`` (url, token) is given to the worker in its environment."""

    state_dir: Path
    every: int = 100
    train: str = DEFAULT_TRAIN
    corpus_dir: str | None = None
    corpus_weight: float = 1.0
    base_model: str | None = None
    max_train_minutes: float | None = 5.0
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """Extra ``TrainConfig`` fields (quick runs, tests)."""


@dataclass
class TrainingState:
    """What ``/health`` reports about retraining."""

    running: bool = False
    pid: int | None = None
    started_at: float | None = None
    runs: int = 0
    swaps: int = 0
    pending_annotations: int = 0
    last_model_dir: str | None = None
    last_error: str | None = None
    log: str | None = None
    log_tail: list[str] = field(default_factory=list)


class Retrainer:
    """Starts workers on events, watches them, swaps their model in (see the module docstring)."""

    def __init__(
        self,
        options: RetrainOptions,
        load: Callable[[Path], Any],
        swap: Callable[[Any], None],
        connection: Callable[[], tuple[str, str] | None] = lambda: None,
    ) -> None:
        self.options = options
        self.load = load
        self.swap = swap
        self.connection = connection
        self.state = TrainingState()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._project: str | None = None
        (options.state_dir / "models").mkdir(parents=True, exist_ok=True)

    # --- events ---------------------------------------------------------------------------------------------
    def on_event(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The webhook hook: count annotations, start a training when it is due."""
        action = str(event.get("action") or "")
        project = event.get("project") if isinstance(event.get("project"), Mapping) else {}
        with self._lock:
            if project and project.get("title"):
                self._project = str(project["title"])
            if action in TRIGGERS:
                self.state.pending_annotations += 1
                if self.options.every <= 0 or self.state.pending_annotations < self.options.every:
                    return {"status": "counted", "pending_annotations": self.state.pending_annotations}
            elif action != "START_TRAINING":
                return {"status": "ignored", "action": action}
            return self._start()

    def start(self) -> dict[str, Any]:
        with self._lock:
            return self._start()

    def _start(self) -> dict[str, Any]:
        if self._proc is not None and self._proc.poll() is None:
            return {"status": "already training", "pid": self._proc.pid}
        name = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + f"-{self.state.runs + 1}"
        models = self.options.state_dir / "models"
        final_dir = models / name
        job = {
            "train": self.options.train,
            "state_dir": str(self.options.state_dir),
            "output_dir": str(models / f"{name}.partial"),
            "final_dir": str(final_dir),
            "project": self._project,
            "options": {k: v for k, v in asdict(self.options).items() if k not in ("state_dir", "train")},
        }
        job_file = self.options.state_dir / f"job-{name}.json"
        job_file.write_text(json.dumps(job, indent=2, default=str), encoding="utf-8")
        log = self.options.state_dir / f"train-{name}.log"
        env = dict(os.environ)
        conn = self.connection()
        if conn is not None:  # the token goes in the environment, never in argv
            env["LABEL_STUDIO_URL"], env["LABEL_STUDIO_API_KEY"] = conn
        with log.open("wb") as fh:
            self._proc = subprocess.Popen([sys.executable, "-m", "claimkit.backend.retrain", str(job_file)],  # noqa: S603
                                          stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                          start_new_session=True)  # fmt: skip
        self.state.running, self.state.pid, self.state.started_at = True, self._proc.pid, time.time()
        self.state.runs += 1
        self.state.pending_annotations = 0
        self.state.log = str(log)
        threading.Thread(target=self._watch, args=(self._proc, final_dir, log), daemon=True).start()
        return {"status": "training started", "pid": self._proc.pid, "log": str(log)}

    # --- the worker's end --------------------------------------------------------------------------------------
    def _watch(self, proc: subprocess.Popen[bytes], final_dir: Path, log: Path) -> None:
        code = proc.wait()
        error: str | None = None
        if code == 0 and final_dir.is_dir():
            try:
                self.swap(self.load(final_dir))
                _write_atomic(self.options.state_dir / CURRENT_FILE, final_dir.name + "\n")
                self.state.swaps += 1
                self.state.last_model_dir = str(final_dir)
            except Exception as exc:  # a model that trains but does not load must not take the backend down
                error = (
                    f"the new model in {final_dir} did not load ({exc.__class__.__name__}: {exc}); the old one serves"
                )
        elif code == EXIT_BUSY:
            error = "another training held the lock; nothing was started"
        elif code < 0:
            error = f"the training worker was killed by signal {-code}; the old model serves"
        else:
            error = f"training failed (exit {code}); the old model serves; see {log}"
        with self._lock:
            self.state.running, self.state.pid = False, None
            self.state.log_tail = _tail(log)
            if error is not None:
                self.state.last_error = error
            for partial in (self.options.state_dir / "models").glob("*.partial"):
                if not _locked(self.options.state_dir):
                    shutil.rmtree(partial, ignore_errors=True)

    def status(self) -> dict[str, Any]:
        with self._lock:
            if self.state.running and self.state.log:
                self.state.log_tail = _tail(Path(self.state.log))
            return {**asdict(self.state), "every": self.options.every, "state_dir": str(self.options.state_dir)}

    def stop(self) -> None:
        """Stop a running worker (the backend is shutting down); its partial model is discarded."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()


def _tail(path: Path, lines: int = 20) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line[-300:] for line in text.replace("\r", "\n").splitlines() if line.strip()][-lines:]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _locked(state_dir: Path) -> bool:
    """Whether a worker holds the training lock right now."""
    with open(state_dir / LOCK_FILE, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def current_model(state_dir: Path) -> Path | None:
    """The model the last retraining swapped in (``STATE_DIR/current``), if any."""
    try:
        name = (state_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = state_dir / "models" / name
    return path if name and path.is_dir() else None


# --- inside the worker process ----------------------------------------------------------------------------------


def train_job(job: Mapping[str, Any]) -> None:
    """The default training: ``claimkit train`` on the project's annotations (pulled over the connection in
    ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``), plus the base corpus when given."""
    from claimkit.models.nli.train import TrainConfig, train

    options = job["options"]
    settings: dict[str, Any] = {
        "output_dir": job["output_dir"],
        "project": job.get("project"),
        "corpus_dir": options.get("corpus_dir"),
        "corpus_weight": options.get("corpus_weight", 1.0),
        "base_model": options.get("base_model"),
        "max_train_minutes": options.get("max_train_minutes"),
        "ties": "latest",
        "compare_baselines": False,
        "progress": False,
    }
    settings.update(options.get("overrides") or {})
    train(TrainConfig(**settings))


def run_job(job_file: Path) -> int:
    """The worker: take the training lock, train into ``output_dir``, rename it to ``final_dir``."""
    job = json.loads(job_file.read_text(encoding="utf-8"))
    state_dir = Path(job["state_dir"])
    with open(state_dir / LOCK_FILE, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print("claimkit: another training holds the lock", file=sys.stderr)
            return EXIT_BUSY
        output, final = Path(job["output_dir"]), Path(job["final_dir"])
        shutil.rmtree(output, ignore_errors=True)
        module, _, name = str(job["train"]).partition(":")
        getattr(importlib.import_module(module), name)(job)
        if not output.is_dir() or not any(output.iterdir()):
            print(f"claimkit: training wrote nothing to {output}", file=sys.stderr)
            return 1
        os.replace(output, final)
        print(f"claimkit: new model in {final}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_job(Path(sys.argv[1])))
