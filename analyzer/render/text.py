"""A readable outline of one analysis for the terminal, in Chinese."""
from __future__ import annotations

from ..model import Analysis
from ..vocabulary import MUTUAL, REGULATORY, Vocabulary, severity_rank, vocabulary


def outline(a: Analysis, words: Vocabulary | None = None) -> str:
    """The analysis as lines a person reads: parties, terms, document issues, clauses, findings,
    protections, missing terms, contradictions and the model's second opinion."""
    w = words or vocabulary()
    p = a.parties
    lines = [f"== {a.document.source}（风险分 {a.risk_score:g}/100）",
             f"供应商 {p.vendor_role or '?'}：{a.vendor or '—'}",
             f"客户   {p.customer_role or '?'}：{a.customer or '—'}",
             f"依据   {p.role_evidence or '未找到'}"]
    if a.document.metadata.get("summary"):
        lines.append("说明   文件把原文包在一段摘要说明里；只分析原文")
    stated = "，".join(f"{w.terms[k]} {v:g}" for k, v in a.terms.values().items() if v is not None)
    lines.append(f"商务条款 {stated or '未约定'}")
    if a.issues:
        lines.append("文件问题：")
        lines += [f"  ! {w.issue(i.code)}：{i.message}" for i in a.issues]
    lines.append("条款：")
    lines += [_clause_line(c, w) for c in a.clauses]
    lines += _findings(a, w)
    if a.protections:
        lines.append("保护性条款：")
        lines += [f"  + {w.flag(x.code)} @{x.clause_id}：{x.quote[:70]}" for x in a.protections]
    if a.missing:
        lines.append(f"缺失条款（合同未约定）：{'、'.join(w.expected[m] for m in a.missing)}")
    if a.contradictions:
        lines.append("相互矛盾的条款：")
        lines += [f"  x {k.label} @{k.first} / @{k.second}：「{k.first_quote[:40]}」与「{k.second_quote[:40]}」"
                  for k in a.contradictions]
    if a.second_opinion:
        lines.append("模型的第二意见（仅供复核，不计分）：")
        lines += [f"  ? {w.flag(getattr(o, 'flag', None) or o.code)} {o.confidence:.0%} @{o.clause_id}：{o.quote[:70]}"
                  for o in a.second_opinion]
    return "\n".join(lines) + "\n"


def _clause_line(c, w: Vocabulary) -> str:
    head = c.text.replace("\n", " ")
    head = head if len(head) <= 60 else head[:60] + "…"
    return f"{'  ' * (c.level + 1)}{c.id} [{w.category(c.category)}] {head}"


def _findings(a: Analysis, w: Vocabulary) -> list[str]:
    if not a.findings:
        return []
    lines = ["风险发现："]
    for f in sorted(a.findings, key=lambda f: severity_rank(f.severity)):
        note = (f"（{MUTUAL}）" if f.mutual else "") + (f"（{REGULATORY}）" if f.regulatory else "")
        lines.append(f"  - {w.severity(f.severity)} {w.flag(f.flag)}{note} @{f.clause_id}：{f.quote[:70]}")
    return lines
