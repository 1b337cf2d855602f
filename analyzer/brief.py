"""Comparison → negotiation brief for one vendor (structure only; renderers format it).

Each point is one distinct issue (findings restating one point are one point, with all their
places): the clause quoted whole, why it matters (legal basis by the clause's kind), the ask and
a fallback chosen by what the clause says (briefs.yaml variants), and the market reference: how
the other compared vendors treat the same point, quoted from their contracts. A clause that only
restates a legal duty is listed apart, with no ask. Terms the contract leaves out become
"请增加…" asks with another vendor's wording where one has it; contradictions are quoted both ways.
"""
from __future__ import annotations

from dataclasses import dataclass

from .comparison import Comparison, complete
from .cost import VENDOR, cost_rows
from .distinct import Group
from .expected import by_code
from .playbook import Position
from .rules import rulebook
from .score import reading_of
from .taxonomy import UNCLASSIFIED
from .vocabulary import MUTUAL, SEVERITY_ORDER, severity_rank

# the brief's sections, in order, as every renderer titles them
SECTIONS = {"positions": "我方立场对照（符合 / 偏离 / 缺失）", "cost": "费用（与其他供应商同一口径）", "issues": "文件问题（签署前先核实）", "contradictions": "相互矛盾的条款（请乙方澄清以哪一条为准）",
            "points": "需要谈判的条款（按严重程度）", "additions": "合同缺少的必备条款（请增加）",
            "regulatory": "法定义务（复述法律法规，不可谈判，了解即可）", "protections": "已有的保护性条款（保留）"}
NOTHING_FOUND = "未发现明显不利于客户的条款。"
MIN_SAME_POINT = 45  # counterpart similarity (0–100) from which another vendor's clause is on the same point


@dataclass(frozen=True)
class Point:
    flag: str
    label: str
    severity: str
    mutual: bool
    clause: str  # the clause's place, e.g. 七、违约责任 › 1; every place when the point is made twice
    quote: str
    why: str
    legal: str
    ask: str
    fallback: str
    reference: str
    regulatory: bool = False
    severity_label: str = ""  # 高 / 中 / 低
    category: str = ""  # the clause's category code


@dataclass(frozen=True)
class Addition:
    """An expected term the contract leaves out, asked for."""

    label: str
    ask: str
    reference: str


@dataclass(frozen=True)
class Brief:
    name: str
    source: str
    rank: int | None
    of: int
    risk_score: float
    summary: str
    points: tuple[Point, ...]
    protections: tuple[str, ...]
    issues: tuple[str, ...]
    regulatory: tuple[Point, ...] = ()
    additions: tuple[Addition, ...] = ()
    contradictions: tuple[str, ...] = ()
    cost: tuple[tuple[str, str], ...] = ()  # (label, value) on the footing every vendor shares
    positions: tuple[str, ...] = ()  # each position of the customer's playbook: 符合 / 偏离 / 缺失


def _short(text: str, n: int = 160) -> str:
    """A quote on one line, cut only at a sentence end when it is long."""
    s = " ".join(text.split())
    if len(s) <= n:
        return s
    cut = max(s.rfind(p, 0, n) for p in "。；;")
    return s[:cut + 1] + "…" if cut > n // 3 else s[:n] + "…"


def _others(comp: Comparison, name: str) -> list[str]:
    """The other vendors, in one order whatever the order of the inputs."""
    return sorted(n for n in comp.names if n != name)


def market_reference(comp: Comparison, name: str, finding) -> str:
    """How the other vendors treat the point of ``finding``, quoting them: a protection on the
    point, else a clause of the same category and point without the one-sided term, else the
    complete contracts that address the category without it."""
    others = _others(comp, name)
    if not others:
        return "只有一家供应商，无可比较的市场参照。"
    usable = [o for o in others if complete(comp, o)]
    related = rulebook().asks.get(finding.flag, {}).get("related")
    mine = comp.analysis(name).clause(finding.clause_id)
    for other in usable if related else ():
        b = comp.analysis(other)
        p = next((p for p in b.protections if p.code == related and _same_topic(mine, b.clause(p.clause_id))), None)
        if p is not None:
            return f"另一家供应商（{other}）在 {b.clause(p.clause_id).label} 约定：「{_short(p.quote)}」"
    cleaner = [o for o in usable if not any(f.flag == finding.flag for f in comp.analysis(o).findings)]
    for other in cleaner:
        match = comp.counterparts.get((name, finding.clause_id), {}).get(other)
        if match and match[1] >= MIN_SAME_POINT:
            c = comp.analysis(other).clause(match[0])
            if c.category == finding.category:
                return f"{other} 的对应条款（{c.label}）没有这一约定：「{_short(c.text)}」"
    silent = [o for o in cleaner if _addresses(comp.analysis(o), finding.category)]
    if silent and finding.category not in (UNCLASSIFIED, "general"):
        label = comp.words.category(finding.category)
        return f"{'、'.join(silent)} 的合同在同类条款（{label}）中没有这一约定。"
    same = [o for o in usable if o not in cleaner]
    if same:
        return f"比较的其他 {len(same)} 家完整合同也有同类约定，属行业常见写法，但仍可争取修改。"
    return "其他供应商的合同不完整或未涉及这一事项，无可比较的市场参照。"


