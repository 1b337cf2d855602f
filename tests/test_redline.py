"""The redline: a contract marked up with a comment per issue and its ask as a tracked change,
read back from the .docx written (zip + lxml), and rendered by LibreOffice."""
import hashlib
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from analyzer.brief import issue_points
from analyzer.comparison import compare
from analyzer.errors import InputError
from analyzer.pipeline import analyze
from analyzer.redline import Index, Span, bare, locate, main_part, redline

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONTS = Path(__file__).resolve().parent.parent / "analyzer" / "resources" / "fonts"

CUSTOMER, VENDOR = "甲方：某某贸易有限公司", "乙方：某某通信有限公司"
KEPT = "双方应遵守本合同。"  # the sentence before the termination clause's words, in the same run
TERMINATION = ("乙方有权", "随时终止本合同", "，已收取的费用不予退还。")  # the middle run is bold
FORUM = "因本合同发生的争议，提交乙方所在地人民法院诉讼解决。"
LINES = ["通信服务合同", CUSTOMER, VENDOR, "一、服务内容", "乙方为甲方提供语音通信服务，服务期限为一年。",
         "二、合同终止", KEPT + "".join(TERMINATION), "三、争议解决", FORUM,
         "甲方（盖章）：某某贸易有限公司", "乙方（盖章）：某某通信有限公司"]
# another vendor's contract, fair on the same points: the market reference
OTHER_LINES = ["通信服务合同", CUSTOMER, "乙方：另一通信有限公司", "一、合同终止",
               "甲方可提前三十日书面通知解除本合同，乙方应退还未消费的预存费用。", "二、争议解决",
               "因本合同发生的争议，由甲方所在地人民法院管辖。"]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def numbered(d, text_or_runs, num_id: int):
    """A paragraph of the numbered-list style with its numbering written on it (w:numPr); given
    several runs, the second is bold."""
    p = d.add_paragraph(style="List Number")
    runs = [text_or_runs] if isinstance(text_or_runs, str) else text_or_runs
    for k, text in enumerate(runs):
        run = p.add_run(text)
        if k == 1:
            run.bold = True
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return p


def make_contract(path):
    import docx
    d = docx.Document()
    num_id = d.styles["List Number"].element.pPr.numPr.numId.val
    d.add_heading(LINES[0], 0)
    d.add_paragraph(CUSTOMER)
    d.add_paragraph(VENDOR)
    d.add_heading("一、服务内容", 1)
    numbered(d, LINES[4], num_id)
    table = d.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for (i, j), text in {(0, 0): "项目", (0, 1): "月费", (1, 0): "语音套餐", (1, 1): "1000元"}.items():
        table.cell(i, j).text = text
    d.add_heading("二、合同终止", 1)
    numbered(d, (KEPT + TERMINATION[0],) + TERMINATION[1:], num_id)
    d.add_heading("三、争议解决", 1)
    numbered(d, FORUM, num_id)
    d.add_paragraph(LINES[-2])
    d.add_paragraph(LINES[-1])
    d.save(str(path))


