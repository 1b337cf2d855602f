"""Document issues, each shown present and absent."""
import pytest
from hypothesis import given, settings, strategies as st

from analyzer.checks import (
    blank_fields,
    check,
    folded_texts,
    language,
    numbering_anomaly,
)
from analyzer.model import Clause, Parties
from analyzer.normalize import fold
from analyzer.parties import parties
from analyzer.segment import clauses_of


def codes(text):
    clean, clauses = clauses_of(text)
    return [i.code for i in check(clauses, parties(clean.text, clauses))], check(clauses, parties(clean.text, clauses))


HEAD = "甲方：某某贸易有限公司\n乙方：某某通信有限公司\n"


def test_amount_mismatch_both_orders():
    got, issues = codes(HEAD + "一、系统使用费8000元（柒仟元整）。\n二、预存人民币壹仟元整（¥1000元）。\n")
    assert got == ["amount_mismatch"]
    assert "8000" in issues[0].message and "柒仟元整" in issues[0].message
    assert codes(HEAD + "一、实际付款金额: 12000 元, 大写: 壹万贰仟圆整。\n")[0] == []


def test_party_mismatch():
    text = HEAD + "一、乙方为甲方提供服务。\n二、其他。\n甲方（盖章）：某某商贸有限公司\n乙方（盖章）：某某通信有限公司\n"
    got, issues = codes(text)
    assert got == ["party_mismatch"] and "某某商贸有限公司" in issues[0].message
    same = HEAD + "一、乙方为甲方提供服务。\n二、其他。\n甲方（盖章）：某某贸易有限公司\n"
    assert codes(same)[0] == []


def test_blank_fields():
    assert codes(HEAD + "一、甲方预存       元话费，资费     元/分钟。\n")[0] == ["blank_fields"]
    assert codes(HEAD + "一、账号：________\n")[0] == ["blank_fields"]
    assert codes("甲方：\n乙方：某某通信有限公司\n一、乙方向甲方提供服务。\n")[0] == ["blank_fields"]
    # a heading that names a kind of party ("旅客", "会员") rather than a name is not blank
    assert codes("甲方：某某航空服务有限公司\n乙方（委托方）：委托服务旅客\n一、甲方为乙方提取行李。\n")[0] == []
    assert codes("甲方：会员\n乙方：某某健身有限公司\n一、乙方为甲方提供健身服务。\n")[0] == []
    listed = "委托服务协议\n一、合同主体\n甲方：某某航空服务有限公司\n乙方：委托服务旅客\n二、甲方为乙方提取行李。\n"
    assert codes(listed)[0] == []  # the parties listed inside the first numbered clause
    # an unsigned signature block is not a blank contract
    signed = HEAD + "一、乙方为甲方提供服务。\n甲方：某某贸易有限公司\n授权代表:\n联系电话:\n"
    assert codes(signed)[0] == []


def test_truncated():
    assert codes(HEAD + "一、服务内容。\n二、合同总金额：1200元【包含：预存...(内容过长已截断)\n")[0] == ["truncated"]
    assert codes(HEAD + "一、服务内容。\n二、乙方应当在收到款项后为甲方开通服务，")[0] == ["truncated"]
    assert codes(HEAD + "一、服务内容。\n二、本合同一式两份。\n")[0] == []


