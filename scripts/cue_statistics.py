"""Recompute the data-derived part of data/cues.yaml from PolNeAR's TRAIN split (never dev or test).

Two tables, printed as JSON:

1. ``cue_ratio``: for each verb lemma seen >= 8 times, the share of its occurrences that lie inside a
   gold Cue. Verbs at >= 40% are the candidates for ``stance_verbs``.
2. ``stance_precision``: with the current rules, for each verb whose stance frame decides a claim,
   how often that claim is gold-attributed. ``stance_verbs`` keeps those at >= 55% (seen twice or more).

    python scripts/cue_statistics.py --polnear ../shared/corpora/polnear [--limit 200]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from tqdm import tqdm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", type=Path, default=Path("../shared/corpora/polnear"))
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    from claimkit.annotate.corpora.brat import gold_labels, read_brat_corpus
    from claimkit.annotate.nlp import load_nlp, parse_articles
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.sourcing import RulePredictor
    from claimkit.annotate.splitter import split_parsed

    attributed = default_schema()["attribution"].positive
    docs = list(read_brat_corpus(args.polnear, "train"))[: args.limit]
    nlp = load_nlp()
    rules = RulePredictor(nlp)
    seen, as_cue = Counter(), Counter()
    stance_total, stance_right = Counter(), Counter()
    for doc, parsed in tqdm(
        zip(docs, parse_articles([d.article for d in docs], nlp), strict=True), total=len(docs), unit=" art"
    ):
        cue_chars = {
            i for e in doc.entities.values() if e.type == "Cue" for s in e.spans for i in range(s.start, s.end)
        }
        for para in parsed.paragraphs:
            for tok in para.doc:
                if tok.pos_ == "VERB":
                    seen[tok.lemma_.lower()] += 1
                    as_cue[tok.lemma_.lower()] += para.span.start + tok.idx in cue_chars
        item = rules.label_parsed(parsed, split_parsed(parsed))
        for claim in item.claims:
            cue = claim.labels["cue"]
            para = parsed.paragraphs[claim.paragraph]
            if not cue.spans or claim.labels["attribution"].value != attributed:
                continue
            verbs = [
                t
                for t in para.doc
                if t.pos_ == "VERB" and any(s.start <= para.span.start + t.idx < s.end for s in cue.spans)
            ]
            if not verbs or verbs[0].dep_ == "ROOT" and any(c.dep_ == "ccomp" for c in verbs[0].children):
                continue
            lemma = verbs[0].lemma_.lower()
            stance_total[lemma] += 1
            stance_right[lemma] += gold_labels(doc, claim.spans)["attribution"].value == attributed
    cue_ratio = {v: round(as_cue[v] / n, 3) for v, n in seen.most_common() if n >= 8 and as_cue[v] / n >= 0.4}
    precision = {v: round(stance_right[v] / n, 3) for v, n in stance_total.most_common() if n >= 2}
    print(json.dumps({"articles": len(docs), "cue_ratio": cue_ratio, "stance_precision": precision}, indent=1))


if __name__ == "__main__":
    main()
