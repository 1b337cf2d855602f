"""The customer's playbook: validated at load, positions per vendor, findings fitted to it."""
from pathlib import Path

import pytest
import yaml

from analyzer.errors import InputError
from analyzer.model import Document
from analyzer.pipeline import analyze_document
from analyzer.playbook import (
    DEVIATION,
    MATCH,
    MISSING,
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