def test_conflicting_forums_and_renewal():
    text = HEAD + ("一、争议提交乙方所在地人民法院诉讼解决。\n"
                   "二、补充协议有争议的，可向合同签订地法院起诉。\n")
    got, issues = codes(text)
    assert got == ["conflicting_clauses"] and "争议解决地" in issues[0].message
    renew = HEAD + "一、期满未提出终止的，合同自动续期一年。\n二、甲方未确认续约的，视为不再续约。\n"
    assert codes(renew)[0] == ["conflicting_clauses"]
    one = HEAD + "一、争议提交乙方所在地人民法院诉讼解决。\n二、其他。\n"
    assert codes(one)[0] == []


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.integers(0, 400), st.integers(0, 3))
def test_not_chinese_exactly_when_han_is_under_a_fifth_of_the_letters(han, latin, pieces):
    text = "合" * han + "a" * latin
    step = max(1, len(text) // (pieces + 1))
    clauses = [Clause(id=f"c{i}", number=None, heading_path=(), text=text[k:k + step], start=k, end=k + step,
                      level=0, style="paragraph") for i, k in enumerate(range(0, len(text), step))]
    expected = han + latin >= 200 and han < 0.2 * (han + latin)
    assert bool(language(clauses)) is expected


def numbered(*rows):
    """Clauses from (id, number, style, parent, text) rows."""
    return tuple(Clause(id=i, number=n, heading_path=(), text=t, start=0, end=len(t), level=1, style=s, parent=p)
                 for i, n, s, p, t in rows)


def test_numbering_anomaly_names_each_break_in_a_list():
    rows = [("c1", "2", "arabic", None, "2. 服务内容。"), ("c2", "2", "arabic", None, "2. 服务期限。"),
            ("c3", "4", "arabic", None, "4. 费用。"), ("c4", "3", "arabic", None, "3. 付款。")]
    issue, = numbering_anomaly(numbered(*rows))
    assert issue.message == ("条款编号异常：2 前缺少第 1 项；2 编号重复；4 之前跳过了编号；"
                             "3 排在 4 之后，顺序错乱")
    ordered = [("c1", "1", "arabic", None, "1. 服务内容。"), ("c2", "2", "arabic", None, "2. 服务期限。")]
    assert numbering_anomaly(numbered(*ordered)) == []


def test_articles_numbered_through_the_chapters_are_in_order():
    rows = [("h1", "第一章", "chapter", None, "第一章 总则"), ("a1", "第一条", "article", "h1", "第一条 定义。"),
            ("a2", "第二条", "article", "h1", "第二条 范围。"), ("h2", "第二章", "chapter", None, "第二章 费用"),
            ("a3", "第三条", "article", "h2", "第三条 付款。"), ("a4", "第四条", "article", "h2", "第四条 发票。")]
    assert numbering_anomaly(numbered(*rows)) == []
    rows[4:] = [("a3", "第五条", "article", "h2", "第五条 付款。"), ("a4", "第六条", "article", "h2", "第六条 发票。")]
    issue, = numbering_anomaly(numbered(*rows))
    assert issue.message == "条款编号异常：第五条 前缺少第 1 项"


def test_a_list_that_starts_over_once_is_two_lists():
    once = [("c1", "1", "arabic", None, "1. 服务。"), ("c2", "2", "arabic", None, "2. 费用。"),
            ("c3", "1", "arabic", None, "1. 附件说明。"), ("c4", "2", "arabic", None, "2. 附件费用。")]
    assert numbering_anomaly(numbered(*once)) == []
    twice = once + [("c5", "1", "arabic", None, "1. 补充。"), ("c6", "1", "arabic", None, "1. 又一项。")]
    issue, = numbering_anomaly(numbered(*twice))
    assert issue.message == "条款编号异常：1 排在 2 之后，顺序错乱；1 排在 2 之后，顺序错乱；1 编号重复"


def test_an_item_that_opens_inside_the_line_before_its_list_is_item_1():
    lead = "（一）提前退租的，按如下方式处理：1.甲方违约的，双倍返还押金。"
    rows = [("p1", "(一)", "cn_paren", None, lead), ("c2", "2", "arabic", "p1", "2.乙方违约的，押金不退。"),
            ("c3", "3", "arabic", "p1", "3.其他情形协商处理。")]
    assert numbering_anomaly(numbered(*rows)) == []
    rows[0] = ("p1", "(一)", "cn_paren", None, "（一）提前退租的，按如下方式处理。")
    issue, = numbering_anomaly(numbered(*rows))
    assert issue.message == "条款编号异常：2 前缺少第 1 项"


def test_an_item_and_its_translation_share_a_number():
    rows = [("c1", "1", "arabic", None, "1. 服务项目及费用"), ("c2", "1", "arabic", None, "1. Service items and fees\n委托方申请留学。"),
            ("c3", "2", "arabic", None, "2. 退款"), ("c4", "2", "arabic", None, "2. Refund\n受托方不能保证录取。")]
    assert numbering_anomaly(numbered(*rows)) == []
    rows[3] = ("c4", "2", "arabic", None, "2. 退款的例外\n受托方不能保证录取。")
    issue, = numbering_anomaly(numbered(*rows))
    assert issue.message == "条款编号异常：2 编号重复"


def test_a_list_flattened_into_an_item_of_its_own_form_is_in_order():

    def rows(*numbers):
        return [(f"c{k}", str(n), "arabic", None, f"{n}. 第{k}项。") for k, n in enumerate(numbers)]
    assert numbering_anomaly(numbered(*rows(1, 2, 1, 2, 3, 4, 3, 4))) == []  # 1–4 under 2, then 3
    issue, = numbering_anomaly(numbered(*rows(1, 2, 1, 2, 3, 3, 1, 5)))
    assert issue.message == "条款编号异常：1 排在 2 之后，顺序错乱；3 编号重复；1 排在 3 之后，顺序错乱；5 之前跳过了编号"


def test_numbering_anomaly_checks_a_dotted_number_against_its_parent():
    rows = [("c1", "1", "arabic", None, "1. 服务。"), ("c2", "2", "arabic", None, "2. 费用。"),
            ("c3", "3.1", "dotted2", "c2", "3.1 月费。"), ("c4", "3.2", "dotted2", "c2", "3.2 年费。")]
    issue, = numbering_anomaly(numbered(*rows))
    assert issue.message == "条款编号异常：3.1 与上级条款 2 的编号不符；3.2 与上级条款 2 的编号不符"
    rows[2:] = [("c3", "2-1", "dotted2", "c2", "2-1 月费。"), ("c4", "2-2", "dotted2", "c2", "2-2 年费。")]
    assert numbering_anomaly(numbered(*rows)) == []


def test_a_blank_is_a_run_of_underscores_half_or_full_width():
    named = Parties({"甲方": "某某贸易有限公司", "乙方": "某某通信有限公司"}, {}, None, None, "")
    for text, blank in (("账号：___", True), ("账号：＿＿＿", True), ("账号：__＿", True), ("账号：__", False),
                        ("账号_名称", False)):
        found = blank_fields(numbered(("c1", None, "paragraph", None, text)), named)
        assert [i.code for i in found] == (["blank_fields"] if blank else []), text


@pytest.mark.parametrize("text, blank", [
    ("欢迎申请使用XXX公司提供的邮箱服务。", True), ("“委托方”指×××（委托方名称）。", True),
    ("卡号：333333xxxxxx。", True), ("XL号的工作服两套。", False), ("Max 版本。", False),
])
def test_a_placeholder_for_a_name_or_number_is_a_blank(text, blank):
    named = Parties({"甲方": "某某贸易有限公司", "乙方": "某某通信有限公司"}, {}, None, None, "")
    found = blank_fields(numbered(("c1", None, "paragraph", None, text)), named)
    assert [i.code for i in found] == (["blank_fields"] if blank else []), text


def test_the_clauses_folded_together_are_each_clause_folded():
    texts = ["一、合同總金額：５０００元（伍仟圓整）", "", "二、⾒證人　　　簽字＿＿", "3. plain text", "（４）ＡＢＣ"]
    clauses = [Clause(f"c{i}", None, (), t, 0, len(t), 0, "paragraph") for i, t in enumerate(texts)]
    assert folded_texts(clauses) == [fold(t) for t in texts]
    assert folded_texts([]) == []
