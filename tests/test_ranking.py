"""A ranking a buyer can trust: distinct issues, missing terms, contradictions, regulatory
clauses, asks that fit the clause, stable references and whole quotes."""
import json
import re
from pathlib import Path

import pytest

from analyzer.brief import brief
from analyzer.comparison import compare
from analyzer.distinct import group, near_identical
from analyzer.expected import expected_terms
from analyzer.model import Document
from analyzer.normalize import squash
from analyzer.pipeline import analyze, analyze_document, expand
from analyzer.render.report import write_all

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "contracts"
RULES_ONLY = {"model": False}

HEAD = "呼叫中心服务合同\n甲方：某某贸易有限公司\n乙方：某某通信有限公司\n"
# one clause per expected term, keyed by its code
TERMS = {
    "service_level": "乙方向甲方提供呼叫中心服务，乙方保证平台全年可用率不低于99.9%。",
    "price": "合同总金额为12000元，通话资费0.1元/分钟。",
    "term": "本合同期限为12个月。",
    "vendor_liability": "乙方未按约定提供服务的，应向甲方支付合同总金额10%的违约金。",
    "refund_on_vendor_fault": "因乙方原因导致服务无法继续的，乙方应退还甲方未消费的费用。",
    "data_protection": "乙方对甲方的客户数据负有保密义务，不得泄露给任何第三方。",
    "customer_termination": "乙方违约且经甲方书面催告后十日内未纠正的，甲方有权解除本合同。",
    "dispute_resolution": "因本合同发生的争议，提交被告所在地人民法院诉讼解决。",
}
NUMBERS = "一二三四五六七八九十"


def contract(clauses, head=HEAD, name="c.txt"):
    text = head + "".join(f"{NUMBERS[i]}、{c}\n" for i, c in enumerate(clauses))
    return analyze_document(Document(name, name, text, "txt"), RULES_ONLY)


def full(**changes):
    """The complete contract, with clauses replaced (a code → its new text, or None to drop it)."""
    clauses = dict(TERMS, **changes)
    return contract([c for c in clauses.values() if c])


def test_the_complete_contract_misses_nothing_and_risks_nothing():
    a = full()
    assert a.missing == () and a.findings == () and a.risk_score == 0


@pytest.mark.parametrize("code", list(TERMS))
def test_each_missing_term_is_reported_and_costs_points(code):
    assert code in {e.code for e in expected_terms()}
    a = full(**{code: None})
    assert a.missing == (code,)
    assert a.risk_score > full().risk_score
    assert a.to_dict()["missing_terms"] == [code]


def test_the_same_point_twice_is_one_issue():
    once = full(term="本合同期限为12个月。预存话费用完的，乙方有权停止服务，不再另行通知。")
    twice = full(term="本合同期限为12个月。预存话费用完的，乙方有权停止服务，不再另行通知。",
                 price="合同总金额为12000元，通话资费0.1元/分钟。预存款用完的，乙方有权停止服务，不再另行通知。")
    assert len(twice.findings) == 2 and once.risk_score == twice.risk_score
    comp = compare([twice, full()])
    name = comp.names[comp.analyses.index(twice)]
    assert comp.counts(name)["high"] + comp.counts(name)["medium"] == 1
    points = brief(comp, name).points
    assert len(points) == 1 and "、" in points[0].clause  # one point, both places


def test_a_second_clause_of_one_protection_does_not_make_it_safer():
    more = full(data_protection="乙方对甲方的客户数据负有保密义务，不得泄露给任何第三方。"
                                "因乙方原因终止合同的，乙方退还甲方剩余的预存费用。")
    assert len([p for p in more.protections if p.code == "refund_on_vendor_fault"]) == 2
    assert more.risk_score == full().risk_score


def test_a_regulatory_clause_is_shown_as_such_with_no_ask():
    duty = "根据反恐法及相关规定，运营商有权在不通知客户情况下先行关停号码进行核查。"
    a = full(term="本合同期限为12个月。" + duty)
    f = next(f for f in a.findings if f.flag == "unilateral_suspension")
    assert f.regulatory and a.risk_score == full().risk_score
    comp = compare([a, full()])
    b = brief(comp, comp.names[comp.analyses.index(a)])
    assert not b.points and len(b.regulatory) == 1
    assert b.regulatory[0].ask == "" and "法定义务" in b.summary


def test_an_arbitration_clause_is_cited_under_the_arbitration_law():
    a = full(dispute_resolution="协商不成的，提交乙方所在地仲裁委员会仲裁。")
    f = next(f for f in a.findings if f.flag == "vendor_forum")
    assert "仲裁法" in f.legal_basis and "民事诉讼法" not in f.legal_basis
    court = full(dispute_resolution="协商不成的，提交乙方所在地人民法院诉讼解决。")
    assert "民事诉讼法" in next(f for f in court.findings if f.flag == "vendor_forum").legal_basis


def test_an_ask_never_requests_the_refund_the_clause_gives():
    gives = full(refund_on_vendor_fault="合同终止时，乙方只无息退还预存话费未用完量，已付服务费不予退还。")
    comp = compare([gives, full()])
    point = next(p for p in brief(comp, comp.names[comp.analyses.index(gives)]).points if p.flag == "non_refundable")
    assert "在已约定退还未使用余额的基础上" in point.ask
    assert "退还甲方账户中未消费的预存费用" not in point.ask


