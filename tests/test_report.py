"""`analyzer compare` outputs, read back with real readers; escaping and safe names."""
import csv
import json
import warnings

import pytest
from click.testing import CliRunner

import analyzer
from analyzer.brief import market_reference
from analyzer.cli import main
from analyzer.comparison import compare
from analyzer.render.charts import CHARTS
from analyzer.render.excel import SHEETS
from analyzer.render.safe import md as escape_md

HOSTILE = """服务协议
甲方：<script>alert('x')</script>某某公司| **粗体** [链接](http://example.invalid)
乙方：../../etc/x
=HYPERLINK("http://example.invalid","点我")
一、乙方向甲方提供呼叫中心服务。
二、已付费用不予退还。
三、乙方有权立即停止服务。
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory, sample_paths):
    d = tmp_path_factory.mktemp("report")
    r = CliRunner().invoke(main, ["compare", str(sample_paths[0].parent), "--out", str(d)])
    assert r.exit_code == 0, r.output
    return d


@pytest.fixture(scope="module")
def comparison(sample_analyses):
    return compare(sample_analyses)


def test_every_output_is_written(out, comparison):
    for name in ("report.html", "comparison.xlsx", "comparison.md", "findings.csv", "clauses.csv", "results.json"):
        assert (out / name).stat().st_size > 0, name
    for chart in ("heatmap", "risk", "terms", "coverage"):
        assert (out / "charts" / f"{chart}.png").stat().st_size > 1000
        assert (out / "charts" / f"{chart}.svg").read_text(encoding="utf-8").startswith("<?xml")
    briefs = sorted((out / "briefs").iterdir())
    assert len([b for b in briefs if b.suffix == ".md"]) == len(comparison.names) == 5
    assert len([b for b in briefs if b.suffix == ".docx"]) == 5


def test_excel_reads_back(out, comparison):
    from openpyxl import load_workbook
    wb = load_workbook(out / "comparison.xlsx")
    assert wb.sheetnames == list(SHEETS.values()) == ["总览", "类别矩阵", "风险发现", "商务条款", "可比成本",
                                                      "立场对照", "缺失条款", "条款矛盾", "条款"]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2") and ws.auto_filter.ref
    findings = wb[SHEETS["findings"]]
    header = [c.value for c in findings[1]]
    assert {"供应商", "严重程度", "名称", "原文", "说明"} <= set(header)
    assert not {"vendor", "severity", "quote"} & set(header)  # no internal names in a workbook for people
    sev = header.index("严重程度")
    rows = list(findings.iter_rows(min_row=2))
    assert len(rows) == sum(len(a.findings) for a in comparison.analyses)
    assert {r[sev].value for r in rows} <= {"高", "中", "低"}
    high = next(r for r in rows if r[sev].value == "高")
    assert high[0].fill.fgColor.rgb.endswith("F4B6B0")
    from openpyxl.utils import get_column_letter
    assert findings.column_dimensions[get_column_letter(header.index("原文") + 1)].width >= 30
    assert high[header.index("原文")].alignment.wrap_text
    clauses = wb[SHEETS["clauses"]]
    category = [c.value for c in clauses[1]].index("类别")
    assert "当事人信息" in {r[category].value for r in clauses.iter_rows(min_row=2)}  # not the code "parties"
    overview = [r[1].value for r in wb[SHEETS["overview"]].iter_rows(min_row=2)]
    assert overview == [n for _, n, _ in comparison.ranking()]


def test_brief_docx_reads_back(out, comparison):
    import docx
    top = comparison.ranking()[0][1]
    path = next((out / "briefs").glob("01_*.docx"))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert top in text
    for label in ("原文：", "为什么重要：", "提出修改：", "退而求其次：", "市场参照："):
        assert label in text


def test_brief_has_a_market_reference_quoting_another_vendor(out, comparison):
    path = next((out / "briefs").glob("01_*.md"))
    text = path.read_text(encoding="utf-8")
    others = [n for n in comparison.names if n != comparison.ranking()[0][1]]
    refs = [l for l in text.splitlines() if l.startswith("- **市场参照**")]
    assert refs and any(any(o.replace("_", "\\_") in r for o in others) and "「" in r for r in refs)
    assert "并非法律标准" in (out / "report.html").read_text(encoding="utf-8")


def test_a_clause_quoted_as_lacking_the_point_is_about_the_same_thing(comparison):
    seen = 0
    for name in comparison.names:
        for f in comparison.analysis(name).findings:
            ref = market_reference(comparison, name, f)
            if "的对应条款" not in ref:
                continue
            other = ref.split(" 的对应条款", 1)[0]
            clause = comparison.analysis(other).clause(comparison.counterparts[(name, f.clause_id)][other][0])
            assert f.category == clause.category or f.category in clause.categories, ref
            seen += 1
    assert seen  # the samples do give such references


def test_csv_has_bom_and_results_json_is_the_spec(out):
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((out / "clauses.csv").open(encoding="utf-8-sig")))
    assert rows and {"vendor", "id", "text", "category"} <= set(rows[0])
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(doc["contracts"]) == 5 and all("risk_score" in c for c in doc["contracts"])


def test_charts_never_miss_a_glyph(comparison):
    import io
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        for fn in CHARTS.values():
            fig = fn(comparison)
            fig.savefig(io.BytesIO(), format="png")
            fig.savefig(io.BytesIO(), format="svg")


def test_charts_leave_the_users_matplotlib_settings_alone(comparison):
    import matplotlib
    before = dict(matplotlib.rcParams)
    for fn in CHARTS.values():
        fn(comparison).savefig(__import__("io").BytesIO(), format="png")
    assert dict(matplotlib.rcParams) == before


def test_an_analysts_own_chart_draws_chinese_and_the_settings_come_back(comparison):
    import io
    import matplotlib
    from matplotlib.figure import Figure
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph fails the test
        with analyzer.chinese_plots():
            fig = Figure()
            ax = fig.add_subplot()
            ax.barh(list(comparison.names), [a.risk_score for a in comparison.analyses])
            ax.set_title("各供应商风险分")
        fig.savefig(io.BytesIO(), format="png")
    assert dict(matplotlib.rcParams) == before


def test_missing_glyph_would_be_caught():
    from matplotlib.figure import Figure
    import io
    fig = Figure()
    fig.text(0.5, 0.5, "\U0001D11E\U00010348", family="DejaVu Sans")  # symbols no font here has
    with pytest.raises(UserWarning, match="missing"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(io.BytesIO(), format="png")


def test_hostile_names_are_escaped_and_files_stay_inside(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    before = (src / "hostile.txt").read_bytes()
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["compare", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for p in out.rglob("*"):
        assert out.resolve() in p.resolve().parents
    assert not (tmp_path / "etc").exists()
    assert (src / "hostile.txt").read_bytes() == before
    md = (out / "comparison.md").read_text(encoding="utf-8")
    assert "<script>" not in md
    brief = next((out / "briefs").glob("*.md")).read_text(encoding="utf-8")
    for text in (md, brief):
        assert "](http" not in text and "**粗体**" not in text
    cell = escape_md("某某公司| **粗体** [链接](http://x)\n# 标题", table=True)
    assert "\\|" in cell and "\\*\\*粗体\\*\\*" in cell and "\\[链接\\]" in cell and "\n" not in cell
    from openpyxl import load_workbook
    cells = [c.value for row in load_workbook(out / "comparison.xlsx")[SHEETS["clauses"]].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in cells)
    csv_text = (out / "clauses.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text


def test_library_api_gives_dataframes_and_figures(sample_paths):
    import pandas as pd
    from matplotlib.figure import Figure
    a = analyzer.analyze(sample_paths[0])
    assert isinstance(a.clauses, pd.DataFrame) and isinstance(a.findings, pd.DataFrame)
    assert isinstance(a.terms, pd.DataFrame) and "<h4>" in a._repr_html_()
    c = analyzer.compare(sample_paths[0].parent)
    for frame in (c.matrix, c.findings, c.terms, c.ranking):
        assert isinstance(frame, pd.DataFrame) and len(frame)
    for fig in (c.heatmap(), c.risk_chart(), c.terms_chart(), c.coverage_chart()):
        assert isinstance(fig, Figure)
    assert c.brief(c.names[0]).startswith("# 谈判要点")
    assert "<html" in c.to_html() and "<table" in c._repr_html_()
