"""Like-for-like cost: per-year pricing, amounts over months, disputed figures, refunds."""
import hashlib

import pytest

from analyzer.cost import COLUMNS, UNKNOWN, VENDOR, Cost, cost, cost_rows, refundable
from analyzer.model import Analysis, Document, Finding, Parties, Protection, Terms
from analyzer.pipeline import analyze_document
from analyzer.rules import SPEC_FLAGS, SPEC_PROTECTIONS

LABELS = [col.label for col in COLUMNS]


def finding(flag):
    return Finding(flag=flag, severity="high", mutual=False, clause_id="c001", text="", quote="", start=0,
                   end=0, rule="test", category="refund", explanation="", legal_basis="")


def protection(code):
    return Protection(code=code, clause_id="c001", text="", quote="", start=0, end=0, rule="test",
                      explanation="")


def analysis(terms, flags=(), codes=()):
    """An Analysis holding only what cost reads: terms, findings and protections."""
    parties = Parties(names={}, signature_names={}, vendor_role=None, customer_role=None, role_evidence="")
    return Analysis(document=Document("t.txt", "0" * 64, "", "txt"), parties=parties, clauses=(),
                    findings=tuple(map(finding, flags)), protections=tuple(map(protection, codes)),
                    issues=(), terms=terms, risk_score=0.0)


def row(c):
    return cost_rows({"甲公司": c})[0]


def test_priced_per_year():
    c = cost(analysis(Terms(annual_amount=36000.0, contract_amount=108000.0, term_months=36.0,
                            minimum_spend=24000.0, prepaid=10000.0)))
    assert (c.annual_cost, c.total_over_term, c.minimum_exposure, c.prepaid) == (36000, 108000, 72000, 10000)
    assert row(c) == {VENDOR: "甲公司", "合同金额（元）": "108000", "年化费用（元/年）": "36000",
                      "合同期（月）": "36", "期内总额（元）": "108000", "预存/预付（元）": "10000",
                      "最低消费敞口（元）": "72000", "余额可退": UNKNOWN, "通话（元/分钟）": UNKNOWN,
                      "短信（元/条）": UNKNOWN}


def test_priced_per_year_without_a_term():
    c = cost(analysis(Terms(annual_amount=1200.0, minimum_spend=600.0)))
    assert (c.annual_cost, c.total_over_term, c.minimum_exposure) == (1200, None, None)
    assert [row(c)[k] for k in ("合同金额（元）", "年化费用（元/年）", "期内总额（元）")] == [UNKNOWN, "1200", UNKNOWN]


def test_amount_over_months_is_annualised():
    c = cost(analysis(Terms(contract_amount=2000.0, term_months=36.0, rate_per_minute=0.1, sms_rate=0.05)))
    assert c.annual_cost == pytest.approx(666.6666667)
    assert c.total_over_term == 2000
    r = row(c)
    assert (r["年化费用（元/年）"], r["合同期（月）"], r["通话（元/分钟）"], r["短信（元/条）"]) == ("666.67", "36", "0.1", "0.05")
    # 18 months: 12000 over 1.5 years
    assert cost(analysis(Terms(contract_amount=12000.0, term_months=18.0))).annual_cost == 8000


def test_amount_without_a_term_has_no_annual_cost():
    c = cost(analysis(Terms(contract_amount=5000.0)))
    assert (c.annual_cost, c.total_over_term) == (None, 5000)


def test_disputed_figures_are_shown_both():
    c = cost(analysis(Terms(amount_candidates=(5000.0, 3500.0))))
    assert (c.contract_amount, c.amount_candidates, c.annual_cost) == (None, (5000.0, 3500.0), None)
    r = row(c)
    assert (r["合同金额（元）"], r["期内总额（元）"], r["年化费用（元/年）"]) == ("5000 或 3500？", "5000 或 3500？", UNKNOWN)
    # with a term the annual cost is disputed too
    r = row(cost(analysis(Terms(amount_candidates=(10000.0, 7000.0), term_months=24.0))))
    assert (r["合同金额（元）"], r["年化费用（元/年）"]) == ("10000 或 7000？", "5000 或 3500？")


@pytest.mark.parametrize("flags, codes, want, shown", [
    ((), ("refund_on_vendor_fault",), "yes", "可退"),
    (("non_refundable",), (), "no", "不可退"),
    (("non_refundable", "minimum_commitment"), ("refund_on_vendor_fault",), "partly", "部分可退"),
    (("minimum_commitment",), ("advance_notice",), None, UNKNOWN),
])
def test_refundable(flags, codes, want, shown):
    a = analysis(Terms(), flags, codes)
    assert refundable(a.findings, a.protections) == want
    assert row(cost(a))["余额可退"] == shown


def test_refund_codes_are_the_specs():
    assert "non_refundable" in SPEC_FLAGS and "refund_on_vendor_fault" in SPEC_PROTECTIONS


def test_unknowns_and_raw_values():
    c = cost(analysis(Terms()))
    assert c == Cost()
    assert row(c) == {VENDOR: "甲公司", **{label: UNKNOWN for label in LABELS}}
    assert c.values() == {col.key: None for col in COLUMNS}
    assert list(cost_rows({"甲": c, "乙": c})[1]) == [VENDOR] + LABELS


def test_through_the_pipeline():
    text = ("甲方：某某贸易有限公司\n乙方：某某通信有限公司\n一、乙方向甲方提供呼叫中心服务。\n"
            "二、服务费为每年人民币36000元，资费0.1元/分钟，短信0.05元/条。\n三、本合同有效期为三年。\n"
            "四、甲方每月最低消费2000元。\n五、甲方预存话费10000元。\n"
            "六、合同终止后，甲方已支付的费用及预存话费余额不予退还。\n")
    doc = Document("t.txt", hashlib.sha256(text.encode()).hexdigest(), text, "txt")
    c = cost(analyze_document(doc, {"model": False}))
    assert c.values() == {"contract_amount": 108000, "annual_cost": 36000, "term_months": 36,
                          "total_over_term": 108000, "prepaid": 10000, "minimum_exposure": 72000,
                          "refundable": "no", "rate_per_minute": 0.1, "sms_rate": 0.05}
