"""Write every output of a comparison into one folder (and nowhere else), and own what is written:
the folder's manifest lists the files of the last report, so a rerun removes the ones it no
longer writes (a vendor gone, a brief renamed) and nothing else."""
from __future__ import annotations

import csv
import json
import logging
import os
from pathlib import Path, PurePosixPath

from .. import frames
from ..brief import brief
from ..comparison import Comparison
from ..errors import AnalyzerError
from ..redline import redline
from . import charts
from .docx import brief_docx
from .excel import write_excel
from .html import render_html
from .markdown import brief_md, comparison_md
from .safe import cell, inside, slug

MANIFEST = ".analyzer-manifest.json"  # {"files": [paths within the folder]} of the last report
# what a report writes under names that change from run to run: without a manifest, such files
# not written again are reported, never removed
LEFTOVERS = ("briefs/*.md", "briefs/*.docx", "charts/*.png", "charts/*.svg")
log = logging.getLogger(__name__)


def _csv(df, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([cell(str(c)) for c in df.columns])
        for row in df.itertuples(index=False):
            w.writerow(["" if v is None or v != v else cell(v) for v in row])


def brief_paths(comp: Comparison) -> dict[str, str]:
    """Vendor name → file stem of its brief, e.g. 01_深圳市某某科技有限公司."""
    return {n: f"{comp.position(n):02d}_{slug(n)}" for n in comp.names}


def write_all(comp: Comparison, out: str | Path, *, redlines: bool = False) -> list[Path]:
    """report.html, comparison.xlsx/.md, briefs, charts, CSVs and results.json; returns the files.
    ``redlines``: also each vendor's contract marked up for the vendor, next to its brief.

    The files of the previous report listed in the folder's manifest and not written again are
    removed; a folder without a manifest loses nothing (its leftover briefs and charts are named
    in a warning). Then the manifest lists this report's files."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    before = _manifest(out)
    written = _write_outputs(comp, out)
    if redlines:
        written += _write_redlines(comp, out)
    names = sorted(p.relative_to(out.resolve()).as_posix() for p in written)
    if before is None:
        _warn_leftovers(out, names)
    else:
        _remove_stale(out, set(before) - set(names))
    _save_manifest(out, names)
    return written


def _write_outputs(comp: Comparison, out: Path) -> list[Path]:
    import matplotlib
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


def _write_redlines(comp: Comparison, out: Path) -> list[Path]:
    """briefs/NN_vendor.redline.docx per vendor; a contract that cannot be marked up is named in a
    warning and the others are still written."""
    written = []
    for name, stem in brief_paths(comp).items():
        path = inside(out, f"briefs/{stem}.redline.docx")
        try:
            redline(comp.analysis(name).document.source, path, comparison=comp, name=name,
                    author=comp.playbook.team or "analyzer")
        except AnalyzerError as e:
            log.warning("%s", e)
            continue
        written.append(path)
    return written


def _manifest(out: Path) -> list[str] | None:
    """The files the folder's last report wrote; None when the folder has no manifest."""
    path = out / MANIFEST
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError):
        files = None
    if not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
        log.warning("%s: not a manifest this analyzer can read; no file of the earlier report is removed", path)
        return []
    return files


def _remove_stale(out: Path, names: set[str]) -> None:
    """Remove the files of an earlier report named in its manifest: regular files inside ``out``
    only (a name that leads outside, or to a link, is left alone)."""
    for name in sorted(names):
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or name == MANIFEST:
            continue
        try:
            path = inside(out, str(rel.parent)) / rel.name  # no folder on the way leads outside
        except AnalyzerError:
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()


def _warn_leftovers(out: Path, names: list[str]) -> None:
    now = set(names)
    left = sorted({p.relative_to(out).as_posix() for pattern in LEFTOVERS for p in out.glob(pattern)} - now)
    if left:
        log.warning("%s: %d file(s) of an earlier report were left as they are, e.g. %s (the folder has no %s "
                    "to say which files are the analyzer's); delete them by hand", out, len(left), left[0], MANIFEST)


def _save_manifest(out: Path, names: list[str]) -> None:
    tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"written_by": "analyzer compare", "files": names}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
