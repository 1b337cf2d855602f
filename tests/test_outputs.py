"""What the CLI writes and says (issue 13): formulas inert in every cell, names any output can hold,
the output folder never read back and owned through its manifest, exit codes CI can tell apart,
warnings on stderr, the cache where the user puts it, logging left to the CLI."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import pipeline
from analyzer.brief import brief
from analyzer.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, main
from analyzer.comparison import compare
from analyzer.model import evolve
from analyzer.pipeline import expand
from analyzer.render import report
from analyzer.render.excel import SHEETS
from analyzer.render.markdown import brief_md, comparison_md
from analyzer.render.report import MANIFEST
from analyzer.render.safe import cell
from analyzer.tokens import cache_dir, tokenizer

GOOD = "服务协议\n甲方：某某贸易有限公司\n乙方：某某通信有限公司\n一、乙方向甲方提供呼叫中心服务。\n二、已付费用不予退还。\n"
NO_PARTIES = "服务协议\n一、乙方向甲方提供呼叫中心服务。\n二、已付费用不予退还。\n三、乙方有权立即停止服务。\n"
FORMULA_X, FORMULA_Y = '=HYPERLINK("http:evil","x")', '=HYPERLINK("http:evil","y")'


def cli(*args, **env):
    return CliRunner(env=env or None).invoke(main, [str(a) for a in args])


def one_line(result, word):
    lines = [l for l in result.stderr.splitlines() if word in l]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def contracts(folder: Path, **named) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in named.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def briefs(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "briefs").glob("*.md"))


# 3. formula injection in comparison.xlsx

def test_a_vendor_named_like_a_formula_is_text_in_every_cell_headers_included(tmp_path):
    src = contracts(tmp_path / "in", **{"good.txt": GOOD.replace("某某通信", "好好通信"),
                                        "party.txt": GOOD.replace("某某通信有限公司", FORMULA_Y)})
    (src / f"{FORMULA_X}.txt").write_text(NO_PARTIES, encoding="utf-8")  # the vendor is the file's name
    out = tmp_path / "out"
    r = cli("compare", src, "--out", out, "--no-model")
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook
    wb = load_workbook(out / "comparison.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f" or str(c.value).startswith("=")]
    header = [c.value for c in wb[SHEETS["matrix"]][1]]
    assert "'" + FORMULA_X in header and "'" + FORMULA_Y in header and "好好通信有限公司" in header
    for name in ("findings.csv", "clauses.csv"):
        with open(out / name, encoding="utf-8-sig", newline="") as fh:
            assert not any(v.startswith("=") for row in csv.reader(fh) for v in row), name
    assert len(briefs(out)) == 3  # the good vendor's brief too


def test_a_cell_never_holds_what_a_workbook_cannot():
    assert cell("a\x01b\x1f") == "a\ufffdb\ufffd" and cell("=1+1") == "'=1+1" and cell(3) == 3


# 5. names that are not UTF-8

def test_a_file_name_that_is_not_utf8_is_shown_escaped_and_loses_no_output(tmp_path):
    src = contracts(tmp_path / "in", **{"good.txt": GOOD})
    odd = os.path.join(os.fsencode(src), b"\xff\xfe\xbd.txt")
    with open(odd, "wb") as fh:
        fh.write(GOOD.replace("某某通信", "另一通信").encode("utf-8"))
    with open(os.path.join(os.fsencode(src), b"\xfe\xff.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4\nnot really a pdf")
    out = tmp_path / "out"
    r = cli("compare", src, "--out", out, "--no-model")
    assert r.exit_code == EXIT_BAD_INPUT, r.output  # the broken PDF
    line = one_line(r, "\\xfe\\xff.pdf")
    assert "damaged PDF" in line and ";" in line
    assert len(briefs(out)) == 2 and (out / "charts" / "risk.png").stat().st_size > 1000
    sources = [c["source"] for c in json.loads((out / "results.json").read_text(encoding="utf-8"))["contracts"]]
    assert sorted(Path(s).name for s in sources) == ["\\xff\\xfe\\xbd.txt", "good.txt"]
    # analyze --format json: valid UTF-8 on stdout, whatever the locale
    p = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(src), "--format", "json", "--no-model"],
                       capture_output=True, timeout=300, env=dict(os.environ, LC_ALL="C", LANG="C"))
    assert p.returncode == EXIT_BAD_INPUT, p.stderr
    doc = json.loads(p.stdout.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert len(doc["contracts"]) == 2 and doc["errors"][0]["source"].endswith("\\xfe\\xff.pdf")
    p.stderr.decode("utf-8")
    # batch: the tables hold the name, and a rerun skips what is done
    r = cli("batch", src, "--out", tmp_path / "corpus")
    assert r.exit_code == EXIT_BAD_INPUT and "analyzed 2" in r.output and "1 failed" in r.output, r.output
    r = cli("batch", src, "--out", tmp_path / "corpus")
    assert "skipped 3 already done" in r.output, r.output


# 6. exit codes

def test_help_documents_every_exit_code():
    text = cli("--help").output
    assert "Exit codes" in text
    for line in ("0    done", "1    a finding", "2    bad input", "3    internal error"):
        assert line in text, line


def test_a_crash_exits_3_with_one_line_asking_to_report_it(tmp_path, monkeypatch):
    def broken(comp, out, **options):
        raise TypeError("boom")

    monkeypatch.setattr(report, "write_all", broken)
    src = contracts(tmp_path / "in", **{"good.txt": GOOD})
    r = cli("compare", src, "--out", tmp_path / "out", "--no-model")
    assert r.exit_code == EXIT_INTERNAL
    line = one_line(r, "internal error")
    assert "TypeError: boom" in line and "report" in line
    r = cli("compare", src, "--out", tmp_path / "out", "--no-model", ANALYZER_DEBUG="1")
    assert r.exit_code == EXIT_INTERNAL and "Traceback" in r.stderr


def test_a_defect_met_by_one_file_exits_3_and_the_others_are_still_analyzed(tmp_path, monkeypatch):
    real = pipeline.analyze_document

    def flaky(doc, settings=None):
        if doc.source.endswith("bad.txt"):
            raise ValueError("boom")
        return real(doc, settings)

    monkeypatch.setattr(pipeline, "analyze_document", flaky)
    src = contracts(tmp_path / "in", **{"good.txt": GOOD, "bad.txt": GOOD})
    r = cli("analyze", src, "--format", "json", "--no-model", "--fail-on", "low")
    assert r.exit_code == EXIT_INTERNAL  # not 1, though findings are at or above --fail-on
    assert [Path(c["source"]).name for c in json.loads(r.stdout)["contracts"]] == ["good.txt"]
    assert "internal error" in one_line(r, "bad.txt")


def test_bad_max_mb_is_a_usage_error(tmp_path):
    src = contracts(tmp_path / "in", **{"good.txt": GOOD})
    for value in ("nan", "inf", "-1", "0"):
        r = cli("analyze", src, "--max-mb", value, "--no-model")
        assert r.exit_code == EXIT_BAD_INPUT and "internal" not in r.output, value
        assert "--max-mb" in one_line(r, "Error:") and "positive number" in r.stderr
    assert cli("analyze", src, "--max-mb", "5", "--no-model").exit_code == 0


# 7. the output folder

def test_an_output_folder_inside_the_input_is_never_read_back(tmp_path):
    src = contracts(tmp_path / "in", **{"a.txt": GOOD, "b.txt": GOOD.replace("某某通信", "好好通信")})
    out = src / "report"
    for _ in range(2):
        r = cli("compare", src, "--out", out, "--no-model")
        assert r.exit_code == 0, r.output
        assert "compared 2 contract(s)" in r.output
    assert len(json.loads((out / "results.json").read_text(encoding="utf-8"))["contracts"]) == 2
    named = out / "comparison.md"
    assert expand([src, named], skip=[out]) == [src / "a.txt", src / "b.txt", named]  # named itself: taken


def test_the_input_folder_itself_is_refused_as_out(tmp_path):
    src = contracts(tmp_path / "in", **{"a.txt": GOOD})
    r = cli("compare", src, "--out", src, "--no-model")
    assert r.exit_code == EXIT_BAD_INPUT
    assert "choose another folder" in one_line(r, "--out")
    assert not (src / "report.html").exists()


def test_a_rerun_removes_what_it_no_longer_writes_and_nothing_else(tmp_path):
    src = contracts(tmp_path / "in", **{"a.txt": GOOD, "b.txt": GOOD.replace("某某通信", "好好通信"),
                                        "c.txt": GOOD.replace("某某通信", "三三通信")})
    out = tmp_path / "out"
    assert cli("compare", src, "--out", out, "--no-model").exit_code == 0
    assert len(briefs(out)) == 3
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "report.html" in manifest and sum(f.startswith("briefs/") for f in manifest) == 6
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "briefs" / "my_own.md").write_text("mine", encoding="utf-8")
    (src / "c.txt").unlink()
    r = cli("compare", src, "--out", out, "--no-model")
    assert r.exit_code == 0, r.output
    assert briefs(out) == sorted(["my_own.md"] + [n for n in briefs(out) if n != "my_own.md"])
    assert len([n for n in briefs(out) if n != "my_own.md"]) == 2
    assert not any("三三" in p.name for p in (out / "briefs").iterdir())
    assert (out / "notes.txt").exists() and (out / "briefs" / "my_own.md").exists()


def test_a_folder_without_manifest_loses_nothing_and_the_leftovers_are_named(tmp_path):
    src = contracts(tmp_path / "in", **{"a.txt": GOOD})
    out = tmp_path / "out"
    (out / "briefs").mkdir(parents=True)
    (out / "briefs" / "07_old_vendor.md").write_text("from an earlier report", encoding="utf-8")
    r = cli("compare", src, "--out", out, "--no-model")
    assert r.exit_code == 0, r.output
    assert "by hand" in one_line(r, "07_old_vendor.md")
    assert (out / "briefs" / "07_old_vendor.md").exists() and (out / MANIFEST).exists()
    r = cli("compare", src, "--out", out, "--no-model")  # not in the manifest: still never removed
    assert r.exit_code == 0 and (out / "briefs" / "07_old_vendor.md").exists()


def test_a_manifest_never_removes_anything_outside_the_folder(tmp_path):
    src = contracts(tmp_path / "in", **{"a.txt": GOOD})
    out = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"files": ["../victim.txt", str(victim), "report.html"]}),
                                encoding="utf-8")
    assert cli("compare", src, "--out", out, "--no-model").exit_code == 0
    assert victim.read_text(encoding="utf-8") == "keep"
    (out / MANIFEST).write_text("[not a manifest", encoding="utf-8")
    r = cli("compare", src, "--out", out, "--no-model")
    assert r.exit_code == 0 and "no file of the earlier report is removed" in one_line(r, MANIFEST)


# 8. messages

def test_a_newline_in_a_vendor_name_stays_inside_its_heading(sample_analyses):
    a = sample_analyses[0]
    odd = evolve(a, parties=evolve(a.parties, vendor_name="某某\n# 伪造标题\r\n公司"))
    comp = compare([odd] + list(sample_analyses[1:3]))
    name = next(n for n in comp.names if "伪造" in n)
    for text in (comparison_md(comp), brief_md(brief(comp, name))):
        assert not [l for l in text.splitlines() if l.startswith(("# 伪造", "公司"))]
        assert any(l.startswith("#") and "某某 # 伪造标题 公司" in l for l in text.splitlines())


def test_a_symlink_loop_is_named_on_stderr_and_the_rest_is_analyzed(tmp_path):
    src = contracts(tmp_path / "in", **{"good.txt": GOOD, "sub/b.txt": GOOD.replace("某某通信", "好好通信")})
    (src / "sub" / "up").symlink_to(src, target_is_directory=True)
    (src / "self.txt").symlink_to(src / "self.txt")
    r = cli("analyze", src, "--format", "json", "--no-model")
    assert r.exit_code == 0, r.output
    assert sorted(Path(c["source"]).name for c in json.loads(r.stdout)["contracts"]) == ["b.txt", "good.txt"]
    for link in (src / "sub" / "up", src / "self.txt"):
        assert "loops" in one_line(r, f"{link}:")


# 9. side effects of the library

def test_the_cache_goes_where_the_setting_says_or_nowhere(tmp_path, sample_paths):
    home, cache, scratch = tmp_path / "home", tmp_path / "cache", tmp_path / "tmp"
    scratch.mkdir()
    code = f"import analyzer; analyzer.analyze({str(sample_paths[0])!r})"
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), TMPDIR=str(scratch))
    for value, where in ((str(cache), cache), ("off", None)):
        p = subprocess.run([sys.executable, "-c", code], env=dict(env, ANALYZER_CACHE_DIR=value),
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        if where is not None:
            kept = {f.suffix for f in where.iterdir()}  # the aligner's, and jieba's dictionary where jieba segments
            assert ".npz" in kept and (".cache" in kept) == (tokenizer().segmenter == "jieba")
    assert not home.exists() and not list(scratch.iterdir())


def test_cache_dir_reads_the_setting(tmp_path, monkeypatch):
    for off in ("off", "OFF", ""):
        monkeypatch.setenv("ANALYZER_CACHE_DIR", off)
        assert cache_dir() is None
    monkeypatch.setenv("ANALYZER_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_the_library_leaves_logging_alone(sample_paths):
    code = ("import logging, jieba; before = logging.getLogger('jieba').level; "
            f"import analyzer; analyzer.analyze({str(sample_paths[0])!r}); "
            "assert logging.getLogger('jieba').level == before, 'jieba'; "
            "assert not logging.getLogger().handlers and not logging.getLogger('analyzer').handlers")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("gold", [
    "[not json",
    '["a list"]',
    '{"contracts": {"a": {"sha256": "x", "findings": [{"flag": "f"}], "protections": [], "document_issues": []}}}',
    '{"contracts": {"a": {"sha256": "x", "findings": [], "protections": [], "document_issues": [], "terms": [1]}}}',
    ('{"contracts": {"a": {"sha256": "x", "findings": [], "protections": [], "document_issues": [],'
     ' "categories": {"present": "refund"}}}}'),
    '{"contracts": {}, "riskier_than": [["a"]]}',
])
def test_a_malformed_gold_file_is_one_line_and_exit_2(tmp_path, sample_paths, gold):
    path = tmp_path / "gold.json"
    path.write_text(gold, encoding="utf-8")
    r = cli("eval", path, sample_paths[0], "--no-model")
    assert r.exit_code == EXIT_BAD_INPUT
    line = one_line(r, str(path))
    assert line.startswith("eval: ") and "gold file" in line and "Traceback" not in r.output
