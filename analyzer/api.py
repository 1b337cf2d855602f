"""The library API for notebooks and scripts: results as DataFrames, charts as Figures."""
from __future__ import annotations

from html import escape
from pathlib import Path

from . import frames
from .model import Analysis
from .settings import Settings


class ContractAnalysis:
    """One analyzed contract. ``clauses``, ``findings``, ``protections``, ``second_opinion`` (what only
    the learned model found), ``issues``, ``terms``, ``missing_terms`` and ``contradictions`` are
    DataFrames; ``model`` is the underlying
    Analysis record."""

    def __init__(self, model: Analysis):
        self.model = model

    vendor = property(lambda self: self.model.vendor)
    customer = property(lambda self: self.model.customer)
    risk_score = property(lambda self: self.model.risk_score)
    source = property(lambda self: self.model.document.source)
    clauses = property(lambda self: frames.clauses(self.model))
    findings = property(lambda self: frames.findings(self.model))
    protections = property(lambda self: frames.protections(self.model))
    second_opinion = property(lambda self: frames.second_opinion(self.model))
    issues = property(lambda self: frames.issues(self.model))
    terms = property(lambda self: frames.terms(self.model))
    missing_terms = property(lambda self: frames.missing_terms(self.model))
    contradictions = property(lambda self: frames.contradictions(self.model))

    def to_dict(self) -> dict:
        return self.model.to_dict()

    def __repr__(self) -> str:
        return (f"<ContractAnalysis {self.model.name!r}: risk {self.risk_score:g}, "
                f"{len(self.model.findings)} findings, {len(self.model.clauses)} clauses>")

    def _repr_html_(self) -> str:
        f = self.findings[["severity", "label", "clause", "quote"]]
        return (f"<h4>{escape(self.model.name)} · 风险分 {self.risk_score:g}</h4>"
                f"<p>供应商：{escape(self.vendor or '—')}；客户：{escape(self.customer or '—')}</p>"
                + f.to_html(index=False, escape=True))


class VendorComparison:
    """Several analyzed contracts side by side."""

    def __init__(self, comparison):
        self.model = comparison

    names = property(lambda self: list(self.model.names))
    ranking = property(lambda self: frames.ranking(self.model))
    matrix = property(lambda self: frames.matrix(self.model))
    findings = property(lambda self: frames.all_findings(self.model))
    protections = property(lambda self: frames.all_protections(self.model))
    clauses = property(lambda self: frames.all_clauses(self.model))
    terms = property(lambda self: frames.terms_table(self.model))
    cost = property(lambda self: frames.cost_table(self.model))
    positions = property(lambda self: frames.positions_table(self.model))
    issues = property(lambda self: frames.all_issues(self.model))

    def contract(self, vendor: str) -> ContractAnalysis:
        return ContractAnalysis(self.model.analysis(vendor))

    # charts: each returns a matplotlib Figure
    def heatmap(self):
        from .render.charts import risk_heatmap
        return risk_heatmap(self.model)

    def risk_chart(self):
        from .render.charts import risk_bars
        return risk_bars(self.model)

    def terms_chart(self):
        from .render.charts import terms_chart
        return terms_chart(self.model)

    def coverage_chart(self):
        from .render.charts import coverage_chart
        return coverage_chart(self.model)

    def brief(self, vendor: str) -> str:
        """The vendor's negotiation brief as Markdown."""
        from .brief import brief
        from .render.markdown import brief_md
        return brief_md(brief(self.model, self._name(vendor)))

    def to_html(self, path: str | Path | None = None) -> str:
        """The one-file HTML report; written to ``path`` when given."""
        from .render.html import render_html
        html = render_html(self.model)
        if path is not None:
            Path(path).write_text(html, encoding="utf-8")
        return html

    def to_excel(self, path: str | Path) -> Path:
        from .render.excel import write_excel
        write_excel(self.model, path)
        return Path(path)

    def write(self, out: str | Path) -> list[Path]:
        """Every output (as `analyzer compare --out`)."""
        from .render.report import write_all
        return write_all(self.model, out)

    def _name(self, vendor: str) -> str:
        if vendor in self.model.names:
            return vendor
        hits = [n for n in self.model.names if vendor in n]
        if len(hits) != 1:
            from .errors import SettingsError
            raise SettingsError(f"vendor {vendor!r} is not one of: {', '.join(self.model.names)}")
        return hits[0]

    def __repr__(self) -> str:
        return f"<VendorComparison of {len(self.names)} contracts>"

    def _repr_html_(self) -> str:
        return ("<h4>供应商合同风险对比</h4>" + self.ranking.to_html(escape=True)
                + "<h5>商务条款</h5>" + self.terms.to_html(escape=True, na_rep="未约定"))


def analyze(path, settings: Settings | dict | None = None) -> ContractAnalysis:
    from .pipeline import analyze as run
    return ContractAnalysis(run(path, settings))


def compare(paths, settings: Settings | dict | None = None, *, exclude=()) -> VendorComparison:
    """Analyze every contract in ``paths`` (files or folders) and compare them; ``exclude``
    leaves out files inside the folders (glob patterns, see ``pipeline.expand``); a ``playbook``
    in the settings gives each vendor's positions (``.positions``).

    Bad files raise their InputError; use the CLI to skip them and go on."""
    from .comparison import compare as build
    from .pipeline import analyze as run, expand
    from .playbook import of as playbook_of
    if isinstance(paths, (str, Path)):
        paths = [paths]
    s = Settings.resolve(settings)
    book = playbook_of(s.playbook)  # a playbook path is read once, for every contract
    s = Settings.resolve(s, playbook=book)
    return VendorComparison(build([run(p, s) for p in expand(paths, exclude)], playbook=book))
