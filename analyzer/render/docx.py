"""A negotiation brief as a Word document."""
from __future__ import annotations

from ..brief import NOTHING_FOUND, SECTIONS, Brief
from ..vocabulary import MUTUAL


def brief_docx(b: Brief, path) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading(f"谈判要点：{b.name}", level=1)
    d.add_paragraph(f"来源文件：{b.source}")
    d.add_paragraph(b.summary)
    _bullets(d, SECTIONS["cost"], [f"{k}：{v}" for k, v in b.cost])
    _bullets(d, SECTIONS["positions"], b.positions)
    _bullets(d, SECTIONS["issues"], b.issues)
    _bullets(d, SECTIONS["contradictions"], b.contradictions)
    d.add_heading(SECTIONS["points"], level=2)
    if not b.points:
        d.add_paragraph(NOTHING_FOUND)
    for k, p in enumerate(b.points, 1):
        d.add_heading(f"{k}. {p.label}（{p.severity_label}）{' · ' + MUTUAL if p.mutual else ''}", level=3)
        for label, value in (("条款", p.clause), ("原文", f"「{p.quote}」"), ("为什么重要", p.why),
                             ("法律依据", p.legal), ("提出修改", p.ask), ("退而求其次", p.fallback),
                             ("市场参照", p.reference)):
            if value:
                para = d.add_paragraph()
                para.add_run(f"{label}：").bold = True
                para.add_run(value)
    _bullets(d, SECTIONS["additions"], [f"{a.label}：{a.ask}" + (f"（参照：{a.reference}）" if a.reference else "")
                                        for a in b.additions])
    _bullets(d, SECTIONS["regulatory"], [f"{p.label}（{p.clause}）：「{p.quote}」" for p in b.regulatory])
    _bullets(d, SECTIONS["protections"], b.protections)
    d.core_properties.title = f"谈判要点：{b.name}"
    d.save(str(path))


def _bullets(d, title: str, items) -> None:
    if items:
        d.add_heading(title, level=2)
        for item in items:
            d.add_paragraph(item, style="List Bullet")