def _same_topic(a, b) -> bool:
    """Do two clauses share a category (main or secondary)?"""
    return bool({a.category, *a.categories} & {b.category, *b.categories} - {UNCLASSIFIED, "general"})


def _addresses(a, category: str) -> bool:
    return any(c.category == category for c in a.clauses)


def _point(comp: Comparison, name: str, g: Group) -> Point:
    a, book = comp.analysis(name), rulebook()
    f = a.findings[g.first]
    rule = book.rule(f.rule)
    clause = a.clause(f.clause_id)
    v = reading_of(clause, a.parties).view
    advice = comp.playbook.advice(book.advice(f.flag, v.text, rule.legal), f.flag)
    words = clause.text[slice(*v.span(*advice.hit))].strip() if advice.hit else ""
    legal = book.legal.get(advice.legal) if advice.legal else None
    return Point(
        flag=f.flag, label=comp.words.flag(f.flag), severity=g.severity, mutual=g.mutual,
        clause="、".join(a.clause(c).label or c for c in g.clause_ids), quote=comp.quote(name, f),
        why=rule.why + (f"（{MUTUAL}）" if g.mutual else ""),
        legal=(legal["cite"] + "：" + " ".join(legal["text"].split())) if legal else "",
        ask="" if f.regulatory else advice.ask.replace("{hit}", words),
        fallback="" if f.regulatory else advice.fallback.replace("{hit}", words),
        reference="" if f.regulatory else market_reference(comp, name, f), regulatory=f.regulatory,
        severity_label=comp.words.severity(g.severity), category=clause.category)


def _position(comp: Comparison, p: Position) -> str:
    said = "；".join(x for x in (p.detail, f"{p.clause}「{_short(p.quote)}」" if p.quote else "") if x)
    return f"{comp.words.statuses[p.status]}｜{p.label}" + (f"：{said}" if said else "")


def _addition(comp: Comparison, name: str, code: str) -> Addition:
    """A missing term's ask, with the wording of another complete contract that has it."""
    e = by_code()[code]
    for other in _others(comp, name):
        b = comp.analysis(other)
        p = next((p for p in b.protections if p.code in e.protections), None) if complete(comp, other) else None
        if p is not None:
            return Addition(e.label, e.ask, f"{other} 在 {b.clause(p.clause_id).label} 约定：「{_short(p.quote)}」")
    return Addition(e.label, e.ask, "")


def issue_points(comp: Comparison, name: str) -> list[tuple[Group, Point]]:
    """Each distinct issue of a vendor with its point, most severe first (the brief's order);
    ``Group.members`` index the vendor's findings, for tools that mark up the contract itself."""
    a = comp.analysis(name)
    groups = sorted(comp.issues[name], key=lambda g: (severity_rank(g.severity), a.findings[g.first].clause_id))
    return [(g, _point(comp, name, g)) for g in groups]


def brief(comp: Comparison, name: str) -> Brief:
    a, words = comp.analysis(name), comp.words
    points = [p for _, p in issue_points(comp, name)]
    n = comp.counts(name)
    rank = comp.rank_of(name)
    place = (f"在 {comp.ranked_count} 家可排名的供应商中风险排名第 {rank}（风险分 {a.risk_score:g}/100，越高越不利）"
             if rank else f"未排名：{comp.unranked[name]}（风险分 {a.risk_score:g}/100 仅供参考）")
    summary = (f"{place}："
               + "、".join(f"{words.severity(s)}风险 {n[s]} 项" for s in SEVERITY_ORDER)
               + (f"；法定义务 {n['regulatory']} 项（不计分）" if n["regulatory"] else "")
               + f"；对客户有利的保护性条款 {n['protections']} 项；缺失的必备条款 {n['missing']} 项；"
               + f"文件问题 {n['document_issues']} 项。")
    by_id = {c.id: c for c in a.clauses}
    return Brief(
        name=name, source=a.document.source, rank=rank, of=comp.ranked_count, risk_score=a.risk_score,
        summary=summary, points=tuple(p for p in points if not p.regulatory),
        protections=tuple(f"{words.flag(g.code)}（{'、'.join(by_id[c].label for c in g.clause_ids)}）："
                          f"「{_short(comp.quote(name, a.protections[g.first]))}」" for g in comp.kept[name]),
        issues=tuple(i.message for i in a.issues if i.code != "conflicting_clauses"),
        regulatory=tuple(p for p in points if p.regulatory),
        additions=tuple(_addition(comp, name, code) for code in a.missing),
        cost=tuple((k, v) for k, v in cost_rows({name: comp.costs[name]})[0].items() if k != VENDOR),
        positions=tuple(_position(comp, p) for p in comp.positions[name]),
        contradictions=tuple(f"{k.label}：{by_id[k.first].label}「{k.first_quote}」与 "
                             f"{by_id[k.second].label}「{k.second_quote}」" for k in a.contradictions))
