"""Every loader, on real files the tests write."""
import pytest
from hypothesis import given, settings, strategies as st

from analyzer.errors import InputError, NeedsOCR
from analyzer.load import load, readable_text, unwrap_note

CONTRACT = "第一条 乙方向甲方提供呼叫中心服务。\n第二条 已付费用不予退还。\n"


def test_utf8_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(CONTRACT, encoding="utf-8")
    d = load(p)
    assert d.text == CONTRACT and d.format == "text" and len(d.sha256) == 64


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_other_encodings(tmp_path, encoding):
    p = tmp_path / f"a.{encoding}.txt"
    p.write_bytes(CONTRACT.encode(encoding))
    assert load(p).text == CONTRACT


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    import docx
    doc = docx.Document()
    doc.add_paragraph("第一条 资费")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "单价"
    table.cell(1, 0).text, table.cell(1, 1).text = "通话费", "0.12元/分钟"
    doc.add_paragraph("第二条 已付费用不予退还。")
    p = tmp_path / "c.docx"
    doc.save(p)
    d = load(p)
    assert d.format == "docx"
    lines = d.text.split("\n")
    assert lines == ["第一条 资费", "项目\t单价", "通话费\t0.12元/分钟", "第二条 已付费用不予退还。"]


def _pdf(path, pages):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 750 - 20 * i, line)
        c.showPage()
    c.save()


def test_pdf_with_chinese_text_pages_in_order(tmp_path):
    p = tmp_path / "c.pdf"
    _pdf(p, [["第一条 乙方向甲方提供呼叫中心服务。"], ["第二条 争议提交乙方所在地人民法院。"]])
    d = load(p)
    assert d.format == "pdf" and d.metadata["pages"] == 2
    assert d.text.index("第一条") < d.text.index("第二条")
    assert "乙方所在地人民法院" in d.text


def test_pdf_without_text_layer_says_ocr(tmp_path):
    from reportlab.pdfgen import canvas
    p = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(p))
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(NeedsOCR) as e:
        load(p)
    assert "OCR" in str(e.value) and "scan.pdf" in str(e.value)


def test_html(tmp_path):
    p = tmp_path / "c.html"
    p.write_text("<html><head><style>p{}</style><script>alert(1)</script></head><body>"
                 "<h1>服务协议</h1><p>第一条 乙方向甲方提供服务。</p><p>第二条 费用不予退还。</p></body></html>",
                 encoding="utf-8")
    d = load(p)
    assert d.format == "html"
    assert d.text.split("\n") == ["服务协议", "第一条 乙方向甲方提供服务。", "第二条 费用不予退还。"]


def test_markdown_note_keeps_only_the_original(tmp_path):
    note = ("---\ncreated: 2026-01-01\n---\n\n# 总结\n\n本协议对乙方有利，退款很难。\n\n## 原文\n\n"
            "```text\n" + CONTRACT + "```\n")
    p = tmp_path / "note.md"
    p.write_text(note, encoding="utf-8")
    d = load(p)
    assert d.format == "markdown-note"
    assert d.text == CONTRACT.rstrip("\n")
    assert "退款很难" in d.metadata["summary"]


def test_plain_markdown_with_a_code_block_is_not_a_note():
    assert unwrap_note("# 说明\n\n很多文字" * 50 + "\n```\nx\n```\n") is None


def test_png_renamed_txt_is_refused_with_ocr_advice(tmp_path):
    p = tmp_path / "scan.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(NeedsOCR) as e:
        load(p)
    assert "scan.txt" in str(e.value)


def test_corrupt_docx(tmp_path):
    p = tmp_path / "broken.docx"
    p.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError) as e:
        load(p)
    assert "broken.docx" in str(e.value) and "damaged" in str(e.value)


def test_empty_and_missing_files(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text"):
        load(p)
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("甲" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="limit"):
        load(p, max_bytes=1000)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["合", "a", " ", "\n", "\r", "\t", "\x00", "\x07", "\x1f", "\ue000", "\uf8ff",
                                         "\ufffd", "\uf900"]), min_size=1, max_size=200))
def test_text_is_unreadable_when_over_two_percent_is_control_or_private_use(text):
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd")
    assert readable_text(text) is (bad / len(text) < 0.02)
