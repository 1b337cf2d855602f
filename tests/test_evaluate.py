"""The project's evaluation follows the spec's scoring rule."""
from analyzer.evaluate import evaluate, summary_line

GOLD = {"contracts": {"a.txt": {
    "sha256": "aa", "vendor": "乙公司", "customer": None,
    "findings": [{"flag": "non_refundable", "evidence": "不予 退还"},
                 {"flag": "auto_renewal", "evidence": "自动续期"},
                 {"flag": "exclusivity", "evidence": "优先选择", "optional": True}],
    "protections": [{"code": "advance_notice", "evidence": "提前通知"}],
    "document_issues": [{"code": "blank_fields"}, {"code": "truncated", "optional": True}],
    "categories": {"present": ["refund"], "absent": ["dispute"]},
    "terms": {"contract_amount": 1000, "rate_per_minute": None}}},
    "riskier_than": []}


def test_containment_whitespace_optional_and_false_positives():
    result = {"contracts": [{
        "sha256": "aa", "vendor": "乙 公司", "customer": "甲方",
        "clauses": [{"category": "refund", "categories": ["refund"]}],
        "findings": [{"flag": "non_refundable", "text": "已付费用不予退还。"},
                     {"flag": "exclusivity", "text": "优先选择乙方"},
                     {"flag": "vendor_forum", "text": "乙方所在地法院"},
                     {"flag": "auto_renewal", "text": "自动续期" + "很长" * 300}],
        "protections": [{"code": "advance_notice", "text": "乙方应提前通知甲方"}],
        "document_issues": [{"code": "blank_fields"}, {"code": "amount_mismatch"}],
        "terms": {"contract_amount": 1000.0004, "rate_per_minute": None}, "risk_score": 10}]}
    f, tally = evaluate(GOLD, result)
    # found: non_refundable; missed: auto_renewal (its clause is over 500 characters);
    # false: vendor_forum and the over-long clause; the optional exclusivity counts for nothing
    assert (f["findings_precision"], f["findings_recall"]) == (1 / 3, 1 / 2)
    assert f["protections_recall"] == 1.0
    assert (f["issues_precision"], f["issues_recall"]) == (0.5, 1.0)
    assert f["categories"] == (2, 2) and f["terms"] == (2, 2) and f["parties"] == (2, 2)
    assert summary_line(f).startswith("findings P=0.33 R=0.50 F1=0.40 | protections P=1.00 R=1.00")


def test_missing_contract_counts_its_gold_items_as_missed():
    f, _ = evaluate(GOLD, {"contracts": []})
    assert f["missing"] == 1 and f["findings_recall"] == 0.0
