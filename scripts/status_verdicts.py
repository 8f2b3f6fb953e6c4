"""List every dispute-status verdict of a claims file for reading by hand: a precision audit.

The hand-checked gold (`claimkit eval sourcing`) measures recall on claims someone addresses and
guards a few plainly unaddressed ones; it cannot show how often the rules give a verdict where an
article shows none. This script prints, per verdict, the claim, the evidence words and the sentence
around the first evidence span, as a Markdown table with an empty "right?" column to fill in.

    claimkit split ../shared/corpora/polnear/dev/text -o dev.jsonl
    python scripts/status_verdicts.py dev.jsonl > verdicts.md
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

CONTEXT_CHARS = 200


def _sentence_around(text: str, start: int) -> str:
    """The text from the sentence (or line) start before ``start`` to the next sentence end after it."""
    lo = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    ends = [i for i in (text.find(". ", start), text.find("\n", start)) if i >= 0]
    hi = min(ends) + 1 if ends else len(text)
    return " ".join(text[lo:hi].split())[:CONTEXT_CHARS]


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("claims", type=Path, help="a claimkit JSONL file (`claimkit split -o`)")
    args = parser.parse_args()
    if not args.claims.is_file():
        sys.exit(f"{args.claims}: no such file; write one with `claimkit split ARTICLES -o {args.claims}`")

    rows: list[str] = []
    counts: Counter[str] = Counter()
    claims = 0
    with args.claims.open(encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            text = str(article.get("text") or "")
            for claim in article.get("claims") or ():
                claims += 1
                status = (claim.get("labels") or {}).get("status") or {}
                value = status.get("value")
                if value in (None, "not_addressed"):
                    continue
                counts[value] += 1
                spans = status.get("spans") or []
                evidence = " · ".join(text[s:e] for s, e in spans)
                around = _sentence_around(text, spans[0][0]) if spans else ""
                cells = [len(rows) + 1, article["id"], value, claim["text"], evidence, around, ""]
                rows.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")

    shown = ", ".join(f"{v} {n}" for v, n in counts.most_common())
    print(f"# Status verdicts in `{args.claims.name}`\n")
    print(f"{sum(counts.values())} verdicts over {claims} claims ({shown or 'none'}).\n")
    print("| # | article | status | claim | evidence | evidence sentence | right? |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
