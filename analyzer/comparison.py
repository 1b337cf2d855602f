"""N analyses → one comparison: names, ranking, the category × vendor matrix, counterparts.

Everything here is structure; renderers and DataFrames are built from it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .model import Analysis, Clause
from .rules import rulebook
from .taxonomy import UNCLASSIFIED, load_taxonomy

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Cell:
    """What one vendor says about one category."""

    clause_ids: tuple[str, ...]
    findings: tuple[int, ...]  # indexes into the vendor's findings
    protections: tuple[int, ...]
    score: float  # the most one-sided of its clauses, −1 … +1; 0 when the vendor is silent


@dataclass(frozen=True)
class Comparison:
    analyses: tuple[Analysis, ...]
    names: tuple[str, ...]
    categories: tuple[str, ...]
    matrix: Mapping[tuple[str, str], Cell]  # (category, name) → cell
    counterparts: Mapping[tuple[str, str], Mapping[str, tuple[str, float]]] = field(default_factory=dict)

    def analysis(self, name: str) -> Analysis:
        return self.analyses[self.names.index(name)]

    def ranking(self) -> list[tuple[int, str, float]]:
        """(rank, name, risk score), riskiest first."""
        order = sorted(range(len(self.names)), key=lambda i: (-self.analyses[i].risk_score, self.names[i]))
        return [(r + 1, self.names[i], self.analyses[i].risk_score) for r, i in enumerate(order)]

    def rank_of(self, name: str) -> int:
        return next(r for r, n, _ in self.ranking() if n == name)


def display_names(analyses) -> tuple[str, ...]:
    """The vendor's name, made unique with the file name when two contracts share a vendor."""
    base = [a.vendor or Path(a.document.source).stem for a in analyses]
    counts = Counter(base)
    names = [f"{b}（{Path(a.document.source).stem}）" if counts[b] > 1 else b for a, b in zip(analyses, base)]
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} #{seen[n]}")
    return tuple(out)


def _cells(a: Analysis, categories) -> dict[str, Cell]:
    by_clause_f: dict[str, list[int]] = {}
    for i, f in enumerate(a.findings):
        by_clause_f.setdefault(f.clause_id, []).append(i)
    by_clause_p: dict[str, list[int]] = {}
    for i, p in enumerate(a.protections):
        by_clause_p.setdefault(p.clause_id, []).append(i)
    out = {}
    for cat in categories:
        clauses = [c for c in a.clauses if c.category == cat or cat in c.categories]
        ids = tuple(c.id for c in clauses)
        findings = tuple(j for i in ids for j in by_clause_f.get(i, ()) if _finding_in(a, j, cat))
        protections = tuple(j for c in clauses if c.category == cat for j in by_clause_p.get(c.id, ()))
        # the cell's colour: its findings' clauses if any, else the clauses filed under it
        scored = {a.findings[j].clause_id for j in findings} or {c.id for c in clauses if c.category == cat}
        scores = [a.clause_scores.get(i, 0.0) for i in scored]
        score = max(scores, key=abs) if scores else 0.0
        out[cat] = Cell(ids, findings, protections, float(score))
    return out


def _finding_in(a: Analysis, index: int, category: str) -> bool:
    f = a.findings[index]
    rule = rulebook().rule(f.rule)
    clause = a.clause(f.clause_id)
    return clause.category == category or (rule is not None and category in rule.categories)


MAX_COUNTERPARTS = 25  # clause-to-clause alignment is quadratic in contracts; beyond this it is skipped


def compare(analyses, *, with_counterparts: bool = True, workers: int = 1) -> Comparison:
    """Build the comparison of several analyses.

    Clause counterparts (each clause's closest clause in every other contract) are computed for
    up to MAX_COUNTERPARTS contracts; for more, use `analyzer batch` and query its tables."""
    analyses = tuple(analyses)
    names = display_names(analyses)
    categories = load_taxonomy().ids
    matrix = {}
    for a, name in zip(analyses, names):
        for cat, cell in _cells(a, categories).items():
            matrix[(cat, name)] = cell
    counterparts = (_counterparts(analyses, names, workers)
                    if with_counterparts and len(analyses) <= MAX_COUNTERPARTS else {})
    return Comparison(analyses, names, categories, matrix, counterparts)


def _substantive(a: Analysis) -> list[Clause]:
    return [c for c in a.clauses if c.style != "signature" and c.category not in (UNCLASSIFIED, "parties")]


def _counterparts(analyses, names, workers) -> dict:
    from .align import counterparts
    from .tokens import tokenizer
    tok = tokenizer()
    out: dict = {}
    for a, name in zip(analyses, names):
        mine = _substantive(a)
        for b, other in zip(analyses, names):
            if other == name:
                continue
            theirs = _substantive(b)
            for c, (j, sim) in zip(mine, counterparts(mine, theirs, tokenizer=tok, workers=workers)):
                if j >= 0:
                    out.setdefault((name, c.id), {})[other] = (theirs[j].id, sim)
    return out
