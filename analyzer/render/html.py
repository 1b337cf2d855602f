"""The one-file HTML report: inline CSS, charts embedded as data URIs, all text escaped."""
from __future__ import annotations

import base64
import io

from ..comparison import Comparison
from ..frames import TERM_LABELS
from ..model import TERM_KEYS
from ..rules import SEVERITY_CN, rulebook
from ..taxonomy import load_taxonomy
from . import charts

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
        a = comp.analysis(name)
        ranking.append({"rank": rank, "name": name, "index": comp.names.index(name), "score": f"{score:g}",
                        "high": sum(f.severity == "high" for f in a.findings),
                        "medium": sum(f.severity == "medium" for f in a.findings),
                        "low": sum(f.severity == "low" for f in a.findings),
                        "protections": len(a.protections), "issues": len(a.issues), "source": a.document.source})
    matrix = []
    for cat in comp.categories:
        cells = []
        for n in comp.names:
            cell = comp.matrix[(cat, n)]
            a = comp.analysis(n)
            cells.append({"colour": _colour(cell.score, bool(cell.clause_ids)), "findings": len(cell.findings),
                          "clauses": [{"label": a.clause(i).label or i, "text": a.clause(i).text}
                                      for i in cell.clause_ids]})
        matrix.append({"label": tax.label(cat), "cells": cells})
    details = []
    for i, n in enumerate(comp.names):
        a = comp.analysis(n)
        details.append({
            "index": i, "name": n, "score": f"{a.risk_score:g}", "source": a.document.source,
            "findings": [{"severity": f.severity, "severity_cn": SEVERITY_CN[f.severity], "label": book.label(f.flag),
                          "mutual": f.mutual, "clause": a.clause(f.clause_id).label, "quote": f.quote,
                          "explanation": f.explanation}
                         for f in sorted(a.findings, key=lambda f: ("high", "medium", "low").index(f.severity))],
            "protections": [f"{book.label(p.code)}：{p.quote}" for p in a.protections]})
    d = book.defaults
    return {
        "vendors": list(comp.names), "ranking": ranking,
        "charts": [{"title": CHART_TITLES[k], "data": png_base64(fig)} for k, fig in figures.items()],
        "warnings": [{"vendor": n, "code": i.code, "message": i.message} for n in comp.names
                     for i in comp.analysis(n).issues],
        "term_labels": [TERM_LABELS[k] for k in TERM_KEYS],
        "terms": [{"name": n, "values": [None if v is None else f"{v:g}"
                                         for v in (getattr(comp.analysis(n).terms, k) for k in TERM_KEYS)]}
                  for n in comp.names],
        "matrix": matrix, "details": details,
        "weights": d["severity_weights"], "mutual": d["mutual_factor"], "offset": d["protection_offset"],
        "scale": d["risk_scale"], "screen": d["penalty_screen_pct"],
    }


def render_html(comp: Comparison, figures: dict | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("analyzer", "resources/templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True))
    return env.get_template("report.html.j2").render(**context(comp, figures))
