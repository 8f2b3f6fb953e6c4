"""Label Studio tasks → predictions: the same result payload as ``claimkit push``, validated before it leaves.

A task that ``push`` made carries its claim (``annotate.studio.tasks.task_data``): the paragraph, where
it starts in the article, and the claim's spans in article offsets. A task made in the Label Studio UI
carries only what the labeling config shows (``$claim_text`` and ``$paragraph_html``); its claim is
then read from the ``<mark>`` elements of the paragraph, the same HTML ``push`` writes.

The backend never sees the whole article, only the task's paragraph, so each paragraph is labelled
on its own (its own parse, its own sentences): a task's prediction depends on nothing but its task,
whichever other tasks share the request. Claims of one paragraph share one parse and one model pass.
Results are built by ``annotate.studio.tasks.label_results`` and checked by its ``ResultChecker``
against the config the request carries, exactly as ``push`` does; a task whose prediction would not
fit is answered with an empty result and counted, never sent half-valid.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from claimkit.annotate.errors import StudioError
from claimkit.annotate.nlp import ParsedArticle, parse_articles
from claimkit.annotate.predictor import ParsedBatchPredictor, ParsedPredictor, Predictor
from claimkit.annotate.schema import Schema
from claimkit.annotate.studio.config import check_config
from claimkit.annotate.studio.tasks import TASK_FORMAT, TASK_FORMAT_VERSION, ResultChecker, label_results
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle, merge_spans

if TYPE_CHECKING:
    from spacy.language import Language

_CLAIMKIT_KEYS = ("claim_id", "article_id", "claim_spans", "paragraph", "paragraph_start", "paragraph_claim_spans")


@dataclass(frozen=True)
class TaskClaim:
    """One task's claim: the task ``data`` the results are built against (claimkit's form) and the claim,
    in article offsets."""

    data: Mapping[str, Any]
    claim: Claim

    @property
    def paragraph_key(self) -> tuple[str, int, str]:
        return (self.claim.article_id, int(self.data["paragraph_start"]), str(self.data["paragraph"]))


class _MarkedParagraph(HTMLParser):
    """Text content and ``<mark>`` ranges of a paragraph's HTML; anything but text and flat marks is refused."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.size = 0
        self.marks: list[Span] = []
        self.open: int | None = None
        self.foreign: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "mark" or self.open is not None:
            self.foreign = self.foreign or f"<{tag}>"
            return
        self.open = self.size

    def handle_endtag(self, tag: str) -> None:
        if tag != "mark" or self.open is None:
            self.foreign = self.foreign or f"</{tag}>"
            return
        self.marks.append(Span(self.open, self.size))
        self.open = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self.size += len(data)


def task_claim(task: Mapping[str, Any]) -> TaskClaim:
    """The claim a task asks about; ``StudioError`` (with the reason) when the task holds none.

    A pushed task is used as it is (its data is already claimkit's form). A task made in the UI must
    show its paragraph as ``paragraph_html`` with the claim inside ``<mark>`` elements (and nothing
    else), the form the labeling config displays; its claim id is made from the task id.
    """
    data = task.get("data") or {}
    task_id = task.get("id")
    if data.get("format") == TASK_FORMAT and all(k in data for k in _CLAIMKIT_KEYS):
        if int(data.get("format_version", 0)) > TASK_FORMAT_VERSION:
            raise StudioError(f"task {task_id}: task format {data['format_version']} is newer than this claimkit")
        spans = tuple(Span(int(a), int(b)) for a, b in data["claim_spans"])
        if not spans:
            raise StudioError(f"task {task_id}: claim {data['claim_id']} has no spans")
        claim = Claim(str(data["claim_id"]), str(data["article_id"]), str(data.get("claim_text", "")), spans,
                      int(data.get("sentence", 0)), int(data.get("paragraph_index", 0)))  # fmt: skip
        return TaskClaim(data, claim)
    source = data.get("paragraph_html")
    if not isinstance(source, str) or not source.strip():
        raise StudioError(f"task {task_id}: no claimkit claim data and no paragraph_html to read a claim from")
    parsed = _MarkedParagraph()
    parsed.feed(source)
    parsed.close()
    text = "".join(parsed.text)
    if parsed.foreign or parsed.open is not None:
        raise StudioError(f"task {task_id}: paragraph_html holds {parsed.foreign or '<mark> left open'}; "
                          "only text and <mark> elements around the claim are understood")  # fmt: skip
    marks = tuple(m for m in parsed.marks if len(m))
    if not marks or merge_spans(marks) != marks:
        raise StudioError(f"task {task_id}: paragraph_html must mark the claim with separate <mark> elements")
    article_id = f"task-{task_id}"
    claim_text = str(data.get("claim_text") or " ".join(text[m.start : m.end] for m in marks))
    claim = Claim(Claim.make_id(article_id, marks), article_id, claim_text, marks, 0, 0)
    full = {
        **data,
        "claim_id": claim.id,
        "article_id": article_id,
        "claim_text": claim_text,
        "claim_spans": [[m.start, m.end] for m in marks],
        "paragraph_start": 0,
        "paragraph": text,
        "paragraph_claim_spans": [[m.start, m.end] for m in marks],
    }
    return TaskClaim(full, claim)


