"""analyzer: compare vendors' Chinese service contracts and score one-sided terms.

Public API: ``analyze(path)``, ``compare(paths)``, ``load(path)``, ``Settings``, and
``chinese_plots()`` for your own charts of the results.
"""
from __future__ import annotations

from .settings import Settings

__all__ = ["analyze", "compare", "load", "chinese_plots", "Settings"]


def analyze(path, settings=None):
    """Analyze one contract file → ContractAnalysis (clauses, findings, terms as DataFrames)."""
    from .api import analyze as _analyze
    return _analyze(path, settings)


def compare(paths, settings=None):
    """Analyze and compare contracts (files or folders) → VendorComparison."""
    from .api import compare as _compare
    return _compare(paths, settings)


def load(path, *, max_bytes: int = 20 * 2**20):
    """Read one file → Document (text, format, sha256)."""
    from .load import load as _load
    return _load(path, max_bytes=max_bytes)


def chinese_plots():
    """A matplotlib context in which your own charts draw Chinese with the font the package ships
    (no CJK font needed on the machine); your settings are back when it ends:
    ``with analyzer.chinese_plots(): comparison.ranking.plot.barh(y="risk_score")``."""
    from .render.charts import chinese_style
    return chinese_style()
