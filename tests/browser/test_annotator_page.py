"""The annotator's page in a real browser: headless Chromium, driven by selenium, against the session's Label Studio.

What it checks is what an annotator sees at 1024x768: the data manager tab claimkit sets (claim text, no raw
HTML), the claim highlighted in its paragraph (``<mark>`` rendered as an element), the pre-annotation
selected, every choice field inside the viewport without scrolling; then it changes one choice, submits
through the page, and checks that ``pull`` returns the change.

Nothing is installed or downloaded: the browser and its driver are Debian's ``chromium`` and
``chromium-driver`` (``scripts/setup.sh`` installs them; ``CLAIMKIT_CHROMIUM`` / ``CLAIMKIT_CHROMEDRIVER``
point elsewhere), the driver path is given explicitly and ``SE_OFFLINE`` keeps Selenium Manager from
fetching anything. When one is missing the test is skipped, saying which. On failure a screenshot and the
page source are left in the test's temporary folder (the path is in the failure message).
``CLAIMKIT_UPDATE_SCREENSHOT=1`` also writes the page to ``docs/images/annotator-page.png``.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import connect
from claimkit.annotate.studio.pull import pull
from claimkit.annotate.studio.push import push
from tests.paths import REPO, SAMPLES

SCHEMA = default_schema()
WIDTH, HEIGHT = 1024, 768
WAIT_S = 120  # the frontend is a large React app; on a loaded 2-core machine a first load takes tens of seconds
CHROMIUM = Path(os.environ.get("CLAIMKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CLAIMKIT_CHROMEDRIVER", "/usr/bin/chromedriver"))
DOC_IMAGE = REPO / "docs" / "images" / "annotator-page.png"


def _missing() -> str | None:
    """Why the browser test cannot run here, or ``None``. Checked before any server starts."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install claimkit[test])"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} is missing: install the Debian package {package} (scripts/setup.sh does)"
    return None


