"""Commercial terms from figures and Chinese numerals; None when blank or silent."""
from analyzer.parties import parties
from analyzer.segment import clauses_of
from analyzer.terms import extract, penalties


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
