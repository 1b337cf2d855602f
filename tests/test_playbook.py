"""The customer's playbook: validated at load, positions per vendor, findings fitted to it."""
from pathlib import Path

import pytest
import yaml

import analyzer
from analyzer.cli import main
from analyzer.errors import InputError, SettingsError
from analyzer.model import Document
from analyzer.pipeline import analyze_document
from analyzer.playbook import (
    DEVIATION,
    MATCH,
    MISSING,
    cap_pct,
    load,
    packaged,
    parse,
    positions,
    renewal_months,
    template,
)
from analyzer.rules import rulebook

HEAD = "服务合同\n甲方：某某贸易有限公司\n乙方：某某通信有限公司\n"
CLAUSES = ["乙方向甲方提供呼叫中心服务。", "合同总金额为12000元。", "本合同期限为24个月，期满未提出异议的，合同自动续期一年。",
           "因本合同发生的争议，提交上海市浦东新区人民法院诉讼解决。", "甲方逾期付款的，应按合同总金额的20%支付违约金。",
           "乙方对甲方的客户数据负有保密义务，不得泄露给任何第三方。"]


def contract(clauses=CLAUSES):
    text = HEAD + "".join(f"{i + 1}. {c}\n" for i, c in enumerate(clauses))
    return analyze_document(Document("c.txt", "c", text, "txt"), {"model": False})


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_playbook_changes_nothing():
    a = contract()
    pb = packaged()
    assert pb.apply(a.findings) == a.findings
    assert pb.book() is rulebook()
    assert parse(yaml.safe_load(template()), source="packaged") == pb


@pytest.mark.parametrize("text, where", [
    ("version: 1\nthresholds:\n  max_penalty_pct: -3\n", "line 3: thresholds.max_penalty_pct"),
    ("version: 1\nflags:\n  auto_renewal:\n    severity: huge\n", "line 4: flags.auto_renewal.severity"),
    ("version: 1\nflags:\n  no_such_flag: {acceptable: true}\n", "line 3: flags.no_such_flag"),
    ("version: 1\nrequired:\n  protections: [refunds]\n", "line 3: required.protections"),
    ("version: 1\ncolour: red\n", "line 2: colour"),
    ("version: 1\nflags: [oops\n", "is not valid YAML"),
])
def test_a_malformed_playbook_names_the_line_and_key(tmp_path, text, where):
    with pytest.raises(InputError) as e:
        load(write(tmp_path, text))
    message = str(e.value)
    assert where in message and "playbook.yaml" in message and "\n" not in message


def test_two_playbooks_deviate_exactly_where_their_positions_differ(tmp_path):
    a = contract()
    lenient = load(write(tmp_path, "flags:\n  auto_renewal: {acceptable: true}\n"))
    strict = load(write(tmp_path, "flags:\n  auto_renewal: {acceptable: false}\n"
                                  "required:\n  protections: [data_protection, refund_on_vendor_fault]\n"
                                  "thresholds:\n  max_term_months: 12\n  max_renewal_months: 6\n"))
    dev = {k: {p.code for p in positions(pb, a) if p.status != MATCH}
           for k, pb in (("lenient", lenient), ("strict", strict))}
    assert dev["strict"] - dev["lenient"] == {"auto_renewal", "refund_on_vendor_fault", "max_term_months",
                                          "max_renewal_months"}
    assert dev["lenient"] - dev["strict"] == set()
    by_code = {p.code: p for p in positions(strict, a)}
    assert by_code["data_protection"].status == MATCH and "保密义务" in by_code["data_protection"].quote
    assert by_code["refund_on_vendor_fault"].status == MISSING
    assert by_code["max_renewal_months"].status == DEVIATION and by_code["max_renewal_months"].detail == "12 个月"
    assert not any(f.flag == "auto_renewal" for f in lenient.apply(a.findings))


