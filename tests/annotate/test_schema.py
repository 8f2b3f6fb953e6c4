import pytest

from claimkit.annotate.errors import SchemaError
from claimkit.annotate.schema import Schema, default_schema, load_schema


def test_schema_bundled_loads_with_required_fields():
    schema = default_schema()
    for name in ("attribution", "source", "cue", "source_type", "hedged", "status", "not_a_claim"):
        assert name in schema
    assert schema["attribution"].value_names == ("asserted", "attributed")
    assert schema["source"].kind == "span"
    assert schema["source_type"].kind == "choice" and schema["source_type"].requires == (("attribution", "attributed"),)
    assert set(schema["status"].value_names) == {
        "undisputed",
        "disputed",
        "corroborated",
        "contradicted",
        "not_addressed",
    }
    assert all(f.help for f in schema.fields), "every field needs help text for annotators"


def test_schema_round_trips_through_dict():
    schema = default_schema()
    assert Schema.from_dict(schema.to_dict()) == schema


def test_schema_rejects_unknown_value():
    with pytest.raises(SchemaError, match="not a value of schema field 'attribution'"):
        default_schema()["attribution"].check_value("maybe")


def test_schema_rejects_duplicate_fields():
    raw = default_schema().to_dict()
    raw["fields"].append(raw["fields"][0])
    with pytest.raises(SchemaError, match="twice"):
        Schema.from_dict(raw)


def test_schema_missing_file_names_path(tmp_path):
    with pytest.raises(SchemaError, match="not found"):
        load_schema(tmp_path / "nope.yaml")


def test_schema_rejects_a_per_region_choice_with_what_to_do():
    raw = default_schema().to_dict()
    raw["fields"][-1]["region_of"] = "source"
    with pytest.raises(SchemaError, match="region_of` is no longer supported; make it a claim-level choice"):
        Schema.from_dict(raw)
