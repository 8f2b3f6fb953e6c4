"""The ML backend app through FastAPI's test client: the endpoints Label Studio calls, with the rules.

Each request carries the labeling config ``push`` generates, as Label Studio sends it; every returned
result is checked with the SDK's ``LabelInterface.validate_prediction``, as the server never does.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pytest

from claimkit.annotate.load import load_articles
from claimkit.annotate.schema import default_schema
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.studio.config import label_config
from claimkit.annotate.studio.tasks import label_results, task_data
from claimkit.annotate.types import Span

pytest.importorskip("fastapi", reason="the ML backend needs the server extra (fastapi, uvicorn)")

SCHEMA = default_schema()
CONFIG = label_config(SCHEMA)
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "harbor-bridge-2025-03-14.txt"


@pytest.fixture(scope="module")
def rules(nlp):
    from claimkit.backend.served import ServedSpec, load_task_predictor

    return load_task_predictor(ServedSpec.of("rules"), nlp)


@pytest.fixture(scope="module")
def items(nlp):
    return list(split_and_label(load_articles([str(SAMPLE)]), nlp, "clause", None))


@pytest.fixture(scope="module")
def tasks(items):
    pairs = [(item, claim) for item in items for claim in item.claims]
    return [{"id": 100 + i, "data": task_data(item, claim), "annotations": [], "predictions": []}
            for i, (item, claim) in enumerate(pairs)]  # fmt: skip


def _client(predictor, credentials=None):
    from fastapi.testclient import TestClient

    from claimkit.backend.app import Served, create_app

    return TestClient(create_app(Served(predictor), credentials))


def _valid(result: list[dict]) -> bool:
    from label_studio_sdk.label_interface import LabelInterface

    return LabelInterface(CONFIG).validate_prediction({"result": result})


def test_backend_health_setup_versions_name_the_model_version(rules):
    client = _client(rules)
    health = client.get("/health").json()
    assert health["status"] == "UP" and health["model_version"] == rules.model_version
    setup = client.post("/setup", json={"project": "3.1700000000", "schema": CONFIG, "hostname": "http://x",
                                        "access_token": "t" * 40, "extra_params": None})  # fmt: skip
    assert setup.status_code == 200 and setup.json() == {"model_version": rules.model_version}
    assert client.get("/versions").json() == {"versions": [rules.model_version]}


def test_backend_rules_version_is_a_content_hash(rules, nlp):
    from claimkit.annotate.corpora.brat_claims import splitter_fingerprint
    from claimkit.annotate.sourcing import RULES_VERSION

    base, _, digest = rules.model_version.partition("@")
    assert base == RULES_VERSION and len(digest) == 12
    import hashlib

    assert digest == hashlib.sha1(splitter_fingerprint(nlp, "clause").encode()).hexdigest()[:12]


def test_backend_setup_refuses_a_config_claimkit_did_not_make(rules):
    other = (
        '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/></Choices></View>'
    )
    answer = _client(rules).post("/setup", json={"project": "1.1", "schema": other})
    assert answer.status_code == 400 and "paragraph" in answer.json()["error"]


def test_backend_predictions_equal_push_payload_and_validate(rules, tasks, items, nlp):
    """One answer per task, in order, each valid against the config; a paragraph labelled alone gives
    what ``push`` sends for the claims whose labels come from their own paragraph."""
    answer = _client(rules).post("/predict", json={"tasks": tasks, "project": "1.1", "label_config": CONFIG,
                                                   "params": {"context": None}})  # fmt: skip
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert len(results) == len(tasks)
    assert all(r["model_version"] == rules.model_version for r in results)
    assert all(r["result"] and _valid(r["result"]) for r in results)
    assert all(0.0 <= r["score"] <= 1.0 for r in results)
    # the same payload code as push: labels from the rules on the whole article, through label_results
    labelled = rules.predictor.predict(items)
    pushed = {c.id: label_results(c.labels, task_data(item, c), SCHEMA, with_scores=True)
              for item in labelled for c in item.claims}  # fmt: skip
    same = sum(list(pushed[t["data"]["claim_id"]].items) == r["result"] for t, r in zip(tasks, results, strict=True))
    assert same >= 0.8 * len(tasks), f"only {same} of {len(tasks)} predictions match push's"


def test_backend_prediction_depends_only_on_its_task(rules, tasks):
    client = _client(rules)
    alone = client.post("/predict", json={"tasks": [tasks[3]], "label_config": CONFIG}).json()["results"]
    batch = client.post("/predict", json={"tasks": tasks[:6], "label_config": CONFIG}).json()["results"]
    assert alone[0] == batch[3]


def test_backend_predicts_a_task_made_in_the_ui(rules):
    """A task with only what the config shows: the claim is read from the paragraph's <mark>."""
    paragraph = 'The mayor said on Monday that the bridge will reopen in May & "not later".'
    claim = "the bridge will reopen in May"
    start = paragraph.index(claim)
    page = (
        html.escape(paragraph[:start], quote=False)
        + f"<mark>{claim}</mark>"
        + html.escape(paragraph[start + len(claim) :], quote=False)
    )
    task = {"id": 7, "data": {"claim_text": claim, "paragraph_html": page}}
    result = _client(rules).post("/predict", json={"tasks": [task], "label_config": CONFIG}).json()["results"][0]
    assert result["result"] and _valid(result["result"])
    choices = {r["from_name"]: r["value"]["choices"][0] for r in result["result"] if r["type"] == "choices"
               and "start" not in r["value"]}  # fmt: skip
    assert choices["attribution"] == SCHEMA["attribution"].positive
    source = next(r for r in result["result"] if r["from_name"] == "source")
    assert source["value"]["text"] == "The mayor"
    assert source["value"]["globalOffsets"] == {"start": 0, "end": len("The mayor")}
    assert Span(0, 9) == Span(source["value"]["globalOffsets"]["start"], source["value"]["globalOffsets"]["end"])


