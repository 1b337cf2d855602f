"""The comparison as an Excel workbook: Overview, Matrix, Findings, Terms, Cost (like for like),
Positions (the playbook's), Missing (expected terms a contract leaves out), Contradictions,
Clauses."""
from __future__ import annotations

from .. import frames
from ..comparison import Comparison
from .safe import cell

FILLS = {"high": "F4B6B0", "medium": "F9D9A8", "low": "FBF1B5"}
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
        ("Overview", frames.ranking(comp).reset_index()),
        ("Matrix", frames.matrix(comp).reset_index()),
        ("Findings", frames.all_findings(comp)),
        ("Terms", frames.terms_table(comp).reset_index()),
        ("Cost", frames.cost_table(comp).reset_index()),
        ("Positions", frames.positions_table(comp)),
        ("Missing", frames.all_missing_terms(comp)),
        ("Contradictions", frames.all_contradictions(comp)),
        ("Clauses", frames.all_clauses(comp)),
    ]
    wb.remove(wb.active)
    for title, df in sheets:
        ws = wb.create_sheet(title)
        ws.append([cell(str(c)) for c in df.columns])  # the Matrix sheet's columns are vendors' names
        for row in df.itertuples(index=False):
            ws.append([_value(v) for v in row])
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "B2" if title == "Matrix" else "A2"
        ws.auto_filter.ref = ws.dimensions
        for j, col in enumerate(df.columns, 1):
            width = WIDTHS.get(str(col), 14 if title != "Matrix" or j == 1 else 22)
            ws.column_dimensions[get_column_letter(j)].width = width
            if width >= 30:
                for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    c.alignment = Alignment(wrap_text=True, vertical="top")
        if title == "Findings" and len(df):
            sev_col = list(df.columns).index("severity")
            for row in ws.iter_rows(min_row=2):
                fill = FILLS.get(row[sev_col].value)
                if fill:
                    for c in row:
                        c.fill = PatternFill("solid", fgColor=fill)
        if title == "Matrix":
            for row in ws.iter_rows(min_row=2, min_col=2):
                for c in row:
                    if isinstance(c.value, (int, float)):
                        c.fill = PatternFill("solid", fgColor=_score_fill(c.value))
                        c.number_format = "0.00"
    wb.properties.title = "供应商合同风险对比"
    wb.save(str(path))
