"""Commercial terms from figures and Chinese numerals; None when blank or silent."""
from pathlib import Path

import pytest

from analyzer.parties import parties
from analyzer.pipeline import analyze
from analyzer.segment import clauses_of
from analyzer.terms import GATES, RATE_PER_MINUTE, SMS_RATE, TERM_AFTER, extract, live, live_ids, penalties


def terms(text):
    clean, clauses = clauses_of(text)
    return extract(clauses, parties(clean.text, clauses)).values()


HEAD = "甲方：某某贸易有限公司\n乙方：某某通信有限公司\n一、乙方向甲方提供呼叫中心服务。\n"


def test_figures_and_numerals():
    t = terms(HEAD + "二、合同金额：人民币壹万伍仟元整。\n三、资费：0.15元/6秒，短信0.05元/条。\n"
                     "四、每月最低消费300元/月。\n五、本合同有效期为两年。\n")
    assert t["contract_amount"] == 15000
    assert t["rate_per_minute"] == 1.5
    assert t["sms_rate"] == 0.05
    assert t["minimum_spend"] == 3600
    assert t["term_months"] == 24


def test_minimum_spend_with_its_period_before_it():
    assert terms(HEAD + "二、甲方每月的最低消费额为人民币2000元。\n")["minimum_spend"] == 24000
    assert terms(HEAD + "二、每季度最低消费：￥9000元。\n")["minimum_spend"] == 36000


def test_penalty_pct_on_the_customer():
    t = terms(HEAD + "二、合同总金额：5000元。\n三、甲方逾期付款的，应向乙方支付合同总金额百分之四十的违约金。\n"
                     "四、乙方违约的，应向甲方支付合同总金额60%的违约金。\n")
    assert t["penalty_pct_max"] == 40


def test_blank_template_gives_none():
    t = terms(HEAD + "二、甲方预存       元话费，资费     元/分钟，合计人民币        元（大写：       元整）。\n")
    assert all(v is None for v in t.values())


def test_term_after_a_date_range():
    assert terms(HEAD + "二、服务期限：自2024年1月1日起至2024年12月31日止，共12个月。\n")["term_months"] == 12
    assert terms(HEAD + "二、合同期限：自2024年3月1日起至2026年2月28日止。\n")["term_months"] == 24
    assert terms(HEAD + "二、服务期限：2023年7月1日至2024年6月30日。\n")["term_months"] == 12
    assert terms(HEAD + "二、合同期限：自2024年2月30日起至2025年2月28日止。\n")["term_months"] is None  # no such day


def test_retention_period_is_not_the_term():
    assert terms(HEAD + "二、通话记录保留期限为5个月。\n")["term_months"] is None


def test_who_pays_a_penalty():
    pens = penalties("乙方有权要求甲方赔偿与本协议等额的违约金。乙方未开通的，应赔偿甲方合同金额30%的违约金。")
    assert [(p.payer, p.pct) for p in pens] == [("customer", 100.0), ("vendor", 30.0)]
    assert penalties("违约方应向守约方支付20%的违约金。")[0].payer == "either"
    # no payer named: the side whose breach opens the sentence pays
    late = penalties("乙方逾期交稿的，每日按未完成部分费用的千分之五支付违约金。")[0]
    assert (late.payer, late.daily) == ("vendor", 0.5)
    assert penalties("一方违约的，另一方可以解除合同并要求对方赔偿损失，赔偿金额为制作费用的50%。")[0].payer == "either"
    assert [(p.payer, p.pct) for p in penalties("乙方须向甲方赔偿合同总价的10%租用服务费损失。")] == [("vendor", 10.0)]


def test_unused_fees_kept_as_the_penalty_have_no_share():
    kept = penalties("甲方违约的，未使用的服务费用作为违约金归乙方所有。")[0]
    assert kept.forfeits and kept.pct is None and kept.payer == "customer"


def read(text):
    """The whole Terms record, new fields included, through the real segmenter and resolver."""
    clean, clauses = clauses_of(text)
    return extract(clauses, parties(clean.text, clauses))


def test_fee_per_year_times_the_term_is_the_amount():
    t = read(HEAD + "二、服务费为每年人民币36000元。\n三、合同期限为三年。\n")
    assert (t.annual_amount, t.term_months, t.contract_amount) == (36000, 36, 108000)
    t = read(HEAD + "二、年费12000元。\n三、本合同有效期为两年。\n")
    assert (t.annual_amount, t.contract_amount) == (12000, 24000)
    t = read(HEAD + "二、年服务费8000元。\n三、服务期限为一年。\n")
    assert (t.annual_amount, t.contract_amount) == (8000, 8000)
    t = read(HEAD + "二、甲方每年应向乙方支付服务费人民币3000元。\n三、合同期限：2年。\n")
    assert (t.annual_amount, t.contract_amount) == (3000, 6000)


@pytest.mark.parametrize("clause, annual", [("二、服务费为每年人民币36000元。\n", 36000),
                                           ("二、每年3000元。\n", 3000), ("二、年服务费1.2万元。\n", 12000)])
def test_fee_per_year_without_a_term_leaves_the_amount_unstated(clause, annual):
    t = read(HEAD + clause)
    assert (t.annual_amount, t.contract_amount) == (annual, None)


def test_a_subtotal_beside_a_price_per_year_is_not_the_total():
    # it may be one year's
    t = read(HEAD + "二、年服务费12000元，合计12000元。\n")
    assert (t.annual_amount, t.contract_amount) == (12000, None)