# -- contradictions ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, changes", [
    ("forum", {"term": "本合同期限为12个月。补充协议发生争议的，提交乙方所在地人民法院诉讼解决。"}),
    ("renewal", {"term": "本合同期限为12个月，期满未提出终止的，合同自动续期一年。",
                 "price": "合同总金额为12000元，通话资费0.1元/分钟。甲方未书面确认续约的，视为不再续约。"}),
    ("refund", {"customer_termination": "甲方可随时提前三十日书面通知乙方终止本合同，乙方退还甲方未消费的费用。",
                "term": "本合同期限为12个月。如甲方提前终止合同，已付费用不予退还。"}),
    ("termination", {"customer_termination": "甲方可随时提前三十日书面通知乙方解除本合同。",
                     "term": "本合同期限为12个月，合同期内甲方不得提前解除合同。"}),
    ("amount", {"refund_on_vendor_fault": "合同总金额为15000元，甲方于签约后五日内付清。"
                                          "因乙方原因导致服务无法继续的，乙方应退还甲方未消费的费用。"}),
    ("term", {"dispute_resolution": "本协议有效期为24个月。因本合同发生的争议，提交被告所在地人民法院诉讼解决。"}),
])
def test_each_contradiction_is_reported_with_both_quotes(kind, changes):
    a = full(**changes)
    found = [k for k in a.contradictions if k.kind == kind]
    assert len(found) == 1, a.contradictions
    k = found[0]
    assert k.first != k.second and k.first_quote in a.clause(k.first).text and k.second_quote in a.clause(k.second).text
    conflict = [i for i in a.issues if i.code == "conflicting_clauses"]
    assert bool(conflict) == (kind in ("forum", "renewal", "amount", "term"))
    assert a.to_dict()["contradictions"][0]["kind"] == kind


def test_a_limit_on_extensions_is_no_second_term():
    a = full(dispute_resolution="经双方同意可延长服务期，最长有效期三年。" + TERMS["dispute_resolution"])
    assert not [k for k in a.contradictions if k.kind == "term"]


def test_a_forum_with_a_choice_in_one_clause_is_no_contradiction():
    a = full(dispute_resolution="协商不成的，可向被告所在地人民法院起诉，或提交北京仲裁委员会仲裁。")
    assert not [k for k in a.contradictions if k.kind == "forum"]


# -- on the samples ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples():
    return compare([analyze(p, RULES_ONLY) for p in sorted(SAMPLES.iterdir())])


def _name(comp, stem):
    return next(n for n, a in zip(comp.names, comp.analyses) if Path(a.document.source).stem == stem)


def test_the_blank_template_is_not_ranked_safest(samples):
    blank = _name(samples, "yunshang_blank_template")
    assert samples.rank_of(blank) is None and "填写后才能排名" in samples.unranked[blank]
    assert samples.ranking()[-1][1] == blank  # listed last, not as the safest choice
    assert "未排名" in brief(samples, blank).summary
    assert {"price", "term", "dispute_resolution"} <= set(samples.analysis(blank).missing)


def test_nothing_on_the_samples_is_counted_twice(samples):
    for name in samples.names:
        a = samples.analysis(name)
        b = brief(samples, name)
        places = [(p.flag, p.clause) for p in b.points + b.regulatory]
        assert len(places) == len(set(places))
        assert len(b.points) + len(b.regulatory) == len(samples.issues[name])
        assert len(b.protections) == len(samples.kept[name]) <= len(a.protections)
    shangketong = _name(samples, "shangketong_400_renewal")
    assert len(samples.issues[shangketong]) < len(samples.analysis(shangketong).findings)


def test_the_refund_conflict_of_youyin_2023_is_reported(samples):
    a = samples.analysis(_name(samples, "youyin_call_centre_2023"))
    k = next(k for k in a.contradictions if k.kind == "refund")
    assert "8.2" in k.first_quote and "不退还服务费" in k.second_quote


def test_yangdu_gets_no_ask_for_the_refund_it_gives(samples):
    b = brief(samples, _name(samples, "yangdu_outbound_system"))
    point = next(p for p in b.points if p.flag == "non_refundable")
    assert "未用完量" in point.quote and "退还甲方账户中未消费的预存费用" not in point.ask


def _quoted_words_checked(comp) -> int:
    """Assert every word an ask or fallback quotes 「…」 is in the clause of its point; the count."""
    checked = 0
    for name in comp.names:
        a = comp.analysis(name)
        for p in brief(comp, name).points:
            texts = {squash(a.clause(f.clause_id).text) for f in a.findings
                     if f.flag == p.flag and (a.clause(f.clause_id).label or f.clause_id) in p.clause}
            for words in re.findall(r"「([^」]+)」", p.ask + p.fallback):
                assert any(squash(words) in t for t in texts), (name, p.clause, words)
                checked += 1
            assert "{hit}" not in p.ask + p.fallback
    return checked


