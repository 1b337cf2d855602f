"""Bad and hostile input: a clear one-line answer, nothing lost, nothing leaked, same bytes twice."""
import io
import json
import os
import random
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import pipeline
from analyzer.cli import main
from analyzer.errors import InputError
from analyzer.load import load
from analyzer.pipeline import analyze, analyze_many

GOOD = "服务协议\n甲方：某某贸易有限公司\n乙方：某某通信有限公司\n一、乙方向甲方提供呼叫中心服务。\n二、已付费用不予退还。\n"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, name):
    lines = [l for l in result.stderr.splitlines() if name in l]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def _broken_files(d: Path) -> dict[str, str]:
    """name → a word the error must contain."""
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text(" \n\t\n　\n", encoding="utf-8")
    (d / "noise.txt").write_bytes(random.Random(1).randbytes(4000))  # "not text" in any encoding
    (d / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    (d / "broken.docx").write_bytes(b"PK\x03\x04" + bytes(100))
    return {"empty.txt": "no text", "blank.txt": "no text", "noise.txt": "not text",
            "photo.txt": "OCR", "broken.docx": "damaged"}


def test_each_broken_file_gets_one_line_and_the_good_one_is_analyzed(tmp_path):
    expected = _broken_files(tmp_path)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    r = cli("analyze", tmp_path, "--format", "json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert [Path(c["source"]).name for c in doc["contracts"]] == ["good.txt"]
    assert {Path(e["source"]).name for e in doc["errors"]} == set(expected)
    for name, word in expected.items():
        line = one_line_error(r, name)
        assert word in line and ";" in line  # what is wrong; what to do


def test_zip_bomb_renamed_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (300 * 2**20))
    p = tmp_path / "bomb.docx"
    p.write_bytes(buf.getvalue())
    assert p.stat().st_size < 2 * 2**20
    with pytest.raises(InputError, match="ZIP bomb"):
        load(p)


def test_encrypted_pdf(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas
    p = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(p), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "contract")
    c.save()
    with pytest.raises(InputError, match="encrypted") as e:
        load(p)
    assert "password" in str(e.value)


def test_large_text_is_refused_unless_the_limit_is_raised(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "w", encoding="utf-8") as fh:
        line = "第一条 乙方向甲方提供服务。" * 40 + "\n"
        while fh.tell() < 50 * 2**20:
            fh.write(line)
    r = cli("analyze", p)
    assert r.exit_code == 2 and "--max-mb" in one_line_error(r, "huge.txt")


def test_one_long_line_without_punctuation(tmp_path):
    p = tmp_path / "line.txt"
    p.write_text("甲方乙方服务费用合同" * 20000, encoding="utf-8")
    a = analyze(p)
    assert all(len(c.text) <= 500 for c in a.clauses)
    assert "".join(c.text for c in a.clauses) == p.read_text(encoding="utf-8")


def test_english_contract_is_analyzed_and_flagged(tmp_path):
    p = tmp_path / "english.txt"
    p.write_text("SERVICE AGREEMENT\n" + "".join(
        f"{i}. The Provider shall supply the hosted call centre service described in schedule {i}, "
        "and fees paid are non-refundable under any circumstances whatsoever.\n" for i in range(1, 6)),
        encoding="utf-8")
    a = analyze(p)
    assert [i.code for i in a.issues] == ["not_chinese"]


def test_contract_without_numbering(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("甲方：某某贸易有限公司\n乙方：某某通信有限公司\n乙方向甲方提供服务。\n"
                 "已付费用不予退还。\n争议由乙方所在地人民法院管辖。\n", encoding="utf-8")
    a = analyze(p)
    assert {f.flag for f in a.findings} >= {"non_refundable", "vendor_forum"}
    assert not any(i.code == "numbering_anomaly" for i in a.issues)


def test_mixed_gbk_and_utf8_bytes(tmp_path):
    p = tmp_path / "mixed.txt"
    p.write_bytes("甲方：某某贸易有限公司\n".encode("utf-8") + "乙方：某某通信有限公司\n".encode("gbk")
                  + "一、乙方向甲方提供服务。\n".encode("utf-8"))
    d = load(p)
    assert "乙方：某某通信有限公司" in d.text and "甲方：某某贸易有限公司" in d.text


def test_nul_bytes(tmp_path):
    p = tmp_path / "nul.txt"
    p.write_bytes(GOOD.replace("。", "。\x00").encode("utf-8"))
    a = analyze(p)
    assert "\x00" not in a.document.text and any(f.flag == "non_refundable" for f in a.findings)


def test_same_file_twice_is_analyzed_once(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text(GOOD, encoding="utf-8")
    r = cli("analyze", p, p, tmp_path, "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)["contracts"]) == 1


def test_folder_of_a_thousand_files_with_three_broken(tmp_path):
    for i in range(1000):
        (tmp_path / f"c{i:04d}.txt").write_text(GOOD.replace("某某贸易", f"客户{i}号贸易"), encoding="utf-8")
    for name in ("c0007.txt", "c0500.txt", "c0999.txt"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    r = cli("analyze", tmp_path, "--format", "json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert len(doc["contracts"]) == 997
    assert sorted(Path(e["source"]).name for e in doc["errors"]) == ["c0007.txt", "c0500.txt", "c0999.txt"]
    assert r.stderr.splitlines()[0].startswith("3 file(s) could not be analyzed")


def test_an_internal_error_loses_only_its_file(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD.replace("贸易", "商贸"), encoding="utf-8")
    real = pipeline.analyze_document

    def flaky(doc, settings=None):
        if doc.source.endswith("a.txt"):
            raise ValueError("boom")
        return real(doc, settings)

    monkeypatch.setattr(pipeline, "analyze_document", flaky)
    done, failed = pipeline.analyze_many([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert len(done) == 1 and "internal error" in failed[0].message and "\n" not in failed[0].message


def test_same_inputs_give_byte_identical_outputs(tmp_path, sample_paths):
    outs = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        r = cli("compare", sample_paths[0].parent, "--out", out)
        assert r.exit_code == 0
        outs.append(out)
    for name in ("results.json", "findings.csv", "clauses.csv", "comparison.md"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    for b in (outs[0] / "briefs").glob("*.md"):
        assert b.read_bytes() == (outs[1] / "briefs" / b.name).read_bytes()
    j1 = cli("analyze", sample_paths[0].parent, "--format", "json").stdout
    j2 = cli("analyze", sample_paths[0].parent, "--format", "json").stdout
    assert j1 == j2


def test_inputs_are_never_modified(tmp_path, sample_paths):
    before = {p: p.read_bytes() for p in sample_paths}
    cli("compare", sample_paths[0].parent, "--out", tmp_path / "o")
    assert {p: p.read_bytes() for p in sample_paths} == before


def test_no_pickle_eval_or_network_in_the_package():
    root = Path(__file__).resolve().parent.parent / "analyzer"
    source = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    for pattern in (r"import pickle", r"pickle\.load", r"(?<![\w.])eval\(", r"(?<![\w.])exec\(", r"urllib",
                    r"import requests", r"import socket", r"http\.client"):
        assert not re.search(pattern, source), pattern


def test_exit_codes_and_limits_are_documented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "## Exit codes" in readme or "### Exit codes" in readme
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in readme
    assert "--max-mb" in readme and "20 MB" in readme


def test_a_minimum_spend_per_zero_years_is_no_minimum_spend(tmp_path):
    """issue 13: "元/0年" divided by zero and turned the contract into an error row."""
    for text, spend in (("最低消费10000元/0年", None), ("最低消费为1000元/0月", None), ("最低消费12000元/年", 12000)):
        p = tmp_path / "spend.txt"
        p.write_text(GOOD + f"三、甲方每年{text}。\n", encoding="utf-8")
        assert analyze(p).terms.minimum_spend == spend, text
    (tmp_path / "good.txt").write_text(GOOD.replace("某某通信", "好好通信"), encoding="utf-8")
    (tmp_path / "spend.txt").write_text(GOOD + "三、最低消费10000元/0年。\n", encoding="utf-8")
    r = cli("analyze", tmp_path, "--format", "json", "--no-model")
    assert r.exit_code == 0, r.output
    assert sorted(Path(c["source"]).name for c in json.loads(r.stdout)["contracts"]) == ["good.txt", "spend.txt"]


def test_failures_and_sources_are_printable(tmp_path):
    good = os.path.join(os.fsencode(tmp_path), b"\xff\xfegood\n.txt")
    with open(good, "wb") as fh:
        fh.write(GOOD.encode("utf-8"))
    bad = os.path.join(os.fsencode(tmp_path), b"\xfe\xffbad.txt")
    with open(bad, "wb") as fh:
        fh.write(b"")
    done, failed = analyze_many([os.fsdecode(good), os.fsdecode(bad)], {"model": False})
    assert done[0].document.source == f"{tmp_path}/\\xff\\xfegood\\n.txt"
    assert failed[0].source == f"{tmp_path}/\\xfe\\xffbad.txt" and "no text" in failed[0].message
    for s in (done[0].document.source, failed[0].source, failed[0].message):
        s.encode("utf-8")  # strict: no lone surrogates
        assert "\n" not in s
