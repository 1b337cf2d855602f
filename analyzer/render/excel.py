"""The comparison as an Excel workbook for people: sheets 总览, 类别矩阵, 风险发现, 商务条款, 可比成本,
立场对照, 缺失条款, 条款矛盾, 条款, with Chinese headers and values (``frames.for_people``)."""
from __future__ import annotations

from .. import frames
from ..comparison import Comparison
from .safe import cell

FILLS = {"high": "F4B6B0", "medium": "F9D9A8", "low": "FBF1B5"}
SHEETS = {"overview": "总览", "matrix": "类别矩阵", "findings": "风险发现", "terms": "商务条款", "cost": "可比成本",
          "positions": "立场对照", "missing": "缺失条款", "contradictions": "条款矛盾", "clauses": "条款"}
WIDTHS = {"ask": 60, "first_quote": 50, "second_quote": 50, "text": 80, "quote": 60, "explanation": 80,
          "message": 80, "legal_basis": 40, "path": 30,
          "clause": 30, "vendor": 28, "source": 40, "categories": 30}


def _score_fill(score: float) -> str:
    if score >= 0.6:
        return "E74C3C"
    if score >= 0.2:
        return "F5B041"
    if score <= -0.2:
        return "82E0AA"
    return "FDFEFE"


def _value(v):
    """A cell's value: lists joined, NaN empty, and never a formula (``safe.cell``)."""
    if isinstance(v, (list, tuple)):
        return cell(", ".join(map(str, v)))
    return cell(None if v != v else v)  # v != v: NaN


def write_excel(comp: Comparison, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    wb = Workbook()
    sheets = [
        (SHEETS["overview"], frames.ranking(comp).reset_index()),
        (SHEETS["matrix"], frames.matrix(comp).reset_index()),
        (SHEETS["findings"], frames.all_findings(comp)),
        (SHEETS["terms"], frames.terms_table(comp).reset_index()),
        (SHEETS["cost"], frames.cost_table(comp).reset_index()),
        (SHEETS["positions"], frames.positions_table(comp)),
        (SHEETS["missing"], frames.all_missing_terms(comp)),
        (SHEETS["contradictions"], frames.all_contradictions(comp)),
        (SHEETS["clauses"], frames.all_clauses(comp)),
    ]
    wb.remove(wb.active)
    for title, raw in sheets:
        ws = wb.create_sheet(title)
        df = frames.for_people(raw, comp.words)
        ws.append([cell(str(c)) for c in df.columns])  # the matrix's columns are vendors' names
        for row in df.itertuples(index=False):
            ws.append([_value(v) for v in row])
        for c in ws[1]:
            c.font = Font(bold=True)
        matrix = title == SHEETS["matrix"]
        ws.freeze_panes = "B2" if matrix else "A2"
        ws.auto_filter.ref = ws.dimensions
        for j, col in enumerate(raw.columns, 1):
            width = WIDTHS.get(str(col), 14 if not matrix or j == 1 else 22)
            ws.column_dimensions[get_column_letter(j)].width = width
            if width >= 30:
                for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    c.alignment = Alignment(wrap_text=True, vertical="top")
        if title == SHEETS["findings"] and len(df):
            for row, severity in zip(ws.iter_rows(min_row=2), raw["severity"]):
                for c in row:
                    c.fill = PatternFill("solid", fgColor=FILLS[str(severity)])
        if matrix:
            for row in ws.iter_rows(min_row=2, min_col=2):
                for c in row:
                    if isinstance(c.value, (int, float)):
                        c.fill = PatternFill("solid", fgColor=_score_fill(c.value))
                        c.number_format = "0.00"
    wb.properties.title = "供应商合同风险对比"
    wb.save(str(path))
