"""Findings and protections that restate one point, grouped into one distinct item.

A contract often says one thing twice: a clause split in two pieces, a sub-item that repeats its
parent, or the same sentence under two headings ("当预存话费消费完…系统会自动停断" in 4.3 and
5.1). Counting each hit would make such a contract look riskier (or safer) than one that says
it once, so counts, the risk score, charts and briefs count groups.

Two hits of one code are one point when they sit in the same clause or when their quoted
words are near-identical (``SAME_WORDING``, rapidfuzz ratio on the quotes without whitespace; or
quotes alike in part in near-identical clauses). Different codes in one clause stay apart: a
clause that lets the vendor terminate and keep the money carries two points.
"""
from __future__ import annotations

from dataclasses import dataclass

from .normalize import squash
from .rules import SEVERITIES

SAME_WORDING = 85  # rapidfuzz ratio (0–100) from which two quotes say the same thing
SAME_CLAUSE = 75  # … and from which two clauses do, when their quotes are alike in part


@dataclass(frozen=True)
class Group:
    """One distinct point: every hit of one code that restates it."""

    code: str
    members: tuple[int, ...]  # indexes into the contract's findings (or protections), in order
    clause_ids: tuple[str, ...]
    severity: str | None = None  # findings: the most severe member's
    mutual: bool = False  # findings: every member binds both sides

    @property
    def first(self) -> int:
        return self.members[0]


def group(items) -> tuple[Group, ...]:
    """Group findings or protections (anything with ``clause_id``, ``quote`` and ``flag`` or
    ``code``), in the order of their first member."""
    sets: list[list[int]] = []
    for i, item in enumerate(items):
        home = next((s for s in sets if any(_same_point(items[j], item) for j in s)), None)
        if home is None:
            sets.append([i])
        else:
            home.append(i)
    return tuple(_make(items, s) for s in sets)


def code_of(item) -> str:
    return getattr(item, "flag", None) or item.code


def _make(items, members: list[int]) -> Group:
    hits = [items[i] for i in members]
    ids = tuple(dict.fromkeys(h.clause_id for h in hits))
    if not hasattr(hits[0], "severity"):
        return Group(code_of(hits[0]), tuple(members), ids)
    worst = max((h.severity for h in hits), key=SEVERITIES.index)
    return Group(code_of(hits[0]), tuple(members), ids, worst, all(h.mutual for h in hits))


def _same_point(a, b) -> bool:
    return code_of(a) == code_of(b) and (a.clause_id == b.clause_id or near_identical(a, b))


def near_identical(a, b) -> bool:
    """Do two hits say the same thing: one quote inside the other, near-identical quotes, or
    quotes alike in near-identical clauses?"""
    from rapidfuzz import fuzz
    x, y = squash(a.quote), squash(b.quote)
    if not x or not y:
        return False
    short, long_ = sorted((x, y), key=len)
    if short in long_ or fuzz.ratio(x, y) >= SAME_WORDING:
        return True
    return fuzz.partial_ratio(x, y) >= SAME_WORDING and fuzz.ratio(squash(a.text), squash(b.text)) >= SAME_CLAUSE