def _sentences(parsed: ParsedArticle) -> tuple[list[Span], list[int]]:
    """Sentence spans (first to last word, as the splitter records them) and each one's paragraph."""
    spans: list[Span] = []
    paragraphs: list[int] = []
    for para in parsed.paragraphs:
        for sent in para.sentences:
            words = [t for t in sent if not t.is_space]
            if words:
                spans.append(
                    Span(para.span.start + words[0].idx, para.span.start + words[-1].idx + len(words[-1].text))
                )
                paragraphs.append(para.index)
    return spans, paragraphs


def _shift(label: Label, offset: int) -> Label:
    return Label(label.value, label.score, tuple(s.shift(offset) for s in label.spans)) if label.spans else label


@dataclass
class PredictStats:
    """What the backend answered since it started (``/health`` and ``claimkit backend status`` show it)."""

    requests: int = 0
    tasks: int = 0
    predicted: int = 0
    empty: int = 0
    last_error: str | None = None


@dataclass
class TaskPredictor:
    """Predicts Label Studio tasks with a claimkit ``Predictor``; one prediction at a time (a lock), since
    neither spaCy nor a torch model is meant to be shared by threads."""

    predictor: Predictor
    nlp: Language
    schema: Schema
    model_version: str
    stats: PredictStats = field(default_factory=PredictStats)
    _checkers: dict[str, ResultChecker] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while predicting: spaCy and the model run one request at a time."""

    def warm_up(self) -> None:
        """Load what the first request would otherwise wait for (the SDK's config parser, spaCy's NER for
        source mentions, the model's first pass): Label Studio gives ``/setup`` 3 s and ``/health`` 1 s."""
        from claimkit.annotate.studio.config import label_config

        config = label_config(self.schema)
        task = {"id": 0, "data": {"paragraph_html": "The mayor said <mark>the bridge will reopen in May</mark>."}}
        self.predict([task], config)
        self.stats = PredictStats()

    def checker(self, label_config: str) -> ResultChecker:
        """The validator of a project's config (the SDK's ``LabelInterface``), built once per config."""
        if label_config not in self._checkers:
            self._checkers[label_config] = ResultChecker(check_config(label_config))
        return self._checkers[label_config]

    def predict(self, tasks: Sequence[Mapping[str, Any]], label_config: str) -> list[dict[str, Any]]:
        """One answer per task, in order: ``{"result", "score", "model_version"}``; an empty result for a
        task that holds no claim or whose prediction would not fit ``label_config``."""
        checker = self.checker(label_config)
        found: list[TaskClaim | None] = []
        with self.lock:
            self.stats.requests += 1
            self.stats.tasks += len(tasks)
            for task in tasks:
                try:
                    found.append(task_claim(task))
                except StudioError as exc:
                    found.append(None)
                    self.stats.last_error = str(exc)
            labelled = self._label([t for t in found if t is not None])
            answers = []
            for item in found:
                answer = self._answer(item, labelled, checker)
                self.stats.predicted += bool(answer["result"])
                self.stats.empty += not answer["result"]
                answers.append(answer)
        return answers

    def _answer(
        self, item: TaskClaim | None, labelled: Mapping[str, Mapping[str, Label]], checker: ResultChecker
    ) -> dict[str, Any]:
        empty: dict[str, Any] = {"result": [], "score": 0.0, "model_version": self.model_version}
        if item is None or item.claim.id not in labelled:
            return empty
        try:
            results = label_results(labelled[item.claim.id], item.data, self.schema, with_scores=True)
            checker.check(results.items, item.data, "prediction", results.score)
        except (StudioError, ValueError, KeyError) as exc:
            self.stats.last_error = str(exc)
            return empty
        return {"result": list(results.items), "score": results.score, "model_version": self.model_version}

    def _label(self, items: Sequence[TaskClaim]) -> dict[str, Mapping[str, Label]]:
        """claim id → labels (article offsets): each paragraph parsed once, all paragraphs in one batch."""
        groups: dict[tuple[str, int, str], list[TaskClaim]] = {}
        for item in items:
            groups.setdefault(item.paragraph_key, []).append(item)
        if not groups:
            return {}
        keys = list(groups)
        articles = [Article(article_id, text) for article_id, _, text in keys]
        parsed = list(parse_articles(articles, self.nlp))
        split: list[SplitArticle] = []
        for (_, start, _), p in zip(keys, parsed, strict=True):
            sentences, sentence_paragraph = _sentences(p)
            claims: list[Claim] = []
            for item in groups[(p.article.id, start, p.article.text)]:
                spans = tuple(s.shift(-start) for s in item.claim.spans)
                first = min(s.start for s in spans)
                sentence = next((i for i, s in enumerate(sentences) if s.start <= first < s.end), 0)
                if any(c.id == item.claim.id for c in claims):
                    continue
                claims.append(Claim(item.claim.id, item.claim.article_id, item.claim.text, spans, sentence, 0))
            split.append(SplitArticle(p.article, tuple(para.span for para in p.paragraphs), tuple(sentences),
                                      tuple(sentence_paragraph), tuple(claims)))  # fmt: skip
        if isinstance(self.predictor, ParsedBatchPredictor):
            done = self.predictor.predict_parsed(parsed, split)
        elif isinstance(self.predictor, ParsedPredictor):
            done = [self.predictor.label_parsed(p, s) for p, s in zip(parsed, split, strict=True)]
        else:
            done = self.predictor.predict(split)
        out: dict[str, Mapping[str, Label]] = {}
        for (_, start, _), labelled in zip(keys, done, strict=True):
            for claim in labelled.claims:
                out[claim.id] = {name: _shift(label, start) for name, label in claim.labels.items()}
        return out