def test_thresholds_and_the_customer_city_change_the_findings(tmp_path):
    a = contract()
    assert any(f.flag == "excessive_penalty" for f in a.findings) is False  # 20% is under the 30% line
    tight = load(write(tmp_path, "thresholds:\n  max_penalty_pct: 15\n"))
    assert tight.book().defaults["penalty_screen_pct"] == 15
    named = contract(CLAUSES[:3] + ["因本合同发生的争议，提交乙方所在地上海市浦东新区人民法院诉讼解决。"])
    assert any(f.flag == "vendor_forum" for f in named.findings)
    home = load(write(tmp_path, "customer:\n  city: 浦东新区\n"))
    assert not any(f.flag == "vendor_forum" for f in home.apply(named.findings))


def test_severity_set_by_the_team(tmp_path):
    a = contract()
    pb = load(write(tmp_path, "flags:\n  auto_renewal: {severity: low}\n"))
    assert {f.severity for f in pb.apply(a.findings) if f.flag == "auto_renewal"} == {"low"}


@pytest.mark.parametrize("text, months", [("合同期满后自动续期一年", 12), ("自动续约6个月", 6),
                                          ("续展期与本合同服务期相同", 24), ("期满自动续展", None)])
def test_renewal_months(text, months):
    assert renewal_months(text, 24) == months


# -- from the command line --------------------------------------------------------------------

def _cli(*args):
    from click.testing import CliRunner
    return CliRunner().invoke(main, list(map(str, args)))


def test_playbook_init_writes_a_file_that_loads_and_is_never_overwritten(tmp_path):
    path = tmp_path / "mine.yaml"
    r = _cli("playbook", "init", path)
    assert r.exit_code == 0 and load(path) == parse(yaml.safe_load(template()), source=str(path))
    again = _cli("playbook", "init", path)
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_malformed_playbook_on_the_command_line_is_one_line_and_exit_2(tmp_path, sample_paths):
    bad = write(tmp_path, "version: 1\nthresholds:\n  max_term_months: forever\n")
    r = _cli("analyze", sample_paths[0], "--playbook", bad, "--no-model")
    assert r.exit_code == 2
    line = [x for x in r.output.splitlines() if "playbook.yaml" in x]
    assert len(line) == 1 and "line 3: thresholds.max_term_months" in line[0]


def test_positions_in_the_json_the_workbook_and_the_briefs(tmp_path, sample_paths):
    import json
    from openpyxl import load_workbook
    pb = write(tmp_path, "required:\n  protections: [data_protection]\n  terms: [dispute_resolution]\n")
    r = _cli("analyze", sample_paths[0], "--playbook", pb, "--format", "json", "--no-model")
    assert r.exit_code == 0, r.output
    codes = {p["code"]: p["status"] for p in json.loads(r.output)["contracts"][0]["positions"]}
    assert {"data_protection", "term:dispute_resolution", "auto_renewal"} <= set(codes)
    out = tmp_path / "out"
    r = _cli("compare", sample_paths[0].parent, "--out", out, "--playbook", pb, "--no-model")
    assert r.exit_code == 0, r.output
    sheet = load_workbook(out / "comparison.xlsx")["立场对照"]
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} >= {"必须有：数据保护", "必备条款：争议解决"}
    brief = next((out / "briefs").glob("01_*.md")).read_text(encoding="utf-8")
    assert "我方立场对照" in brief and "必须有：数据保护" in brief
    assert "我方立场对照" in (out / "report.html").read_text(encoding="utf-8")


def test_the_default_playbook_gives_todays_results_byte_for_byte(tmp_path, sample_paths):
    plain = _cli("analyze", *sample_paths, "--format", "json", "--no-model")
    packaged_file = tmp_path / "packaged.yaml"
    packaged_file.write_text(template(), encoding="utf-8")
    given = _cli("analyze", *sample_paths, "--format", "json", "--no-model", "--playbook", packaged_file)
    import json
    strip = lambda out: [{k: v for k, v in c.items() if k != "positions"}  # noqa: E731
                         for c in json.loads(out)["contracts"]]
    assert plain.exit_code == given.exit_code == 0 and strip(plain.output) == strip(given.output)


def test_redline_from_the_command_line(tmp_path, sample_paths):
    contract = next(p for p in sample_paths if p.name.startswith("yangdu"))
    out = tmp_path / "yangdu-redline.docx"
    r = _cli("redline", contract, "--out", out, "--no-model")
    assert r.exit_code == 0 and "comment" in r.output and out.stat().st_size > 0
    refused = _cli("redline", contract, "--out", contract, "--no-model")
    assert refused.exit_code == 2 and str(contract.name) in refused.output