def test_figure_first_price_per_year():
    t = read(HEAD + "二、合同套餐 1200元/年，预存通话费1200.00元。\n三、合同总金额：1200.00元。\n")
    assert (t.annual_amount, t.contract_amount, t.prepaid) == (1200, 1200, 1200)
    t = read(HEAD + "二、收费标准：99元一年。\n三、VIP学员的有效学习时间为1年。\n")
    assert (t.annual_amount, t.term_months, t.contract_amount) == (99, 12, 99)
    # a minimum spend per year is no price, a unit price per seat is no contract price
    t = read(HEAD + "二、甲方预存话费：12000元，最低消费：2000元/1年。\n三、单价1200元/年/座席。\n")
    assert (t.annual_amount, t.minimum_spend, t.prepaid, t.contract_amount) == (None, 2000, 12000, None)


def test_totals_and_subtotals():
    assert read(HEAD + "二、服务费总计15000元。\n").contract_amount == 15000
    assert read(HEAD + "二、合计9000元。\n").contract_amount == 9000
    assert read(HEAD + "二、合计：人民币9000元。\n").contract_amount == 9000
    assert read(HEAD + "二、本合同费用共计人民币：壹仟伍百元整。\n").contract_amount == 1500
    assert read(HEAD + "二、退费时收取管理服务费和退费手续合计500元。\n").contract_amount is None


def test_amount_in_a_table_row():
    tab = read(HEAD + "二、费用明细\n项目\t金额\n服务费\t12000元\n合计\t12000元\n")
    assert tab.contract_amount == 12000
    piped = read(HEAD + "二、费用明细\n| 项目 | 金额 |\n| 服务费 | 12,000 元 |\n总价 | 12,000 元\n")
    assert piped.contract_amount == 12000


def test_amounts_in_wan():
    assert read(HEAD + "二、合同金额：人民币3.5万元。\n").contract_amount == 35000
    assert read(HEAD + "二、合同总价：壹万贰仟元整（¥12000元）。\n").contract_amount == 12000


def test_figure_and_capitals_that_disagree_give_both_and_no_amount():
    t = read(HEAD + "二、合同总金额：5000元（叁仟伍佰元整）。\n")
    assert (t.contract_amount, t.amount_candidates) == (None, (5000.0, 3500.0))
    t = read(HEAD + "二、系统使用费5000元（叁仟伍佰元整）在开设系统时付清。\n")
    assert (t.contract_amount, t.amount_candidates) == (None, (5000.0, 3500.0))
    # agreeing: one amount, no candidates; a penalty's disagreement is not the amount's
    t = read(HEAD + "二、实际付款金额：12000元，大写：壹万贰仟圆整。\n三、投诉扣款1000元（贰仟圆）。\n")
    assert (t.contract_amount, t.amount_candidates) == (12000, ())
    # a disputed price per year, over two years
    t = read(HEAD + "二、年服务费5000元（叁仟伍佰元整）。\n三、服务期限两年。\n")
    assert (t.contract_amount, t.annual_amount, t.amount_candidates) == (None, None, (10000.0, 7000.0))


def test_yangdu_sample_carries_both_figures():
    sample = Path(__file__).resolve().parent.parent / "data" / "contracts" / "yangdu_outbound_system.txt"
    t = analyze(sample, {"model": False}).terms
    assert (t.contract_amount, t.amount_candidates) == (None, (5000.0, 3500.0))


def test_prepaid():
    assert read(HEAD + "二、甲方预存话费：12000元。\n").prepaid == 12000
    assert read(HEAD + "二、甲方每次预付1000元。\n").prepaid is None  # a top-up each time
    assert read(HEAD + "二、甲方预存       元话费。\n").prepaid is None  # blank


def test_a_contract_is_read_for_every_gated_pattern_one_of_its_clauses_matches():
    clean, clauses = clauses_of(HEAD + "二、合同总金额为10000元，合同期限为12个月，预存500元。\n"
                                       "三、甲方逾期付款的，按每日千分之五支付违约金。\n")
    views = [(c, c.text) for c in clauses]
    matched = {pat for pat in GATES for _, v in views if pat.search(v)}
    assert matched and matched <= live(views)
    assert not live([(c, "无关的文字") for c in clauses])


def test_the_patterns_read_in_a_clause_are_those_its_words_allow():
    views = [(None, "合同总金额为人民币5000元。"), (None, "本合同有效期为12个月，预付款1000元。"),
             (None, "甲方逾期付款的，按日支付违约金。"), (None, "双方友好协商。")]
    for (_, v), may in zip(views, live_ids(views)):
        assert {id(pat) for pat in GATES if pat.search(v)} <= may
        assert may == {id(pat) for pat, passes in GATES.items() if passes(v)}


def test_the_rates_terms_and_disputed_fees_are_read_where_their_words_are():
    views = [(None, "通话费0.1元/分钟，短信0.1元/条。"), (None, "套餐费1200元/1年，系统使用费5000元（叁仟伍佰元整）。"),
             (None, "续约期12个月。"), (None, "双方友好协商。")]
    for (_, v), ids in zip(views, live_ids(views)):
        assert {id(pat) for pat in GATES if pat.search(v)} <= ids
    first, second, _, none = live_ids(views)
    assert {id(RATE_PER_MINUTE), id(SMS_RATE)} <= first and id(TERM_AFTER) in second
    assert not none
