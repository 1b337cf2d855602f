"""N analyses → one comparison: names, ranking, the category × vendor matrix, counterparts.

Everything here is structure; renderers and DataFrames are built from it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .cost import Cost, cost
from .distinct import Group, group
from .model import Analysis, Clause
from .playbook import Playbook, Position, packaged, positions
from .rules import rulebook
from .taxonomy import UNCLASSIFIED, load_taxonomy
from .vocabulary import SEVERITY_ORDER, Vocabulary, vocabulary


@dataclass(frozen=True)
class Cell:
    """What one vendor says about one category."""

    clause_ids: tuple[str, ...]
    findings: tuple[int, ...]  # indexes into the vendor's findings, one per distinct issue
    protections: tuple[int, ...]
    score: float  # the most one-sided of its clauses, −1 … +1; 0 when the vendor is silent


@dataclass(frozen=True)
class Comparison:
    analyses: tuple[Analysis, ...]  # in rank order: riskiest first, contracts that cannot be ranked last
    names: tuple[str, ...]
    categories: tuple[str, ...]
    matrix: Mapping[tuple[str, str], Cell]  # (category, name) → cell
    counterparts: Mapping[tuple[str, str], Mapping[str, tuple[str, float]]] = field(default_factory=dict)
    unranked: Mapping[str, str] = field(default_factory=dict)  # name → why it cannot be ranked
    issues: Mapping[str, tuple[Group, ...]] = field(default_factory=dict)  # name → distinct findings
    kept: Mapping[str, tuple[Group, ...]] = field(default_factory=dict)  # name → distinct protections
    costs: Mapping[str, Cost] = field(default_factory=dict)  # name → like-for-like cost, in rank order
    playbook: Playbook = field(default_factory=packaged)  # the customer's positions
    positions: Mapping[str, tuple[Position, ...]] = field(default_factory=dict)  # name → each position met or not
    words: Vocabulary = field(default_factory=vocabulary)  # the labels of the rule book it was scored with

    def analysis(self, name: str) -> Analysis:
        return self.analyses[self.names.index(name)]

    def ranking(self) -> list[tuple[int | None, str, float]]:
        """(rank, name, risk score), riskiest first; contracts that cannot be ranked (see
        ``unranked``) come last with rank None: a blank template is not the safest choice."""
        order = sorted(range(len(self.names)), key=lambda i: (
            self.names[i] in self.unranked, -self.analyses[i].risk_score, self.names[i]))
        ranked = [i for i in order if self.names[i] not in self.unranked]
        return [(ranked.index(i) + 1 if i in ranked else None, self.names[i], self.analyses[i].risk_score)
                for i in order]

    def rank_of(self, name: str) -> int | None:
        return next(r for r, n, _ in self.ranking() if n == name)

    def position(self, name: str) -> int:
        """1-based place in ``ranking`` (ranked contracts first), for file names."""
        return next(k + 1 for k, (_, n, _) in enumerate(self.ranking()) if n == name)

    @property
    def ranked_count(self) -> int:
        return len(self.names) - len(self.unranked)

    def counts(self, name: str) -> dict[str, int]:
        """Distinct issues by severity (a regulatory one is counted apart), protections, document issues."""
        groups = self.issues[name]
        a = self.analysis(name)
        out = {s: sum(g.severity == s and not _regulatory(a, g) for g in groups) for s in SEVERITY_ORDER}
        out["regulatory"] = sum(_regulatory(a, g) for g in groups)
        out["protections"] = len(self.kept[name])
        out["missing"] = len(a.missing)
        out["document_issues"] = len(a.issues)
        return out


    def quote(self, name: str, item) -> str:
        """A finding's or protection's quote, whole: with the list a clause introduces
        ("以下情形不属于乙方违约：" and its items), wherever the text put the items."""
        a = self.analysis(name)
        if not item.quote.rstrip().endswith(("：", ":")):
            return item.quote
        items = sub_items(a.clauses, a.clause(item.clause_id))
        return "\n".join([item.quote.rstrip()] + [c.text.strip() for c in items])


def sub_items(clauses, clause: Clause, limit: int = 12) -> list[Clause]:
    """The items a clause introduces: its sub-clauses, else the clauses numbered under its
    number (7 → 7.1, 7.2) that no other clause holds."""
    children = [c for c in clauses if c.parent == clause.id]
    if children or not clause.number:
        return children[:limit]
    stem = clause.number.rstrip(".、．") + "."
    return [c for c in clauses if c.number and c.number.startswith(stem) and c.id != clause.id
            and c.style != "signature"][:limit]


def complete(comp: Comparison, name: str) -> bool:
    """Is the contract whole enough to quote as a reference: rankable and not cut off?"""
    a = comp.analysis(name)
    return name not in comp.unranked and not any(i.code == "truncated" for i in a.issues)


def _regulatory(a: Analysis, g: Group) -> bool:
    return all(a.findings[i].regulatory for i in g.members)


TITLE = re.compile(r"^[#\s]*(?P<t>[^\n：:，。；]{2,30}?(?:协议书?|合同书?|条款|服务规则)(?:[（(][^）)\n]{1,8}[）)])?)\s*$", re.M)
DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")
NO_RANK_BLANK = "合同是未填写的模板（价格等关键内容空白），填写后才能排名"
NO_RANK_EMPTY = "文件中没有可分析的合同条款，无法排名"


def contract_title(text: str) -> str | None:
    """The contract's own title: the first short line that names the document (…协议, …合同)."""
    m = TITLE.search(text)
    return m.group("t").strip() if m else None


