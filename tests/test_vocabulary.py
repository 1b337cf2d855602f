"""One vocabulary for every output: no bare codes where people read, renderers apart from the
rule engine, severities that sort, charts that read (contrast, rank order)."""
import ast
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

import analyzer
from analyzer import frames
from analyzer.checks import ISSUE_LABELS
from analyzer.cli import main
from analyzer.comparison import compare
from analyzer.contradictions import DOCUMENT_KINDS
from analyzer.expected import labels as expected_labels
from analyzer.playbook import STATUS_CN, Playbook
from analyzer.render import charts
from analyzer.render.report import write_all
from analyzer.rules import rulebook
from analyzer.taxonomy import load_taxonomy
from analyzer.vocabulary import SEVERITY_ORDER, TERM_LABELS, vocabulary

ROOT = Path(__file__).resolve().parent.parent
RULE_ENGINE = {"rules", "score", "checks", "taxonomy", "reading", "measures", "align", "segment", "tokens", "learn",
               "terms", "parties", "contradictions", "expected", "playbook", "literals", "numerals", "normalize",
               "pipeline", "distinct", "load"}
# workbook columns that hold codes for machines, beside the words people read
CODE_COLUMNS = {"风险代码", "代码", "对照代码", "规则", "条款代号", "类型", "期限等细节"}


def codes() -> set[str]:
    """Every internal code a person should never read bare."""
    book = rulebook()
    out = set(book.flags) | set(load_taxonomy().ids) | set(SEVERITY_ORDER) | set(ISSUE_LABELS)
    out |= set(TERM_LABELS) | set(expected_labels()) | set(STATUS_CN) | set(DOCUMENT_KINDS)
    return out - {"general"}


BARE = None


def bare(text: str) -> list[str]:
    global BARE
    BARE = BARE or re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(codes(), key=len, reverse=True))
                              + r")(?![A-Za-z0-9_])")
    return sorted({m.group(1) for m in BARE.finditer(text)})


@pytest.fixture(scope="module")
def comparison(sample_analyses):
    return compare(sample_analyses)


@pytest.fixture(scope="module")
def written(comparison, tmp_path_factory):
    out = tmp_path_factory.mktemp("vocabulary")
    write_all(comparison, out)
    return out


def visible_text(page: str) -> str:
    tree = lxml_html.fromstring(page)
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return tree.text_content()


def test_the_detector_finds_a_bare_code():
    assert bare("风险：non_refundable，类别 payment") == ["non_refundable", "payment"]
    assert bare("已付费用不予退还") == []


def test_no_bare_code_in_the_html_or_markdown(written):
    assert bare(visible_text((written / "report.html").read_text(encoding="utf-8"))) == []
    for path in [written / "comparison.md", *sorted((written / "briefs").glob("*.md"))]:
        assert bare(path.read_text(encoding="utf-8")) == [], path.name


def test_no_bare_code_in_the_briefs_docx(written):
    import docx
    for path in sorted((written / "briefs").glob("*.docx")):
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        assert bare(text) == [], path.name


def test_no_bare_code_in_the_workbook_outside_its_code_columns(written):
    from openpyxl import load_workbook
    wb = load_workbook(written / "comparison.xlsx")
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = rows[0]
        assert bare(" ".join(str(h) for h in header)) == [], ws.title
        for row in rows[1:]:
            words = " ".join(str(v) for h, v in zip(header, row) if v is not None and h not in CODE_COLUMNS)
            assert bare(words) == [], (ws.title, row)


