"""The one-file HTML report: inline CSS, charts embedded as data URIs, all text escaped."""
from __future__ import annotations

import base64
import hashlib
import io
from importlib import resources

from ..brief import issue_points
from ..comparison import Comparison
from ..cost import COST_NOTE, UNKNOWN, cost_rows, term_text
from ..model import TERM_KEYS, Analysis
from ..vocabulary import UNRANKED, severity_rank
from . import charts, webfont

CHART_TITLES = {"heatmap": "条款偏向热力图", "risk": "风险分（按严重程度叠加）", "terms": "商务条款对比",
                "coverage": "条款覆盖"}


def _colour(score: float, has_clauses: bool) -> str:
    if not has_clauses:
        return "#f7f7f7"
    if score >= 0:
        return f"rgba(231, 76, 60, {0.08 + 0.6 * score:.2f})"
    return f"rgba(39, 174, 96, {0.08 + 0.6 * -score:.2f})"


def png_base64(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def context(comp: Comparison, figures: dict | None = None) -> dict:
    words = comp.words
    figures = figures if figures is not None else {k: fn(comp) for k, fn in charts.CHARTS.items()}
    ranking = []
    for rank, name, score in comp.ranking():
        a, n = comp.analysis(name), comp.counts(name)
        ranking.append({"rank": rank or UNRANKED, "name": name, "index": comp.names.index(name), "score": f"{score:g}",
                        "high": n["high"], "medium": n["medium"], "low": n["low"], "missing": n["missing"],
                        "protections": n["protections"], "issues": n["document_issues"],
                        "unranked": comp.unranked.get(name, ""), "source": a.document.source})
    matrix = []
    for cat in comp.categories:
        cells = []
        for n in comp.names:
            cell = comp.matrix[(cat, n)]
            a = comp.analysis(n)
            cells.append({"colour": _colour(cell.score, bool(cell.clause_ids)), "findings": len(cell.findings),
                          "clauses": [{"label": a.clause(i).label or "（无编号）", "text": a.clause(i).text,
                                       "anchor": f"v{comp.names.index(n)}-{i}"}
                                      for i in cell.clause_ids]})
        matrix.append({"label": words.category(cat), "cells": cells})
    details = [_details(comp, i, n) for i, n in enumerate(comp.names)]
    d = words.scoring
    return {
        "vendors": list(comp.names), "ranking": ranking,
        "charts": [{"title": CHART_TITLES[k], "data": png_base64(fig)} for k, fig in figures.items()],
        "warnings": [{"vendor": n, "code": words.issue(i.code), "message": i.message} for n in comp.names
                     for i in comp.analysis(n).issues],
        "term_labels": [words.terms[k] for k in TERM_KEYS],
        "terms": [{"name": n, "values": [term_text(comp.analysis(n).terms, k) for k in TERM_KEYS]}
                  for n in comp.names],
        "positions": _positions(comp),
        "cost": cost_rows(comp.costs), "cost_note": COST_NOTE, "unknown": UNKNOWN,
        "severities": list(words.severities.items()),
        "flags": [(code, words.flag(code)) for code in words.findings],
        "categories": [(code, words.category(code)) for code in comp.categories],
        "matrix": matrix, "details": details, "overview": [f for v in details for f in v["findings"]],
        "weights": d["severity_weights"], "mutual": d["mutual_factor"], "offset": d["protection_offset"],
        "missing_weight": d["missing_term_weight"], "unranked": dict(comp.unranked),
        "scale": f"{d['risk_scale']:g}", "screen": f"{d['penalty_screen_pct']:g}",
    }


def _positions(comp: Comparison) -> dict:
    """The playbook's positions as rows, the vendors in rank order as columns."""
    order = [n for _, n, _ in comp.ranking()]
    labels = [p.label for p in comp.positions.get(order[0], ())] if order else []
    rows = [{"label": label, "cells": [_position_cell(comp, n, k) for n in order]} for k, label in enumerate(labels)]
    return {"vendors": order, "rows": rows}


def _position_cell(comp: Comparison, name: str, k: int) -> dict:
    p = comp.positions[name][k]
    return {"status": p.status.lower(), "text": comp.words.statuses[p.status], "title": " ".join(x for x in (p.clause, p.quote,
                                                                                                  p.detail) if x)}


def _details(comp: Comparison, index: int, name: str) -> dict:
    """One vendor's section: its distinct issues (each with all its places), protections,
    missing terms, contradictions and the contract's clauses with the findings' words marked."""
    a, words = comp.analysis(name), comp.words
    rank, flagged = comp.position(name), {f.clause_id for f in a.findings}
    findings = [{"severity": g.severity, "severity_cn": p.severity_label, "sev_rank": severity_rank(g.severity),
                 "label": p.label, "mutual": g.mutual, "regulatory": p.regulatory, "clause": p.clause,
                 "quote": p.quote, "explanation": "。".join(x for x in (p.why, p.legal) if x), "ask": p.ask,
                 "clause_id": a.findings[g.first].clause_id, "order": _order(a, a.findings[g.first].clause_id),
                 "flag": g.code, "category": p.category, "category_cn": words.category(p.category),
                 "vendor": name, "vendor_index": index, "vendor_rank": rank}
                for g, p in issue_points(comp, name)]
    return {
        "index": index, "name": name, "score": f"{a.risk_score:g}", "source": a.document.source,
        "unranked": comp.unranked.get(name, ""), "findings": findings,
        "clauses": [{"id": c.id, "label": c.label, "parts": _marked(a, c), "flagged": c.id in flagged}
                    for c in a.clauses],
        "protections": [f"{words.flag(g.code)}（{'、'.join(a.clause(c).label or c for c in g.clause_ids)}）："
                        f"{a.protections[g.first].quote}" for g in comp.kept[name]],
        "missing": [words.expected[m] for m in a.missing],
        "contradictions": [{"label": k.label, "first": a.clause(k.first).label, "first_quote": k.first_quote,
                            "second": a.clause(k.second).label, "second_quote": k.second_quote}
                           for k in a.contradictions]}


def _order(a: Analysis, clause_id: str) -> int:
    return next(k for k, c in enumerate(a.clauses) if c.id == clause_id)


def _marked(a: Analysis, clause) -> list[tuple[str, bool]]:
    """A clause's text as (piece, marked) pieces: the words its findings quote are marked."""
    pieces, at = [], 0
    for start, end in sorted(_span(a, clause, f) for f in a.findings if f.clause_id == clause.id):
        start = max(start, at)
        if end > start:
            pieces += [(clause.text[at:start], False), (clause.text[start:end], True)]
            at = end
    return [p for p in pieces + [(clause.text[at:], False)] if p[0]]


def _span(a: Analysis, clause, finding) -> tuple[int, int]:
    """Where a finding's quote sits in its clause's text: by the offsets where they fit the
    source, else where the quote is found (nowhere: an empty span)."""
    text = a.document.text
    if text[clause.start:clause.end] == clause.text and text[finding.start:finding.end] == finding.quote:
        return max(finding.start, clause.start) - clause.start, min(finding.end, clause.end) - clause.start
    i = clause.text.find(finding.quote)
    return (i, i + len(finding.quote)) if i >= 0 else (0, 0)


def render_html(comp: Comparison, figures: dict | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("analyzer", "resources/templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True))
    from markupsafe import Markup
    page = env.get_template("report.html.j2")
    script = (resources.files("analyzer") / "resources" / "templates" / "filter.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = dict(context(comp, figures), font_family=webfont.FAMILY, script=Markup(script),
                  script_hash=f"sha256-{digest}")
    text = page.render(**values, font_face="")  # the characters the page shows, to cut the font to
    return page.render(**values, font_face=Markup(webfont.font_face(text)))
