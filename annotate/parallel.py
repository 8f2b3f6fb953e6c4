"""The local engine: ``BatchSplitter`` in this process or in a pool of worker processes, output in input order.

Memory is bounded by the number of batches in flight (``in_flight``, two per worker by default), never
by the corpus: a batch is read from the input only when an earlier one has come back. Results are
yielded in the order the batches were read, so the output does not depend on which worker was faster,
nor on how many there were.

Workers are started with ``spawn`` (a fresh interpreter, no copy of the parent's threads or torch state)
and each loads spaCy and the predictor once, in its initializer.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

from claimkit.annotate.batch import BATCH_ARTICLES, BatchSplitter, Rendered, SplitSettings
from claimkit.annotate.errors import ClaimkitError
from claimkit.annotate.types import Article

T = TypeVar("T")


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and ``taskset`` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def batched(items: Iterable[T], size: int = BATCH_ARTICLES) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


_WORKER: BatchSplitter | None = None
_WORKER_ERROR: ClaimkitError | None = None


def _init_worker(settings: SplitSettings) -> None:
    """Load spaCy and the predictor once per worker. Ctrl-C is left to the parent, which stops the pool.

    A ``ClaimkitError`` (a missing spaCy pipeline, a bad model directory) is kept and raised by the first
    batch: raised here it would only break the pool, and the user would never see the one-line message.
    """
    global _WORKER, _WORKER_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _WORKER = BatchSplitter(settings)
    except ClaimkitError as exc:
        _WORKER_ERROR = exc


def _run_batch(articles: list[Article]) -> list[Rendered]:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    assert _WORKER is not None, "worker initializer did not run"
    return _WORKER(articles)


def split_local(
    batches: Iterable[list[Article]], settings: SplitSettings, workers: int = 1, in_flight: int | None = None
) -> Iterator[tuple[list[Article], list[Rendered]]]:
    """Each batch with its rendered output, in input order: in this process (``workers == 1``) or a pool.

    Closing the generator early (an error in the caller, Ctrl-C) cancels the batches not yet started
    and shuts the workers down.
    """
    if workers <= 1:
        splitter = BatchSplitter(settings)
        for batch in batches:
            yield batch, splitter(batch)
        return
    limit = in_flight or 2 * workers
    pending: deque[tuple[list[Article], Future[list[Rendered]]]] = deque()
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(settings,))
    try:
        source = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                try:
                    batch = next(source)
                except StopIteration:
                    exhausted = True
                else:
                    pending.append((batch, pool.submit(_run_batch, batch)))
            if not pending:
                break
            batch, future = pending.popleft()
            yield batch, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