def test_the_readme_playbook_and_redline_commands_run():
    import shlex
    import subprocess
    import sys
    from tests.test_readme import ROOT, sh_block
    commands = sh_block("### Playbook and redline")
    assert [shlex.split(c)[1] for c in commands] == ["playbook", "compare", "redline"]
    for cmd in commands:
        r = subprocess.run([sys.executable, "-m", "analyzer", *shlex.split(cmd)[1:]], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, (cmd, r.stderr)
    assert (ROOT / "reports" / "yangdu-redline.docx").stat().st_size > 0
    assert list((ROOT / "reports" / "samples" / "briefs").glob("*.redline.docx"))


def test_cap_payment_service_level_and_forum_positions(tmp_path):
    a = contract(CLAUSES + ["乙方的赔偿责任总额不超过合同总金额的50%。", "甲方应在合同签订后三个工作日内付款。",
                            "乙方保证平台全年可用率不低于99.5%。"])
    pb = load(write(tmp_path, "customer:\n  city: 北京市\nthresholds:\n  min_liability_cap_pct: 100\n"
                              "  min_payment_days: 10\n  min_sla_pct: 99.9\n"))
    by = {p.code: p for p in positions(pb, a)}
    assert by["min_liability_cap_pct"].status == DEVIATION and "50%" in by["min_liability_cap_pct"].detail
    assert by["min_payment_days"].status == DEVIATION and by["min_payment_days"].detail == "3 日"
    assert by["min_sla_pct"].status == DEVIATION and by["min_sla_pct"].detail == "99.5%"
    assert by["customer_forum"].status == DEVIATION and "浦东新区" in by["customer_forum"].quote
    easy = load(write(tmp_path, "customer:\n  city: 浦东新区\nthresholds:\n  min_liability_cap_pct: 50\n"
                                "  min_payment_days: 3\n  min_sla_pct: 99\n"))
    assert {p.code: p.status for p in positions(easy, a)
            if p.code in by and p.code in {"min_liability_cap_pct", "min_payment_days", "min_sla_pct",
                                           "customer_forum"}} == dict.fromkeys(
        ["min_liability_cap_pct", "min_payment_days", "min_sla_pct", "customer_forum"], MATCH)
    silent = contract(CLAUSES[:3])
    assert {p.code: p.status for p in positions(pb, silent)}["min_sla_pct"] == MISSING


@pytest.mark.parametrize("text, pct", [("赔偿总额不超过本协议标的交易总金额", 100), ("不超过合同金额的两倍", 200),
                                       ("以30%为限", 30), ("以当月服务费为限", None)])
def test_cap_pct(text, pct):
    assert cap_pct(text) == pct


def test_the_python_api_takes_a_playbook_path(tmp_path, sample_paths):
    pb = write(tmp_path, "required:\n  protections: [data_protection]\n")
    c = analyzer.compare(sample_paths[0].parent, {"playbook": str(pb), "model": False})
    table = c.positions
    assert set(table["vendor"]) == set(c.names)
    assert (table["position"] == "必须有：数据保护").sum() == len(c.names)
    with pytest.raises(SettingsError, match="playbook must be"):
        analyzer.Settings(playbook=42)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_applies_the_playbook_in_its_workers(tmp_path, sample_paths, jobs):
    import pandas as pd
    pb = write(tmp_path, "flags:\n  auto_renewal: {acceptable: true}\n")
    flags = {}
    for name, extra in (("plain", []), ("playbook", ["--playbook", pb])):
        out = tmp_path / name
        r = _cli("batch", sample_paths[0].parent, "--out", out, "--jobs", jobs, "--chunk-size", "1", "--no-model",
                 *extra)
        assert r.exit_code == 0, r.output
        flags[name] = set(pd.read_parquet(out / "findings.parquet")["flag"])
    assert "auto_renewal" in flags["plain"] and "auto_renewal" not in flags["playbook"]