def part(path, name: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def commented_text(doc) -> dict[str, str]:
    """Comment id → the text (kept and deleted) between its range start and end."""
    out, open_ = {}, set()
    for e in doc.iter():
        if e.tag == w("commentRangeStart"):
            open_.add(e.get(w("id")))
            out[e.get(w("id"))] = ""
        elif e.tag == w("commentRangeEnd"):
            open_.discard(e.get(w("id")))
        elif e.tag in (w("t"), w("delText")):
            for i in open_:
                out[i] += e.text or ""
    return out


def accepted(p) -> str:
    """A paragraph's text once every change is accepted: deletions gone, insertions kept."""
    return "".join(t.text or "" for t in p.iter(w("t")))


def rejected(p) -> str:
    """A paragraph's text once every change is rejected: the vendor's own words."""
    return "".join(t.text or "" for t in p.iter(w("t"), w("delText"))
                   if not any(a.tag == w("ins") for a in t.iterancestors()))


def test_words_are_found_whatever_the_spacing_at_the_same_occurrence():
    analysed = "一、争议\n争议 提交乙方所在地法院。\n二、其他\n争议提交乙方所在地法院。"
    paras = ["一、争议", "争议提交\u3000乙方所在地法院。", "二、其他", "争议 提交 乙方所在地 法院。"]
    doc, index = Index.of([analysed]), Index.of(paras)
    second = analysed.rindex("争议提交")
    assert locate("争议提交乙方所在地法院。", second, doc, index) == [Span(3, 0, len(paras[3]))]
    assert locate("争议 提交乙方所在地法院。", analysed.index("争议 提交"), doc, index) == [Span(1, 0, len(paras[1]))]
    parts = locate("二、其他\n争议提交乙方所在地法院。", analysed.index("二、其他"), doc, index)
    assert parts == [Span(2, 0, 4), Span(3, 0, len(paras[3]))]
    assert main_part(parts, paras) == parts[1]  # the sentence, not its heading
    assert locate("乙方所在地仲裁委员会", 0, doc, index) == []


@dataclass(frozen=True)
class Marked:
    source: Path
    out: Path
    before: bytes  # the source's bytes before it was marked up
    comp: object
    result: object


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redline")
    source, out = folder / "contract.docx", folder / "contract-redline.docx"
    make_contract(source)
    before = source.read_bytes()
    comp = compare([analyze(source)])
    return Marked(source, out, before, comp, redline(source, out, comparison=comp, author="采购部"))


def test_one_comment_per_issue_on_the_finding_words(marked):
    out, comp, result = marked.out, marked.comp, marked.result
    name = comp.names[0]
    points = issue_points(comp, name)
    assert {p.flag for _, p in points} >= {"non_refundable", "unilateral_termination", "vendor_forum"}
    assert result.comments == len(points) and not result.unanchored
    comments = part(out, "word/comments.xml").findall(w("comment"))
    assert len(comments) == len(points)
    assert {c.get(w("author")) for c in comments} == {"采购部"}
    ranges = commented_text(part(out, "word/document.xml"))
    findings = comp.analysis(name).findings
    for (g, p), c in zip(points, comments):
        words = max(findings[g.first].quote.split("\n"), key=len)  # the clause's sentence
        assert bare(words) in bare(ranges[c.get(w("id"))]), p.label
        said = "".join(c.itertext())
        for part_ in (p.label, p.why, p.ask):
            assert part_ in said
        assert p.fallback not in said  # the file goes to the vendor


def test_each_proposed_change_is_a_tracked_deletion_and_insertion(marked):
    out, comp, result = marked.out, marked.comp, marked.result
    doc = part(out, "word/document.xml")
    inserts = list(doc.iter(w("ins")))
    assert result.changes == len(inserts) == 2  # termination and refund share their words: one change
    for ins in inserts:
        deleted = ins.getprevious()
        assert deleted.tag == w("del")
        for mark in (deleted, ins):
            assert mark.get(w("author")) == "采购部" and mark.get(w("date")) and mark.get(w("id"))
        assert not list(deleted.iter(w("t"))) and list(deleted.iter(w("delText")))
    ids = [e.get(w("id")) for e in doc.iter(w("ins"), w("del"))]
    assert len(set(ids)) == len(ids)
    # accepting every change gives the customer's wording; rejecting them, the vendor's
    asks = [p.ask for _, p in issue_points(comp, comp.names[0])]
    paras = {rejected(p): accepted(p) for p in doc.iter(w("p")) if list(p.iter(w("ins")))}
    assert set(paras) == {KEPT + "".join(TERMINATION), FORUM}
    assert paras[FORUM] == next(a for a in asks if "管辖" in a)
    assert paras[KEPT + "".join(TERMINATION)].startswith(KEPT)
    assert all(a in "".join(paras.values()) for a in asks)
    assert not any(s in "".join(paras.values()) for s in ("随时终止本合同", "不予退还", "乙方所在地人民法院诉讼"))


def test_split_runs_keep_their_formatting(marked):
    doc = part(marked.out, "word/document.xml")
    bold = [r for r in doc.iter(w("r")) if r.find(f"{w('rPr')}/{w('b')}") is not None]
    assert ["".join(r.itertext()) for r in bold] == [TERMINATION[1]]
    assert bold[0].getparent().tag == w("del") and bold[0].find(w("delText")) is not None
    kept = next(t for t in doc.iter(w("t")) if t.text == KEPT)
    assert kept.getparent().getparent().tag == w("p")  # not deleted, and a run of its own


def test_everything_else_is_untouched(marked):
    source, out = marked.source, marked.out
    assert source.read_bytes() == marked.before  # the original is never written to
    old, new = part(source, "word/document.xml"), part(out, "word/document.xml")
    old_p, new_p = list(old.iter(w("p"))), list(new.iter(w("p")))
    assert len(old_p) == len(new_p)
    marks = (w("del"), w("ins"), w("commentRangeStart"))
    untouched = [(a, b) for a, b in zip(old_p, new_p) if not any(True for _ in b.iter(*marks))]
    assert len(untouched) == len(old_p) - 2
    assert all(etree.tostring(a) == etree.tostring(b) for a, b in untouched)
    for a, b in zip(old_p, new_p):  # numbering and paragraph properties, marked paragraphs too
        assert [etree.tostring(x) for x in a.iter(w("pPr"))] == [etree.tostring(x) for x in b.iter(w("pPr"))]
    assert sum(1 for p in new_p if p.find(f"{w('pPr')}/{w('numPr')}") is not None) == 3
    assert [etree.tostring(t) for t in old.iter(w("tbl"))] == [etree.tostring(t) for t in new.iter(w("tbl"))]
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        for name in ("word/styles.xml", "word/numbering.xml"):
            assert a.read(name) == b.read(name)


def test_text_contract_gives_a_new_docx_with_the_same_marks(tmp_path, marked):
    docx_out, docx_result = marked.out, marked.result
    source, out = tmp_path / "contract.txt", tmp_path / "contract-redline.docx"
    source.write_text("\n".join(LINES), encoding="utf-8")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = redline(source, out)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    doc = part(out, "word/document.xml")
    assert [rejected(p) for p in doc.iter(w("p"))] == LINES
    assert (result.comments, result.changes) == (docx_result.comments, docx_result.changes)
    assert len(part(out, "word/comments.xml").findall(w("comment"))) == result.comments
    assert [e.getprevious().tag for e in doc.iter(w("ins"))] == [w("del")] * result.changes
    assert {e.get(w("author")) for e in doc.iter(w("ins"), w("del"))} == {"analyzer"}
    accepted_text = {accepted(p) for p in doc.iter(w("p")) if list(p.iter(w("ins")))}
    docx_accepted = {accepted(p) for p in part(docx_out, "word/document.xml").iter(w("p")) if list(p.iter(w("ins")))}
    assert accepted_text == docx_accepted


def test_a_comparison_gives_the_market_reference(tmp_path, marked):
    source, other = marked.source, tmp_path / "other.txt"
    other.write_text("\n".join(OTHER_LINES), encoding="utf-8")
    comp = compare([analyze(source), analyze(other)])
    name = next(n for n in comp.names if comp.analysis(n).document.source == str(source))
    out = tmp_path / "marked.docx"
    redline(source, out, comparison=comp)
    said = "".join(part(out, "word/comments.xml").itertext())
    assert "市场参照" in said
    for _, p in issue_points(comp, name):
        assert p.reference in said


def test_refuses_to_overwrite_the_contract(tmp_path, marked):
    source = tmp_path / "contract.docx"
    shutil.copy(marked.source, source)
    before = source.read_bytes()
    for out in (source, tmp_path / "." / ".." / tmp_path.name / "contract.docx"):
        with pytest.raises(InputError) as e:
            redline(source, out)
        message = str(e.value)
        assert "\n" not in message and "contract.docx" in message and "another file" in message
    link = tmp_path / "link.docx"
    link.symlink_to(source)
    with pytest.raises(InputError):
        redline(source, link)
    assert source.read_bytes() == before


def test_refuses_what_is_not_a_readable_contract(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt"):
        redline(empty, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_libreoffice_renders_the_marked_up_contract(tmp_path, marked):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, ("LibreOffice (soffice) is missing: run `sh tools/system-deps.sh` (it installs Debian's "
                     "libreoffice-writer-nogui), then run the tests again")
    out, comp = marked.out, marked.comp
    # the packaged Chinese font, for a machine that has none
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{FONTS}</dir>'
                    f'<cachedir>{tmp_path / "fontcache"}</cachedir></fontconfig>', encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path)}
    run = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                         capture_output=True, text=True, timeout=300, env=env, check=False)
    pdf = tmp_path / (out.stem + ".pdf")
    assert run.returncode == 0 and pdf.exists(), run.stdout + run.stderr
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        text = bare("".join(page.extract_text() or "" for page in doc.pages))
    for _, p in issue_points(comp, comp.names[0]):
        assert bare(p.ask) in text  # tracked insertions show by default
