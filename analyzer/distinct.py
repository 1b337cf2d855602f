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

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

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
    seen = _Seen(items)
    sets: list[list[int]] = []
    by_code: dict[str, list[list[int]]] = {}  # the same sets, by the code of their members
    for i in range(len(items)):
        candidates = by_code.setdefault(seen.codes[i], [])
        home = next((s for s in candidates if seen.joins(s, i)), None)
        if home is None:
            sets.append([i])
            candidates.append(sets[-1])
        else:
            home.append(i)
    return tuple(_make(items, s) for s in sets)


class _Seen:
    """What ``group`` compares, read once per item: code, clause, quote and clause text without
    whitespace (the text only when a comparison needs it)."""

    def __init__(self, items):
        self.items = items
        self.codes = [code_of(it) for it in items]
        self.quotes = [squash(it.quote) for it in items]
        self.texts: dict[int, str] = {}

    def joins(self, members: list[int], i: int) -> bool:
        """Does item ``i`` restate a point of ``members`` (all of its code)?"""
        clause = self.items[i].clause_id
        return any(self.items[j].clause_id == clause for j in members) or \
            any(self.near(j, i) for j in members)

    def near(self, a: int, b: int) -> bool:
        return _near(self.quotes[a], self.quotes[b], lambda: (self.text(a), self.text(b)))

    def text(self, i: int) -> str:
        if i not in self.texts:
            self.texts[i] = squash(self.items[i].text)
        return self.texts[i]


def code_of(item) -> str:
    return getattr(item, "flag", None) or item.code


def _make(items, members: list[int]) -> Group:
    hits = [items[i] for i in members]
    ids = tuple(dict.fromkeys(h.clause_id for h in hits))
    if not hasattr(hits[0], "severity"):
        return Group(code_of(hits[0]), tuple(members), ids)
    worst = max((h.severity for h in hits), key=SEVERITIES.index)
    return Group(code_of(hits[0]), tuple(members), ids, worst, all(h.mutual for h in hits))


def near_identical(a, b) -> bool:
    """Do two hits say the same thing: one quote inside the other, near-identical quotes, or
    quotes alike in near-identical clauses?"""
    return _near(squash(a.quote), squash(b.quote), lambda: (squash(a.text), squash(b.text)))


def _near(x: str, y: str, texts) -> bool:
    """``near_identical`` on quotes without whitespace; ``texts()`` gives the clauses' texts."""
    if not x or not y:
        return False
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if short in long_ or fuzz.ratio(x, y, score_cutoff=SAME_WORDING):
        return True
    return (_may_match_in_part(short, long_) and bool(fuzz.partial_ratio(x, y, score_cutoff=SAME_WORDING))
            and bool(fuzz.ratio(*texts(), score_cutoff=SAME_CLAUSE)))


def _may_match_in_part(short: str, long_: str) -> bool:
    """Can ``short`` reach ``SAME_WORDING`` against some part of ``long_`` (partial_ratio)? No part
    shares more than the longest common subsequence ``k`` of the whole two, so the ratio of
    ``short`` to any part is at most 2k / (len(short) + k): a cheap bound that rules out most pairs."""
    k = LCSseq.similarity(short, long_)
    return 200 * k >= SAME_WORDING * (len(short) + k)
