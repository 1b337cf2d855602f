"""Write every output of a comparison into one folder (and nowhere else)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .. import frames
from ..brief import brief
from ..comparison import Comparison
from . import charts
from .docx import brief_docx
from .excel import write_excel
from .html import render_html
from .markdown import brief_md, comparison_md
from .safe import cell, inside, slug


def _csv(df, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(df.columns))
        for row in df.itertuples(index=False):
            w.writerow(["" if v is None or v != v else cell(v) for v in row])


def brief_paths(comp: Comparison) -> dict[str, str]:
    """Vendor name → file stem of its brief, e.g. 01_深圳市某某科技有限公司."""
    return {n: f"{comp.position(n):02d}_{slug(n)}" for n in comp.names}


def write_all(comp: Comparison, out: str | Path) -> list[Path]:
    """report.html, comparison.xlsx/.md, briefs, charts, CSVs and results.json; returns the files."""
    import matplotlib
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def target(name: str) -> Path:
        p = inside(out, name)
        p.parent.mkdir(parents=True, exist_ok=True)
        written.append(p)
        return p

    figures = {k: fn(comp) for k, fn in charts.CHARTS.items()}
    with matplotlib.rc_context({"svg.hashsalt": "analyzer", "svg.fonttype": "path"}):
        for k, fig in figures.items():
            fig.savefig(target(f"charts/{k}.png"))
            fig.savefig(target(f"charts/{k}.svg"), metadata={"Date": None})
    target("report.html").write_text(render_html(comp, figures), encoding="utf-8")
    write_excel(comp, target("comparison.xlsx"))
    target("comparison.md").write_text(comparison_md(comp), encoding="utf-8")
    for name, stem in brief_paths(comp).items():
        b = brief(comp, name)
        target(f"briefs/{stem}.md").write_text(brief_md(b), encoding="utf-8")
        brief_docx(b, target(f"briefs/{stem}.docx"))
    _csv(frames.all_findings(comp), target("findings.csv"))
    _csv(frames.all_clauses(comp), target("clauses.csv"))
    results = {"contracts": [a.to_dict() for a in comp.analyses]}
    target("results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    for fig in figures.values():
        fig.clear()
    return written
