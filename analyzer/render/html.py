"""The one-file HTML report: inline CSS, charts embedded as data URIs, all text escaped."""
from __future__ import annotations

import base64
import hashlib
import io
from importlib import resources

from ..brief import issue_points
from ..checks import ISSUE_LABELS
from ..comparison import Comparison
from ..cost import COST_NOTE, UNKNOWN, cost_rows, term_text
from ..expected import labels as expected_labels
from ..frames import TERM_LABELS, UNRANKED
from ..model import TERM_KEYS
from ..playbook import STATUS_CN
from ..rules import SEVERITY_CN, rulebook
from ..taxonomy import load_taxonomy
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
    book = rulebook()
    tax = load_taxonomy()
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
                          "clauses": [{"label": a.clause(i).label or "（无编号）", "text": a.clause(i).text}
                                      for i in cell.clause_ids]})
        matrix.append({"label": tax.label(cat), "cells": cells})
    details = [_details(comp, i, n, book) for i, n in enumerate(comp.names)]
    d = book.defaults
    return {
        "vendors": list(comp.names), "ranking": ranking,
        "charts": [{"title": CHART_TITLES[k], "data": png_base64(fig)} for k, fig in figures.items()],
        "warnings": [{"vendor": n, "code": ISSUE_LABELS.get(i.code, i.code), "message": i.message} for n in comp.names
                     for i in comp.analysis(n).issues],
        "term_labels": [TERM_LABELS[k] for k in TERM_KEYS],
        "terms": [{"name": n, "values": [term_text(comp.analysis(n).terms, k) for k in TERM_KEYS]}
                  for n in comp.names],
        "positions": _positions(comp),
        "cost": cost_rows(comp.costs), "cost_note": COST_NOTE, "unknown": UNKNOWN,
        "severities": [(k, SEVERITY_CN[k]) for k in ("high", "medium", "low")],
        "flags": [(code, f.label) for code, f in book.flags.items() if f.kind == "finding"],
        "matrix": matrix, "details": details,
        "weights": d["severity_weights"], "mutual": d["mutual_factor"], "offset": d["protection_offset"],
        "missing_weight": d["missing_term_weight"], "unranked": dict(comp.unranked),
        "scale": d["risk_scale"], "screen": d["penalty_screen_pct"],
    }


def _positions(comp: Comparison) -> dict:
    """The playbook's positions as rows, the vendors in rank order as columns."""
    order = [n for _, n, _ in comp.ranking()]
    labels = [p.label for p in comp.positions.get(order[0], ())] if order else []
    rows = [{"label": label, "cells": [_position_cell(comp, n, k) for n in order]} for k, label in enumerate(labels)]
    return {"vendors": order, "rows": rows}


def _position_cell(comp: Comparison, name: str, k: int) -> dict:
    p = comp.positions[name][k]
    return {"status": p.status.lower(), "text": STATUS_CN[p.status], "title": " ".join(x for x in (p.clause, p.quote,
                                                                                                  p.detail) if x)}


def _details(comp: Comparison, index: int, name: str, book) -> dict:
    """One vendor's section: its distinct issues (each with all its places), protections,
    missing terms and contradictions."""
    a = comp.analysis(name)
    labels = expected_labels()
    flagged = {f.clause_id for f in a.findings}
    return {
        "index": index, "name": name, "score": f"{a.risk_score:g}", "source": a.document.source,
        "unranked": comp.unranked.get(name, ""),
        # each issue once: its clause quoted once, then why, the legal basis and the ask
        "findings": [{"severity": g.severity, "severity_cn": SEVERITY_CN[g.severity], "label": p.label,
                      "mutual": g.mutual, "regulatory": p.regulatory, "clause": p.clause, "quote": p.quote,
                      "explanation": "。".join(x for x in (p.why, p.legal) if x),
                      "ask": p.ask, "clause_id": a.findings[g.first].clause_id, "flag": g.code}
                     for g, p in issue_points(comp, name)],
        "clauses": [{"id": c.id, "label": c.label, "text": c.text, "flagged": c.id in flagged} for c in a.clauses],
        "protections": [f"{book.label(g.code)}（{'、'.join(a.clause(c).label or c for c in g.clause_ids)}）："
                        f"{a.protections[g.first].quote}" for g in comp.kept[name]],
        "missing": [labels[m] for m in a.missing],
        "contradictions": [{"label": k.label, "first": a.clause(k.first).label, "first_quote": k.first_quote,
                            "second": a.clause(k.second).label, "second_quote": k.second_quote}
                           for k in a.contradictions]}


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