def test_backend_answers_an_empty_result_for_a_task_without_a_claim(rules, tasks):
    strange = [{"id": 1, "data": {"text": "no claim here"}},
               {"id": 2, "data": {"paragraph_html": "<b>bold</b> but no mark"}}, tasks[0]]  # fmt: skip
    answer = _client(rules).post("/predict", json={"tasks": strange, "label_config": CONFIG})
    results = answer.json()["results"]
    assert [bool(r["result"]) for r in results] == [False, False, True]
    health = _client(rules).get("/health").json()
    assert health["empty"] >= 2 and "paragraph_html" in health["last_error"]


def test_backend_rejects_malformed_requests(rules):
    client = _client(rules)
    assert client.post("/predict", content=b"not json").status_code == 400
    assert client.post("/predict", json={"tasks": "x"}).status_code == 400


def test_backend_webhook_is_accepted_and_counted(rules):
    client = _client(rules)
    answer = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {}, "project": {}})
    assert answer.status_code == 200
    assert client.get("/health").json()["events"] == {"ANNOTATION_CREATED": 1}


def test_backend_with_credentials_answers_401_without_them(rules):
    from claimkit.backend.auth import Credentials

    client = _client(rules, Credentials("ls", "s3cret:pw"))
    good = "Basic " + base64.b64encode(b"ls:s3cret:pw").decode()
    bad = "Basic " + base64.b64encode(b"ls:wrong").decode()
    for method, path in (("GET", "/health"), ("POST", "/setup"), ("POST", "/predict"), ("POST", "/webhook"),
                         ("GET", "/versions")):  # fmt: skip
        assert client.request(method, path, json={}).status_code == 401
        assert client.request(method, path, json={}, headers={"Authorization": bad}).status_code == 401
    assert client.get("/health", headers={"Authorization": good}).status_code == 200
    assert client.post("/predict", json={"tasks": []}, headers={"Authorization": good}).json()["results"] == []


def test_backend_refuses_a_public_address_without_credentials(monkeypatch, tmp_path):
    from claimkit.annotate.errors import ClaimkitError, InputError
    from claimkit.backend.auth import PASSWORD_ENV, USER_ENV, read_credentials
    from claimkit.backend.serve import ServeOptions, check_bind

    monkeypatch.delenv(USER_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(InputError, match="reachable from other machines"):
        check_bind(ServeOptions("0.0.0.0", 9090, read_credentials()))
    check_bind(ServeOptions("127.0.0.1", 9090, None))
    check_bind(ServeOptions("::1", 9090, None))
    monkeypatch.setenv(USER_ENV, "ls")
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    check_bind(ServeOptions("0.0.0.0", 9090, read_credentials()))
    creds_file = tmp_path / "auth"
    creds_file.write_text("ls:pw2\n")
    assert read_credentials(creds_file).password == "pw2"
    assert "pw2" not in repr(read_credentials(creds_file))
    creds_file.write_text("no-colon\n")
    with pytest.raises(ClaimkitError, match="user:password"):
        read_credentials(creds_file)
    monkeypatch.delenv(PASSWORD_ENV)
    with pytest.raises(InputError, match="both"):
        read_credentials()