pytestmark = [pytest.mark.studio, pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a 1024x768 viewport (the module is skipped, saying why, without one)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download a driver or a browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={WIDTH},{HEIGHT}", "--no-first-run", "--disable-extensions"):  # fmt: skip
        options.add_argument(arg)
    log = tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER), log_output=str(log)), options=options)
    try:
        # --window-size counts the window, not the page: fix the page's own size, as a 1024x768 screen shows it.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, what: str, condition: Callable[[Any], Any], timeout: float = WAIT_S) -> Any:
    """Poll ``condition`` until it is truthy; React re-renders replace elements, so stale ones are retried."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25, ignored_exceptions=ignored).until(condition)
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None


def _find(css: str) -> Callable[[Any], Any]:
    from selenium.webdriver.common.by import By

    def found(driver: Any) -> Any:
        elements = driver.find_elements(By.CSS_SELECTOR, css)
        return elements[0] if elements and elements[0].is_displayed() else False

    return found


def _click(driver: Any, xpath: str) -> None:
    """A real click on the element (found afresh: the page may have re-rendered it)."""
    _wait(driver, f"a click on {xpath}", lambda d: d.find_element("xpath", xpath).click() or True, 20)


_SNAPSHOT_JS = """
const all = (css) => Array.from(document.querySelectorAll(css));
const box = (el) => {
  const r = el.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          inside: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
                  && r.bottom <= window.innerHeight && r.right <= window.innerWidth};
};
const radios = {};
for (const input of all('input[type="radio"]')) {
  radios[input.name] = {checked: input.checked, box: box(input.closest("label") || input)};
}
const marks = all(".ck-paragraph mark");
const one = (css) => document.querySelector(css);
return {
  size: [window.innerWidth, window.innerHeight],
  marks: marks.map((m) => m.textContent),
  mark_box: marks.length ? box(marks[0]) : null,
  paragraph: one(".ck-paragraph") ? one(".ck-paragraph").innerText : "",
  claim: one(".ck-claim") ? one(".ck-claim").innerText : "",
  body: document.body.innerText,
  radios: radios,
};
"""


def _snapshot(driver: Any) -> dict[str, Any]:
    """What the page shows, read in one script (no element reference can go stale in between): the window
    size, the marked texts, the claim and paragraph text, every radio button (checked? box in the window?)."""
    return driver.execute_script(_SNAPSHOT_JS)


def _log_in(driver: Any, url: str, email: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/user/login/")
    _wait(driver, "the login form", _find('input[name="email"]')).send_keys(email)
    driver.find_element(By.CSS_SELECTOR, 'input[name="password"]').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'button[type="submit"], input[type="submit"]').click()
    _wait(driver, "the login to finish", lambda d: "/user/login" not in d.current_url)


def _sample_items(nlp: Any) -> tuple[list[Any], str]:
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    predictor = load_predictor("rules", nlp)
    items = list(split_and_label(load_articles(sorted(SAMPLES.glob("*.txt"))), nlp, "clause", predictor))
    return items, predictor.model_version


def _label(field: str, value: Any) -> str:
    return next(v.label for v in SCHEMA[field].values if v.value == value)


def test_annotator_page_shows_the_claim_and_round_trips_a_change(browser, studio_conn, studio_state, nlp, tmp_path):
    title = "annotator page"
    items, version = _sample_items(nlp)
    report = push(studio_conn, title, items, SCHEMA, model_version=version)
    assert report.view is not None and report.predictions_added == sum(len(i.claims) for i in items)
    studio = connect(studio_conn)
    tasks = studio.claim_tasks(report.project_id)
    # A claim that someone disputes or backs: its page has source, cue and status pre-filled.
    claims = [c for item in items for c in item.claims]
    texts = {c.id: item.article.text for item in items for c in item.claims}
    claim = next((c for c in claims if c.labels["status"].value != "not_addressed"), claims[0])
    task_id = tasks[claim.id][0][0]
    # The source type is on the page with the other choices, selected without clicking the source region.
    predicted = {name: claim.labels[name].value for name in ("attribution", "source_type", "hedged", "status")}
    assert predicted["source_type"] is not None, f"the sample claim {claim.text!r} should have a typed source"
    changed_to = next(v.value for v in SCHEMA["hedged"].values if v.value != predicted["hedged"])
    base = f"{studio_conn.url}/projects/{report.project_id}/data"

    try:
        _log_in(browser, studio_state.url, studio_state.username, studio_state.password)

        # The data manager opens claimkit's tab: claim texts, never the paragraph's raw HTML.
        browser.get(base)
        starts = [c.text[:30] for c in claims]
        _wait(browser, "the task table", lambda d: any(s in d.find_element("tag name", "body").text for s in starts))
        page_text = browser.find_element("tag name", "body").text
        assert "<mark>" not in page_text and "claim_text" in page_text and "paragraph_html" not in page_text

        # The task: the claim, its paragraph with the claim in <mark> elements, the prediction selected.
        browser.get(f"{base}?tab={report.view.view_id}&task={task_id}")
        labels = {field: _label(field, value) for field, value in predicted.items()}

        def settled(driver: Any) -> dict[str, Any] | None:
            page = _snapshot(driver)
            radios = page["radios"]
            ready = page["marks"] and all(radios.get(lb, {}).get("checked") for lb in labels.values())
            return page if ready else None

        page = _wait(browser, f"the highlighted claim and the predicted {labels} to be selected", settled)
        marked = " ".join(texts[claim.id][s.start : s.end] for s in claim.spans)
        assert " ".join(page["marks"]).split() == marked.split()  # <mark> rendered as elements...
        assert "<mark>" not in page["paragraph"] and "<mark>" not in page["body"]  # ...never as text, nor in the list
        assert page["mark_box"]["inside"] and page["claim"].split() == claim.text.split()

        # Every choice field fits a 1024x768 screen: no scrolling to reach Hedged or Status.
        assert page["size"] == [WIDTH, HEIGHT]
        for field in SCHEMA.of_kind("choice"):
            for v in field.values:
                where = page["radios"][v.label]["box"]
                assert where["inside"], f"{field.name}: {v.label!r} lies outside the {WIDTH}x{HEIGHT} window: {where}"
        shot = browser.get_screenshot_as_png()
        (tmp_path / "annotator-page.png").write_bytes(shot)
        if os.environ.get("CLAIMKIT_UPDATE_SCREENSHOT") == "1":
            DOC_IMAGE.parent.mkdir(parents=True, exist_ok=True)
            DOC_IMAGE.write_bytes(shot)

        # Change one choice and submit, as an annotator would.
        new_label = _label("hedged", changed_to)
        _click(browser, f'//input[@type="radio"][@name="{new_label}"]/ancestor::label[1]')
        _wait(browser, f"{new_label!r} to be selected", lambda d: _snapshot(d)["radios"][new_label]["checked"], 20)
        _click(browser, '//button[@data-testid="bottombar-submit-button"]')
        deadline = time.monotonic() + WAIT_S
        while not studio.client.annotations.list(id=task_id) and time.monotonic() < deadline:
            time.sleep(0.5)
    except Exception:
        browser.save_screenshot(str(tmp_path / "failure.png"))
        (tmp_path / "failure.html").write_text(browser.page_source, encoding="utf-8")
        print(f"browser state saved in {tmp_path}: failure.png, failure.html")
        raise

    (record,) = [r for r in pull(studio_conn, title, SCHEMA).records if r.claim.claim_id == claim.id]
    assert record.values["hedged"] == changed_to  # the change made in the page
    assert record.values["attribution"] == predicted["attribution"]  # the pre-annotation, kept
    assert record.values["status"] == predicted["status"]
    assert record.values["source_type"] == predicted["source_type"]
    assert record.annotator == studio_state.username and record.claim.task_id == task_id
