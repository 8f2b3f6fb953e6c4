"""Train claimkit's attribution model (the same run as ``claimkit train``).

    python scripts/train_nli.py --corpus_dir ../shared/corpora/polnear --output_dir runs/nli
    python scripts/train_nli.py runs/nli/train_config.json          # repeat a run from its saved config
    accelerate launch --multi_gpu --num_processes 2 scripts/train_nli.py ...   # data-parallel, unchanged

(``--multi_gpu`` selects accelerate's torchrun launcher; on a machine without GPUs the processes train
on CPU and talk over gloo. ``--cpu`` alone would start a single process.)

Every option is a field of ``claimkit.models.nli.train.TrainConfig`` (``--help`` lists them with their help text).
Prints the metrics as JSON at the end (main process only).
"""

from __future__ import annotations

import json
import os
import sys

from claimkit.annotate.errors import ClaimkitError
from claimkit.models.evaluation.comparison import compare_with_baselines
from claimkit.models.nli.train import parse_args, train


def main(argv: list[str] | None = None) -> int:
    try:
        config = parse_args(sys.argv[1:] if argv is None else argv)
        result = train(config, compare=compare_with_baselines)
    except ClaimkitError as exc:
        print(f"train_nli: error: {exc}", file=sys.stderr)
        return 2
    if os.environ.get("RANK", "0") != "0":  # under accelerate/torchrun only the main process reports
        return 0
    print(json.dumps({"output_dir": result.output_dir, "metrics": result.metrics}, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
