"""Comparison → negotiation brief for one vendor (structure only; renderers format it).

Each point: the finding, its clause quoted, why it matters (legal basis), the ask (replacement
wording), a fallback, and the market reference: how the other compared vendors treat the
same point, quoted from their contracts.
"""
from __future__ import annotations

from dataclasses import dataclass

from .comparison import SEVERITY_RANK, Comparison
from .rules import SEVERITY_CN, rulebook


@dataclass(frozen=True)
class Point:
    flag: str
    label: str
    severity: str
    mutual: bool
    clause: str  # the clause's place, e.g. 七、违约责任 › 1
    quote: str
    why: str
    legal: str
    ask: str
    fallback: str
    reference: str


@dataclass(frozen=True)
class Brief:
    name: str
    source: str
    rank: int
    of: int
    risk_score: float
    summary: str
    points: tuple[Point, ...]
    protections: tuple[str, ...]
    issues: tuple[str, ...]


def _short(text: str, n: int = 80) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[:n] + "…"


def market_reference(comp: Comparison, name: str, finding) -> str:
    """How the other vendors treat the point of ``finding``, quoting them."""
    others = [n for n in comp.names if n != name]
    if not others:
        return "只有一家供应商，无可比较的市场参照。"
    related = rulebook().asks.get(finding.flag, {}).get("related")
    if related:
        for other in others:
            b = comp.analysis(other)
            p = next((p for p in b.protections if p.code == related), None)
            if p is not None:
                return f"另一家供应商（{other}）在 {b.clause(p.clause_id).label} 约定：「{_short(p.quote)}」"
    same = [o for o in others if any(f.flag == finding.flag for f in comp.analysis(o).findings)]
    cleaner = [o for o in others if o not in same]
    for other in cleaner:
        match = comp.counterparts.get((name, finding.clause_id), {}).get(other)
        if match and match[1] >= 30:
            b = comp.analysis(other)
            c = b.clause(match[0])
            if c.category == finding.category or finding.category in c.categories:
                # quoted only when it is about the same thing: a near wording in another category is not
                return f"{other} 的对应条款（{c.label}）没有这一约定：「{_short(c.text)}」"
    if cleaner:
        return f"{'、'.join(cleaner)} 的合同没有这一约定。"
    return f"比较的其他 {len(same)} 家供应商都有同类条款，属行业常见写法，但仍可争取修改。"


def brief(comp: Comparison, name: str) -> Brief:
    a = comp.analysis(name)
    book = rulebook()
    table = book.asks
    points = []
    for f in sorted(a.findings, key=lambda f: (SEVERITY_RANK[f.severity], f.clause_id)):
        entry = table.get(f.flag, {})
        rule = book.rule(f.rule)
        points.append(Point(
            flag=f.flag, label=book.label(f.flag), severity=f.severity, mutual=f.mutual,
            clause=a.clause(f.clause_id).label or f.clause_id, quote=f.quote,
            why=rule.why + ("（双方对等）" if f.mutual else ""),
            legal=(book.legal[rule.legal]["cite"] + "：" + " ".join(book.legal[rule.legal]["text"].split()))
            if rule.legal else "",
            ask=entry.get("ask", ""), fallback=entry.get("fallback", ""),
            reference=market_reference(comp, name, f)))
    counts = {s: sum(1 for f in a.findings if f.severity == s) for s in ("high", "medium", "low")}
    rank = comp.rank_of(name)
    summary = (f"在 {len(comp.names)} 家供应商中风险排名第 {rank}（风险分 {a.risk_score:g}/100，越高越不利）："
               + "、".join(f"{SEVERITY_CN[s]}风险 {n} 项" for s, n in counts.items())
               + f"；对客户有利的保护性条款 {len(a.protections)} 项；文件问题 {len(a.issues)} 项。")
    return Brief(name=name, source=a.document.source, rank=rank, of=len(comp.names), risk_score=a.risk_score,
                 summary=summary, points=tuple(points),
                 protections=tuple(f"{book.label(p.code)}（{a.clause(p.clause_id).label}）：「{_short(p.quote)}」"
                                   for p in a.protections),
                 issues=tuple(i.message for i in a.issues))
