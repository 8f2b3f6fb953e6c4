"""Draw a seeded random sample of claims for reading by hand: a readability or a sourcing audit.

`claimkit eval claims` counts the malformed kinds it knows; a reader finds others (a garbled join, a
question without its asker, a clause whose meaning flipped when its "before" was cut away). This script
prints N random claims of a claims file with the sentence each was cut from, as a Markdown table with
an empty "malformed?" column to fill in. The same seed draws the same claims from the same file, so
an audit can be repeated after a change and the two tables read side by side.

    claimkit split ../shared/corpora/polnear/dev/text -o dev.jsonl
    python scripts/claim_sample.py dev.jsonl --n 120 --seed 7 > audit.md

``--sources`` draws from the attributed claims that name a source instead, and shows the source, its
type and the entity it was resolved to, with empty "type right?" and "resolved right?" columns: the
gold (`claimkit eval sourcing`) holds hand-picked hard cases, this measures ordinary ones.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path


def _cell(value: str) -> str:
    return " ".join(value.replace("|", "\\|").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("claims", type=Path, help="a claimkit JSONL file (`claimkit split -o`)")
    parser.add_argument("--n", type=int, default=120, help="how many claims to draw (default 120)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--sources", action="store_true", help="sample sources (type, resolution) instead")
    args = parser.parse_args()
    if not args.claims.is_file():
        sys.exit(f"{args.claims}: no such file; write one with `claimkit split ARTICLES -o {args.claims}`")
    if args.n <= 0:
        sys.exit(f"--n must be a positive number of claims, not {args.n}")

    pool: list[list[str]] = []
    with args.claims.open(encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            text = str(article.get("text") or "")
            sentences = article.get("sentences") or []
            for claim in article.get("claims") or ():
                index = claim.get("sentence")
                start, end = sentences[index] if index is not None and index < len(sentences) else (0, 0)
                row = [article["id"], claim["text"], text[start:end]]
                if args.sources:
                    described = _source(text, claim.get("labels") or {})
                    if described is None:
                        continue
                    row[1:1] = described
                pool.append(row)
    drawn = random.Random(args.seed).sample(pool, min(args.n, len(pool)))

    what = "attributed claims with a source" if args.sources else "claims"
    print(f"# {'Source' if args.sources else 'Claim'} sample from `{args.claims.name}`\n")
    print(f"{len(drawn)} of {len(pool)} {what}, seed {args.seed}.\n")
    if args.sources:
        print("| # | article | source | type | resolved | claim | sentence | type right? | resolved right? |")
        print("|---|---|---|---|---|---|---|---|---|")
    else:
        print("| # | article | claim | sentence | malformed? |")
        print("|---|---|---|---|---|")
    for n, row in enumerate(drawn, 1):
        cells = " | ".join(_cell(value) for value in row)
        print(f"| {n} | {cells} |  |" + ("  |" if args.sources else ""))


def _source(text: str, labels: dict) -> list[str] | None:
    """(source, type, resolved entity or "–") of an attributed claim that names a source, else None."""
    source = labels.get("source") or {}
    if (labels.get("attribution") or {}).get("value") != "attributed" or not source.get("spans"):
        return None
    kind = labels.get("source_type") or {}
    resolved = " ".join(text[a:b] for a, b in kind.get("spans") or ())
    return [str(source.get("value") or ""), str(kind.get("value") or "–"), resolved or "–"]


if __name__ == "__main__":
    main()
