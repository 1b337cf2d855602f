"""The command line: JSON per the spec, the outline, errors as one line, exit codes."""
import json
import subprocess
import sys

from click.testing import CliRunner

from analyzer.cli import main
from analyzer.pipeline import expand

SPEC_TERMS = {"contract_amount", "rate_per_minute", "sms_rate", "minimum_spend", "term_months", "penalty_pct_max"}


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_json_has_the_spec_fields(sample_paths):
    r = run("analyze", str(sample_paths[0]), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    c = doc["contracts"][0]
    assert {"source", "sha256", "vendor", "customer", "clauses", "findings", "protections",
            "document_issues", "terms", "risk_score"} <= set(c)
    assert set(c["terms"]) == SPEC_TERMS
    assert {"id", "number", "text", "category", "categories"} <= set(c["clauses"][0])
    f = c["findings"][0]
    assert {"flag", "severity", "mutual", "clause_id", "text", "explanation"} <= set(f)
    assert f["severity"] in ("high", "medium", "low")
    assert all({"code", "clause_id", "text"} <= set(p) for p in c["protections"])
    assert all({"code", "message"} <= set(i) for i in c["document_issues"])


def test_outline(sample_paths):
    r = run("analyze", str(sample_paths[0]))
    assert r.exit_code == 0
    for word in ("供应商", "客户", "商务条款", "条款：", "风险发现："):
        assert word in r.output


def test_bad_file_is_one_line_and_the_good_ones_still_run(tmp_path, sample_paths):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really a pdf")
    r = CliRunner().invoke(main, ["analyze", str(sample_paths[0]), str(bad), "--format", "json"])
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert len(doc["contracts"]) == 1
    assert doc["errors"][0]["source"] == str(bad)
    assert "Traceback" not in r.output
    err_lines = [l for l in r.stderr.splitlines() if "scan.pdf" in l]
    assert len(err_lines) == 1 and "damaged PDF" in err_lines[0]


def test_fail_on(sample_paths):
    assert run("analyze", str(sample_paths[0]), "--fail-on", "high").exit_code == 1
    assert run("analyze", str(sample_paths[0]), "--fail-on", "low").exit_code == 1


def test_vendor_role_override(sample_paths):
    r = run("analyze", str(sample_paths[0]), "--format", "json", "--vendor-role", "甲方")
    c = json.loads(r.output)["contracts"][0]
    assert c["vendor_role"] == "甲方"


def test_usage_errors_exit_2(tmp_path):
    assert run("analyze", "--format", "xml", "x.txt").exit_code == 2
    assert run("analyze", str(tmp_path)).exit_code == 2  # a folder with no contracts


def test_eval_prints_the_scorer_summary(gold):
    from tests.conftest import GOLD, SAMPLES
    r = run("eval", str(GOLD), str(SAMPLES))
    assert r.exit_code == 0, r.output
    line = r.output.strip().splitlines()[-1]
    assert line.startswith("findings P=") and "contracts missing 0" in line


def test_every_command_has_help():
    for name, cmd in main.commands.items():
        assert cmd.help and "Example:" in cmd.help, name


def test_python_m_analyzer_help_runs():
    r = subprocess.run([sys.executable, "-m", "analyzer", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "Exit codes" in r.stdout


def test_exclude_leaves_out_files_inside_folders_by_name_or_path(tmp_path, sample_paths):
    for name in ("a.txt", "README.md", "drafts/b.txt", "c.md", "old/README.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(sample_paths[0].read_bytes())
    names = lambda files: sorted(f.relative_to(tmp_path).as_posix() for f in files)  # noqa: E731
    # README, LICENSE and the like are a folder's notes, never a vendor's contract
    assert names(expand([tmp_path])) == ["a.txt", "c.md", "drafts/b.txt"]
    assert names(expand([tmp_path], ["drafts/*"])) == ["a.txt", "c.md"]
    assert names(expand([tmp_path / "README.md"], ["README*"])) == ["README.md"]  # named itself: taken
    r = run("analyze", str(tmp_path), "--format", "json", "--exclude", "README*", "--exclude", "drafts/*")
    assert r.exit_code == 0, r.output
    assert sorted(c["source"].rsplit("/", 1)[1] for c in json.loads(r.output)["contracts"]) == ["a.txt", "c.md"]
