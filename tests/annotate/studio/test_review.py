"""The review project's pieces that need no server: title, config, the recorded adjudication rule."""

from __future__ import annotations

from types import SimpleNamespace

from claimkit.annotate.adjudication import AdjudicationOptions
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.config import check_config, label_config
from claimkit.annotate.studio.review import (
    ANSWERS_FIELD,
    TITLE_MAX,
    _description,
    review_config,
    review_options,
    review_title,
)

SCHEMA = default_schema()


def test_review_title_fits_label_studio():
    assert review_title("desk") == "desk · review"
    long = review_title("x" * 80)
    assert len(long) == TITLE_MAX and long.endswith(" · review")


def test_review_config_is_the_projects_with_the_answers_on_top():
    config = review_config(SCHEMA)
    interface = check_config(config)
    assert f'value="${ANSWERS_FIELD}"' in config
    assert config.index(ANSWERS_FIELD) < config.index('name="attribution"')
    # The same questions and choices as the annotators had: every control of the project config is there.
    assert {c.name for c in interface.controls} == {c.name for c in check_config(label_config(SCHEMA)).controls}


def test_review_project_records_its_min_share():
    description = _description(SimpleNamespace(id=7), SCHEMA, AdjudicationOptions(min_share=0.7))
    assert "review of project 7;" in description
    assert review_options(SimpleNamespace(description=description)).min_share == 0.7
    assert review_options(SimpleNamespace(description="claimkit claims; review of project 7;")).min_share == 0.5
