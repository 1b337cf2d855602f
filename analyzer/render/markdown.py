"""Markdown: the comparison and each vendor's negotiation brief. All contract text is escaped."""
from __future__ import annotations

from ..brief import NOTHING_FOUND, SECTIONS, Brief
from ..comparison import Comparison
from ..cost import COST_NOTE, cost_rows, term_text
from ..model import TERM_KEYS
from ..vocabulary import MUTUAL, REGULATORY, SEVERITY_ORDER, UNRANKED, severity_rank
from .safe import md


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def comparison_md(comp: Comparison) -> str:
    words = comp.words
    lines = ["# 供应商合同风险对比", "",
             f"比较了 {len(comp.names)} 份合同。风险分 0–100，越高越不利于客户。", "", "## 风险排名", ""]
    rows = []
    for rank, name, score in comp.ranking():
        a, n = comp.analysis(name), comp.counts(name)
        counts = "/".join(str(n[s]) for s in SEVERITY_ORDER)
        rows.append([str(rank or UNRANKED), md(name, table=True), f"{score:g}", counts,
                     str(n["protections"]), str(n["missing"]), str(n["document_issues"]),
                     md(a.document.source, table=True)])
    lines += _table(["排名", "供应商", "风险分", "高/中/低", "保护条款", "缺失条款", "文件问题", "文件"], rows)
    lines += [f"- 未排名：{md(n, line=True)}：{why}" for n, why in comp.unranked.items()]
    lines += ["", "## 商务条款", ""]
    lines += _table(["供应商"] + [words.terms[k] for k in TERM_KEYS],
                    [[md(n, table=True)] + [term_text(comp.analysis(n).terms, k) for k in TERM_KEYS]
                     for n in comp.names])
    rows = cost_rows(comp.costs)
    if rows:
        lines += ["", "## 可比成本（同一口径）", "", COST_NOTE, ""]
        lines += _table(list(rows[0]), [[md(str(v), table=True) for v in r.values()] for r in rows])
    lines += ["", "## 条款类别 × 供应商", "", "每格：风险发现数 · 条款数；— 表示合同未涉及。", ""]
    rows = []
    for cat in comp.categories:
        row = [words.category(cat)]
        for n in comp.names:
            cell = comp.matrix[(cat, n)]
            row.append("—" if not cell.clause_ids else f"{len(cell.findings)} · {len(cell.clause_ids)}")
        rows.append(row)
    lines += _table(["类别"] + [md(n, table=True) for n in comp.names], rows)
    issues = [(n, i) for n in comp.names for i in comp.analysis(n).issues]
    if issues:
        lines += ["", "## 文件问题（请先核实文本）", ""]
        lines += [f"- **{md(n, line=True)}**：{words.issue(i.code)}：{md(i.message)}" for n, i in issues]
    lines += ["", "## 各供应商的风险发现", ""]
    for n in comp.names:
        a = comp.analysis(n)
        lines += [f"### {md(n, line=True)}", ""]
        if not a.findings:
            lines += [NOTHING_FOUND, ""]
        for g in sorted(comp.issues[n], key=lambda g: severity_rank(g.severity)):
            f = a.findings[g.first]
            mutual = f"（{MUTUAL}）" if g.mutual else f"（{REGULATORY}）" if f.regulatory else ""
            places = "、".join(a.clause(c).label or c for c in g.clause_ids)
            lines.append(f"- **{words.severity(g.severity)}** {md(words.flag(g.code))}{mutual}，"
                         f"{md(places)}：「{md(comp.quote(n, f))}」")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def brief_md(b: Brief) -> str:
    lines = [f"# 谈判要点：{md(b.name, line=True)}", "", f"来源文件：{md(b.source, line=True)}", "", md(b.summary), ""]
    if b.cost:
        lines += ["## " + SECTIONS["cost"], "", "；".join(f"{md(k)}：{md(v)}" for k, v in b.cost), ""]
    if b.positions:
        lines += ["## " + SECTIONS["positions"], ""] + [f"- {md(p)}" for p in b.positions] + [""]
    if b.issues:
        lines += ["## " + SECTIONS["issues"], ""] + [f"- {md(i)}" for i in b.issues] + [""]
    if b.contradictions:
        lines += ["## " + SECTIONS["contradictions"], ""] + [f"- {md(k)}" for k in b.contradictions] + [""]
    lines += ["## " + SECTIONS["points"], ""]
    if not b.points:
        lines += [NOTHING_FOUND, ""]
    for k, p in enumerate(b.points, 1):
        lines += [f"### {k}. {md(p.label, line=True)}（{p.severity_label}）{'· ' + MUTUAL if p.mutual else ''}", "",
                  f"- **条款**：{md(p.clause)}", f"- **原文**：「{md(p.quote)}」", f"- **为什么重要**：{md(p.why)}。"]
        if p.legal:
            lines.append(f"- **法律依据**：{md(p.legal)}")
        lines += [f"- **提出修改**：{md(p.ask)}", f"- **退而求其次**：{md(p.fallback)}",
                  f"- **市场参照**：{md(p.reference)}", ""]
    if b.additions:
        lines += ["## " + SECTIONS["additions"], ""]
        for a in b.additions:
            lines.append(f"- **{md(a.label, line=True)}**：{md(a.ask)}" + (f"（参照：{md(a.reference)}）" if a.reference else ""))
        lines.append("")
    if b.regulatory:
        lines += ["## " + SECTIONS["regulatory"], ""]
        lines += [f"- {md(p.label)}（{md(p.clause)}）：「{md(p.quote)}」" for p in b.regulatory] + [""]
    if b.protections:
        lines += ["## " + SECTIONS["protections"], ""] + [f"- {md(p)}" for p in b.protections] + [""]
    return "\n".join(lines).rstrip() + "\n"