def contract_date(text: str) -> str | None:
    """The last full date the contract states (signing dates come last), as YYYY-MM-DD."""
    dates = [m for m in DATE.finditer(text) if m.group("d")]
    if not dates:
        return None
    m = dates[-1]
    return f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"


def unranked_reason(a: Analysis) -> str | None:
    """Why a contract cannot be ranked: it has no clauses, or it is a template whose price is blank."""
    if not _substantive(a):
        return NO_RANK_EMPTY
    if "price" in a.missing and any(i.code == "blank_fields" for i in a.issues):
        return NO_RANK_BLANK
    return None


def display_names(analyses) -> tuple[str, ...]:
    """The vendor's name, made unique when two contracts share a vendor: by the contract's own
    title, else its date, else the file name."""
    base = [a.vendor or Path(a.document.source).stem for a in analyses]
    counts = Counter(base)
    names = [f"{b}（{_telling(a, [x for x, y in zip(analyses, base) if y == b])}）" if counts[b] > 1 else b
             for a, b in zip(analyses, base)]
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} #{seen[n]}")
    return tuple(out)


def _telling(a: Analysis, same_vendor: list[Analysis]) -> str:
    """What tells ``a`` apart from the other contracts of its vendor."""
    for read in (contract_title, contract_date):
        mine = read(a.document.text)
        if mine and sum(read(b.document.text) == mine for b in same_vendor) == 1:
            return mine
    return Path(a.document.source).stem


def _cells(a: Analysis, categories, issues: tuple[Group, ...]) -> dict[str, Cell]:
    by_clause_f: dict[str, list[int]] = {}
    for i, f in enumerate(a.findings):
        by_clause_f.setdefault(f.clause_id, []).append(i)
    by_clause_p: dict[str, list[int]] = {}
    for i, p in enumerate(a.protections):
        by_clause_p.setdefault(p.clause_id, []).append(i)
    issue_of = {j: k for k, g in enumerate(issues) for j in g.members}
    out = {}
    for cat in categories:
        clauses = [c for c in a.clauses if c.category == cat or cat in c.categories]
        ids = tuple(c.id for c in clauses)
        hits = [j for i in ids for j in by_clause_f.get(i, ()) if _finding_in(a, j, cat)]
        first: dict[int, int] = {}  # one finding per distinct issue: its first hit in the cell
        for j in hits:
            first.setdefault(issue_of[j], j)
        findings = tuple(first.values())
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


def compare(analyses, *, with_counterparts: bool = True, workers: int = 1,
            playbook: Playbook | None = None) -> Comparison:
    """Build the comparison of several analyses; ``playbook``: the customer's positions (see
    ``playbook``; the packaged one holds none of its own).

    Clause counterparts (each clause's closest clause in every other contract) are computed for
    up to MAX_COUNTERPARTS contracts; for more, use `analyzer batch` and query its tables."""
    # one order whatever the order of the inputs: the same files always give the same results
    analyses = tuple(sorted(analyses, key=lambda a: (a.document.source, a.document.sha256)))
    names = display_names(analyses)
    categories = load_taxonomy().ids
    issues = {n: group(a.findings) for a, n in zip(analyses, names)}
    matrix = {}
    for a, name in zip(analyses, names):
        for cat, cell in _cells(a, categories, issues[name]).items():
            matrix[(cat, name)] = cell
    counterparts = (_counterparts(analyses, names, workers)
                    if with_counterparts and len(analyses) <= MAX_COUNTERPARTS else {})
    unranked = {n: why for a, n in zip(analyses, names) if (why := unranked_reason(a))}
    comp = Comparison(analyses, names, categories, matrix, counterparts, unranked, issues,
                      {n: group(a.protections) for a, n in zip(analyses, names)})
    pb = playbook or packaged()
    order = [comp.names.index(n) for _, n, _ in comp.ranking()]  # every table and chart in rank order
    return replace(comp, analyses=tuple(analyses[i] for i in order), names=tuple(names[i] for i in order),
                   costs={names[i]: cost(analyses[i]) for i in order}, playbook=pb,
                   positions={n: positions(pb, a) for a, n in zip(analyses, names)}, words=vocabulary(pb.book()))


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