def test_every_ask_quotes_only_words_of_its_clause(samples):
    assert _quoted_words_checked(samples) >= 1  # the samples do make an ask that quotes the clause


def test_every_ask_on_the_labeled_contracts_quotes_only_words_of_its_clause():
    texts = sorted((SAMPLES.parent / "labeled" / "texts").iterdir())
    comp = compare([analyze(p, RULES_ONLY) for p in texts], with_counterparts=False)
    assert len(comp.names) >= 90 and _quoted_words_checked(comp) >= 1


def test_references_cite_no_truncated_or_blank_contract(samples):
    bad = [_name(samples, "yunshang_blank_template"), _name(samples, "youyin_400_ai_note")]
    for name in samples.names:
        for p in brief(samples, name).points:
            assert not any(b in p.reference for b in bad if b != name), (name, p.reference)


def test_two_contracts_of_one_vendor_are_told_apart_by_their_titles(samples):
    youyin = [n for n in samples.names if n.startswith("北京优音通信有限公司")]
    assert sorted(youyin) == ["北京优音通信有限公司（400呼叫中心服务协议（标准））", "北京优音通信有限公司（企业呼叫中心服务协议）"]


def test_a_list_clause_is_quoted_with_its_items(samples):
    name = _name(samples, "youyin_call_centre_2023")
    quotes = [p.quote for p in brief(samples, name).points]
    listed = next(q for q in quotes if q.startswith("7. 以下情形不属于乙方违约"))
    assert "7.1" in listed and "7.2" in listed


def test_reversed_inputs_give_byte_identical_briefs_and_results(tmp_path):
    paths = sorted(SAMPLES.iterdir())
    runs = []
    for k, order in enumerate((paths, paths[::-1])):
        out = tmp_path / f"run{k}"
        write_all(compare([analyze(p, RULES_ONLY) for p in order]), out)
        runs.append(out)
    first, second = runs
    names = sorted(p.relative_to(first) for p in (first / "briefs").glob("*.md"))
    assert names == sorted(p.relative_to(second) for p in (second / "briefs").glob("*.md")) and names
    for rel in names + [Path("results.json"), Path("comparison.md")]:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert json.loads((first / "results.json").read_text(encoding="utf-8"))


def test_a_readme_in_a_contracts_folder_is_no_vendor(tmp_path):
    (tmp_path / "README.md").write_text("# 合同目录说明\n这里放供应商合同。\n", encoding="utf-8")
    (tmp_path / "vendor.txt").write_text(HEAD + "一、" + TERMS["price"] + "\n", encoding="utf-8")
    assert [p.name for p in expand([tmp_path])] == ["vendor.txt"]
    assert [p.name for p in expand([tmp_path / "README.md"])] == ["README.md"]  # named itself: taken


def test_an_empty_contract_is_not_ranked():
    empty = analyze_document(Document("empty.txt", "e", "\n\n", "txt"), RULES_ONLY)
    comp = compare([empty, full()])
    assert comp.rank_of(comp.names[comp.analyses.index(empty)]) is None


def test_the_cost_is_shown_like_for_like_in_every_output(tmp_path, samples):
    from openpyxl import load_workbook
    write_all(samples, tmp_path)
    yangdu = _name(samples, "yangdu_outbound_system")
    assert samples.costs[yangdu].amount_candidates == (5000.0, 3500.0)
    assert "5000 或 3500？" in dict(brief(samples, yangdu).cost)["合同金额（元）"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "可比成本" in html and "5000 或 3500？" in html
    assert "5000 或 3500？" in (tmp_path / "comparison.md").read_text(encoding="utf-8")
    sheet = load_workbook(tmp_path / "comparison.xlsx")["可比成本"]
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=2)}
    header = [c.value for c in sheet[1]]
    shangketong = rows[_name(samples, "shangketong_400_renewal")]
    # 12000 元 over 72 months is 2000 元 a year; 2000 元 over 36 months is 666.67 a year
    assert shangketong[header.index("年化费用（元/年）")] == "2000"
    assert rows[_name(samples, "youyin_call_centre_2023")][header.index("年化费用（元/年）")] == "666.67"
    assert rows[yangdu][header.index("合同金额（元）")] == "5000 或 3500？"
    assert list(rows)[-1] == _name(samples, "yunshang_blank_template")  # rank order, the unranked last


def test_quotes_alike_in_part_are_one_point_only_in_near_identical_clauses():
    from types import SimpleNamespace as Hit
    clause = "当预存话费消费完毕时，系统会自动停断服务，乙方不另行通知。"
    a = Hit(flag="x", clause_id="c1", quote="当预存话费消费完毕时，系统会自动停断服务", text=clause)
    b = Hit(flag="x", clause_id="c2", quote="预存话费消费完毕时系统会自动停断服务并不另行通知甲方", text=clause)
    far = Hit(flag="x", clause_id="c3", quote="甲方应于每月五日前支付上月服务费用", text="甲方应于每月五日前支付上月服务费用。")
    assert near_identical(a, b) and not near_identical(a, far)
    assert [g.members for g in group([a, far, b])] == [(0, 2), (1,)]
