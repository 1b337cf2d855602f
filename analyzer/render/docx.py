"""A negotiation brief as a Word document."""
from __future__ import annotations

from ..brief import Brief
from ..rules import SEVERITY_CN


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
    if b.issues:
        d.add_heading("文件问题（签署前先核实）", level=2)
        for i in b.issues:
            d.add_paragraph(i, style="List Bullet")
    d.add_heading("需要谈判的条款（按严重程度）", level=2)
    if not b.points:
        d.add_paragraph("未发现明显不利于客户的条款。")
    for k, p in enumerate(b.points, 1):
        d.add_heading(f"{k}. {p.label}（{SEVERITY_CN[p.severity]}）{' · 双方对等' if p.mutual else ''}", level=3)
        for label, value in (("条款", p.clause), ("原文", f"「{p.quote}」"), ("为什么重要", p.why),
                             ("法律依据", p.legal), ("提出修改", p.ask), ("退而求其次", p.fallback),
                             ("市场参照", p.reference)):
            if not value:
                continue
            para = d.add_paragraph()
            para.add_run(f"{label}：").bold = True
            para.add_run(value)
    if b.protections:
        d.add_heading("已有的保护性条款（保留）", level=2)
        for p in b.protections:
            d.add_paragraph(p, style="List Bullet")
    d.core_properties.title = f"谈判要点：{b.name}"
    d.save(str(path))
