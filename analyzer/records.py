"""One column spec per record (clause, finding, protection, document issue).

The DataFrames of the API (``frames``) and the Parquet tables of a batch (``batch``) both take
their columns from here, so a column added to a record reaches every table. Each column has a
name, a kind (``str``, ``int``, ``float`` or ``bool``, what Arrow stores) and how it is read from
the record and its analysis. The JSON output follows the spec's own schema (``Analysis.to_dict``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .model import Analysis


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str, int, float or bool
    read: Callable[[Any, Analysis], Any]


def _place(item, a: Analysis) -> str:
    return a.clause(item.clause_id).label


CLAUSE = (
    Column("id", "str", lambda c, a: c.id),
    Column("number", "str", lambda c, a: c.number),
    Column("path", "str", lambda c, a: c.label),
    Column("category", "str", lambda c, a: c.category),
    Column("categories", "str", lambda c, a: ", ".join(c.categories)),
    Column("one_sidedness", "float", lambda c, a: a.clause_scores.get(c.id, 0.0)),
    Column("start", "int", lambda c, a: c.start),
    Column("end", "int", lambda c, a: c.end),
    Column("text", "str", lambda c, a: c.text),
)
FINDING = (
    Column("severity", "str", lambda f, a: f.severity),
    Column("flag", "str", lambda f, a: f.flag),
    Column("mutual", "bool", lambda f, a: f.mutual),
    Column("regulatory", "bool", lambda f, a: f.regulatory),
    Column("clause_id", "str", lambda f, a: f.clause_id),
    Column("clause", "str", _place),
    Column("quote", "str", lambda f, a: f.quote),
    Column("explanation", "str", lambda f, a: f.explanation),
    Column("legal_basis", "str", lambda f, a: f.legal_basis),
    Column("rule", "str", lambda f, a: f.rule),
    Column("details", "str", lambda f, a: "; ".join(f"{k}={v}" for k, v in f.details.items())),
    Column("start", "int", lambda f, a: f.start),
    Column("end", "int", lambda f, a: f.end),
)
PROTECTION = (
    Column("code", "str", lambda p, a: p.code),
    Column("clause_id", "str", lambda p, a: p.clause_id),
    Column("clause", "str", _place),
    Column("quote", "str", lambda p, a: p.quote),
    Column("rule", "str", lambda p, a: p.rule),
    Column("start", "int", lambda p, a: p.start),
    Column("end", "int", lambda p, a: p.end),
)
ISSUE = (
    Column("code", "str", lambda i, a: i.code),
    Column("message", "str", lambda i, a: i.message),
)


def names(spec: tuple[Column, ...]) -> list[str]:
    return [c.name for c in spec]


def rows(spec: tuple[Column, ...], items, a: Analysis, **first) -> list[dict]:
    """One dict per item: the ``first`` columns (the same for every row), then the spec's."""
    return [dict(first, **{c.name: c.read(item, a) for c in spec}) for item in items]


def extend_columns(columns: dict[str, list], spec: tuple[Column, ...], items, a: Analysis, **first) -> None:
    """Add one value per item to each of ``columns`` (name → list, created as needed): the
    ``first`` columns (the same for every item), then the spec's. Column-wise, for Arrow."""
    items = list(items)
    for name, value in first.items():
        columns.setdefault(name, []).extend([value] * len(items))
    for c in spec:
        columns.setdefault(c.name, []).extend([c.read(item, a) for item in items])


def arrow_fields(spec: tuple[Column, ...]) -> list[tuple[str, Any]]:
    """(name, Arrow type) per column, for a Parquet schema."""
    import pyarrow as pa
    kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return [(c.name, kinds[c.kind]) for c in spec]
