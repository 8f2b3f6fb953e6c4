"""The label schema: a frozen, validated view of ``data/schema.yaml``.

This module is the only home of label names in code. Label Studio configs, JSONL output, pandas
columns, ``datasets.ClassLabel`` features and model label maps are all derived from a ``Schema``, so a
label renamed in the YAML file changes everywhere at once and can never drift between tools.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from claimkit.annotate.errors import SchemaError

FieldKind = Literal["choice", "span", "flag"]
_KINDS: tuple[str, ...] = ("choice", "span", "flag")


@dataclass(frozen=True)
class Value:
    """One allowed value of a choice field: the stored id, the annotator-facing label, help text."""

    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Field:
    """One question annotators answer about a claim (and a model predicts)."""

    name: str
    kind: FieldKind
    label: str
    help: str = ""
    values: tuple[Value, ...] = ()
    requires: tuple[tuple[str, str], ...] = ()  # (field, value) conditions under which it applies
    evidence: str | None = None  # label of an optional evidence span for a choice (the hedge cue)
    positive_value: str | None = None  # YAML `positive`: the value a binary model predicts as its positive class

    @property
    def value_names(self) -> tuple[str, ...]:
        """The values in schema order; a value's position is its id everywhere (``label2id``)."""
        return tuple(v.value for v in self.values)

    @property
    def label2id(self) -> dict[str, int]:
        """Value → id, the one definition of label ids (datasets ``ClassLabel``, model ``label2id``)."""
        return {v: i for i, v in enumerate(self.value_names)}

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.value_names))

    @property
    def positive(self) -> str:
        """The positive class of a two-valued field (attribution: ``attributed``), named in the YAML."""
        if self.positive_value is None:
            raise SchemaError(f"schema field {self.name!r} names no `positive` value; add one in the schema file")
        return self.positive_value

    @property
    def negative(self) -> str:
        """The other value of a two-valued field with a ``positive`` value (attribution: ``asserted``)."""
        return next(v for v in self.value_names if v != self.positive)

    def check_value(self, value: object) -> None:
        """Raise ``SchemaError`` unless ``value`` is allowed for this field."""
        if self.kind == "choice" and value not in self.value_names:
            raise SchemaError(
                f"{value!r} is not a value of schema field {self.name!r}; use one of {', '.join(self.value_names)}"
            )
        if self.kind == "flag" and not isinstance(value, bool):
            raise SchemaError(f"schema field {self.name!r} is a flag: its value must be true or false")
        if self.kind == "span" and value is not None and not isinstance(value, str):
            raise SchemaError(f"schema field {self.name!r} is a span: its value is the span's text")


@dataclass(frozen=True)
class Schema:
    """The whole label schema. Frozen: load a new one to change it."""

    name: str
    version: int
    title: str
    instructions: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise SchemaError(f"schema {self.name!r} defines field(s) twice: {sorted(duplicates)}")
        by_name = {f.name: f for f in self.fields}
        for f in self.fields:
            for dep, val in f.requires:
                if dep not in by_name:
                    raise SchemaError(f"field {f.name!r} requires unknown field {dep!r}")
                by_name[dep].check_value(val)
            binary = f.kind == "choice" and len(f.values) == 2
            if f.positive_value is not None and (not binary or f.positive_value not in f.value_names):
                raise SchemaError(f"field {f.name!r}: `positive` must name one value of a two-valued choice")

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise SchemaError(f"schema {self.name!r} has no field {name!r}; fields: {', '.join(self.names)}")

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def of_kind(self, kind: FieldKind) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-serialisable form (written beside datasets and models)."""
        return {
            "name": self.name,
            "version": self.version,
            "title": self.title,
            "instructions": self.instructions,
            "fields": [_field_to_dict(f) for f in self.fields],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any], origin: str = "<dict>") -> Schema:
        try:
            fields = tuple(_field_from_dict(f) for f in raw["fields"])
            return cls(
                name=str(raw["name"]),
                version=int(raw["version"]),
                title=str(raw.get("title", raw["name"])),
                instructions=str(raw.get("instructions", "")).strip(),
                fields=fields,
            )
        except SchemaError as exc:
            raise SchemaError(f"{origin}: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise SchemaError(f"{origin}: malformed schema ({exc!r}); compare with data/schema.yaml") from None


def _field_from_dict(raw: dict[str, Any]) -> Field:
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise SchemaError(f"field {raw.get('name')!r}: kind must be one of {_KINDS}, not {kind!r}")
    values = tuple(
        Value(value=str(v["value"]), label=str(v.get("label", v["value"])), help=str(v.get("help", "")).strip())
        for v in raw.get("values", ())
    )
    if kind == "choice" and len(values) < 2:
        raise SchemaError(f"choice field {raw['name']!r} needs at least two values")
    if kind != "choice" and values:
        raise SchemaError(f"field {raw['name']!r} of kind {kind!r} cannot list values")
    if "region_of" in raw:
        # Schema v1 asked some choices once per span region; Label Studio shows those only while a region
        # is selected, so an annotator could not see them on the page. Every choice is claim-level now.
        raise SchemaError(
            f"field {raw['name']!r}: `region_of` is no longer supported; make it a claim-level choice "
            "(with `requires` on the field its span depends on), as data/schema.yaml does for source_type"
        )
    return Field(
        name=str(raw["name"]),
        kind=kind,
        label=str(raw.get("label", raw["name"])),
        help=str(raw.get("help", "")).strip(),
        values=values,
        requires=tuple((str(k), str(v)) for k, v in (raw.get("requires") or {}).items()),
        evidence=raw.get("evidence"),
        positive_value=str(raw["positive"]) if raw.get("positive") is not None else None,
    )


def _field_to_dict(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "kind": f.kind, "label": f.label, "help": f.help}
    if f.values:
        out["values"] = [{"value": v.value, "label": v.label, "help": v.help} for v in f.values]
    if f.requires:
        out["requires"] = dict(f.requires)
    if f.evidence:
        out["evidence"] = f.evidence
    if f.positive_value:
        out["positive"] = f.positive_value
    return out


def data_dir() -> Path:
    """Where the bundled data files live: ``claimkit/data`` in a wheel, ``data/`` in a checkout."""
    packaged = importlib.resources.files("claimkit") / "data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data"


def load_schema(path: str | Path | None = None) -> Schema:
    """Load and validate a schema file; without ``path``, the bundled ``data/schema.yaml``."""
    if path is None:
        return default_schema()
    return _read_schema(Path(path))


@cache
def default_schema() -> Schema:
    """The bundled schema, loaded once per process."""
    return _read_schema(data_dir() / "schema.yaml")


def _read_schema(path: Path) -> Schema:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path}: schema file not found") from None
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise SchemaError(f"{path}: a schema must be a YAML mapping with 'name', 'version' and 'fields'")
    return Schema.from_dict(raw, origin=str(path))