def test_renderers_import_nothing_of_the_rule_engine():
    for path in sorted((ROOT / "analyzer" / "render").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                names = [node.module] if node.module else [a.name for a in node.names]
                assert not set(n.split(".")[0] for n in names) & RULE_ENGINE, (path.name, names)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("analyzer."):
                assert node.module.split(".")[1] not in RULE_ENGINE, (path.name, node.module)


def test_severity_sorts_high_medium_low_in_every_dataframe(comparison, sample_analyses):
    tables = [frames.all_findings(comparison), frames.findings(sample_analyses[0]),
              analyzer.compare([a.document.source for a in sample_analyses]).findings,
              analyzer.analyze(sample_analyses[0].document.source).findings]
    for df in tables:
        assert df["severity"].cat.ordered
        ordered = df.sort_values("severity", ascending=False)["severity"].astype(str).tolist()
        assert ordered == sorted(ordered, key=SEVERITY_ORDER.index)
        assert ordered[0] == "high"


def test_a_playbook_s_thresholds_are_what_the_report_says(sample_analyses, tmp_path):
    pb = Playbook(source="team.yaml", thresholds={"max_penalty_pct": 12.0})
    comp = compare(sample_analyses, playbook=pb, with_counterparts=False)
    assert comp.words.scoring["penalty_screen_pct"] == 12.0
    assert vocabulary().scoring["penalty_screen_pct"] != 12.0
    write_all(comp, tmp_path)
    assert "违约金达到合同金额 12% 即标记" in visible_text((tmp_path / "report.html").read_text(encoding="utf-8"))


def test_parquet_and_dataframe_columns_come_from_one_spec(tmp_path, sample_paths):
    import pyarrow.parquet as pq
    from click.testing import CliRunner
    r = CliRunner().invoke(main, ["batch", str(sample_paths[0].parent), "--out", str(tmp_path / "b"), "--no-model"])
    assert r.exit_code == 0, r.output
    a = analyzer.analyze(sample_paths[0])
    for table, df in (("findings", a.findings), ("clauses", a.clauses), ("protections", a.protections)):
        parquet = pq.read_schema(next((tmp_path / "b").glob(f"{table}.parquet"))).names
        assert set(df.columns) - {"vendor", "issue", "label"} == set(parquet) - {"sha256", "source"}, table
    assert {"legal_basis", "details", "regulatory"} <= set(pq.read_schema(tmp_path / "b" / "findings.parquet").names)


def test_notebooks_use_only_public_names():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert not re.search(r"\._[A-Za-z]|import _|\b_[a-z]\w*\(", code), path.name


# -- charts -------------------------------------------------------------------------------------

def _cell_texts(fig):
    """(text, text colour, cell colour) of every label drawn on an image's cells."""
    ax = fig.axes[0]
    im = ax.images[0]
    rgba = im.to_rgba(im.get_array())
    for t in ax.texts:
        x, y = t.get_position()
        yield t.get_text(), t.get_color(), rgba[int(round(y)), int(round(x))]


@pytest.mark.parametrize("chart", [charts.risk_heatmap, charts.coverage_chart])
def test_numbers_on_cells_have_wcag_contrast(comparison, chart):
    from matplotlib.colors import to_rgb
    fig = chart(comparison)
    drawn = list(_cell_texts(fig))
    assert drawn
    for text, colour, cell in drawn:
        assert charts.contrast(to_rgb(colour), cell[:3]) >= 4.5, (text, colour, cell)


def test_not_covered_is_not_neutral(comparison):
    fig = charts.risk_heatmap(comparison)
    im = fig.axes[0].images[0]
    neutral = im.cmap(im.norm(0.0))
    silent = [cell for text, _, cell in _cell_texts(fig) if text == "未约定"]
    assert silent and all(charts.contrast(cell[:3], neutral[:3]) > 1.5 for cell in silent)


def test_every_chart_is_in_rank_order(comparison):
    order = [n for _, n, _ in comparison.ranking()]
    assert list(comparison.names) == order
    for chart in (charts.risk_heatmap, charts.coverage_chart, charts.terms_chart):
        fig = chart(comparison)
        labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert [x.replace("\n", "") for x in labels] == order, chart.__name__
    bars = charts.risk_bars(comparison)
    labels = [t.get_text().split("\n（未排名）")[0].replace("\n", "") for t in bars.axes[0].get_yticklabels()]
    assert labels[::-1] == order


def test_labels_break_at_brackets_and_company_forms_not_mid_word():
    assert charts.wrap_label("深圳市仰度科技有限公司") == "深圳市仰度科技\n有限公司"
    assert charts.wrap_label("北京优音通信有限公司（400呼叫中心服务协议（标准））", 16) == \
        "北京优音通信有限公司\n（400呼叫中心服务协议\n（标准））"
    assert charts.wrap_label("youyin_400_ai_note", 10) == "youyin_\n400_ai_\nnote"
    assert all(len(line) <= 6 for line in charts.wrap_label("上海商客通信息技术股份有限公司", 6).split("\n"))


def test_the_risk_chart_draws_the_score_it_labels(comparison):
    fig = charts.risk_bars(comparison)
    ax = fig.axes[0]
    ends = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2)
        ends[y] = max(ends.get(y, 0.0), patch.get_x() + patch.get_width())
    order = list(comparison.names)[::-1]
    for y, name in enumerate(order):
        assert ends.get(y, 0.0) == pytest.approx(comparison.analysis(name).risk_score, abs=0.01), name

