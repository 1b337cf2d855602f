"""Each sentence read once: acts with actor, modality and negation; rules over the reading.

Every text here is written for the test (the vendor is 服务商/平台, the customer 客户/您): one per
idiom family the rules must cover, the direction cases, and clauses that carry two flags.
"""
import pytest
from hypothesis import given, settings, strategies as st

from analyzer.measures import Context
from analyzer.model import Clause, Parties
from analyzer.normalize import fold
from analyzer.parties import resolve
from analyzer.reading import lexicon, read, read_all, read_sentence, view
from analyzer.rules import rulebook
from analyzer.score import match_text
from analyzer.segment import clauses_of

BOOK = rulebook()


def acts(text):
    return [(a.action, a.actor, a.modality, a.negated) for s in read(text).sentences for a in s.acts]


def flags(text, vendor=None, customer=None):
    """The codes the rule book finds in a text read without named parties."""
    ctx = Context(vendor=vendor, customer=customer)
    return {r.code for r in BOOK.rules if match_text(r, text, ctx)}


@pytest.mark.parametrize("text, act", [
    ("服务商有权终止本协议。", ("terminate", "vendor", "right", False)),
    ("服务商拥有随时终止本协议之权利。", ("terminate", "vendor", "right", False)),
    ("平台保留暂停服务的权利。", ("suspend", "vendor", "right", False)),
    ("服务商将会终止向客户提供的全部服务。", ("terminate", "vendor", "will", False)),
    ("服务商不得擅自终止本协议。", ("terminate", "vendor", "prohibited", False)),
    ("客户有权在服务商违约时解除本协议。", ("terminate", "customer", "right", False)),
    ("客户违约的，服务商可以暂停服务。", ("suspend", "vendor", "right", False)),
    # the subject opens the sentence; the customer after 发现 is the object
    ("服务商发现客户违规的，有权立即暂停服务。", ("suspend", "vendor", "right", False)),
    # the actor of a modal word, with the customer's agreement before it
    ("客户同意服务商有权将客户的账户冻结。", ("suspend", "vendor", "right", False)),
    # a long reason between the right and the change
    ("服务商有权根据国家政策、行业规范及自身运营需要并结合实际情况，随时调整本服务的收费标准。",
     ("amend", "vendor", "right", False)),
    ("服务商不会向任何第三方透露客户的资料。", ("disclose", "vendor", "will", True)),
    ("服务商无须向客户承担责任。", ("bear", "vendor", "exempt", False)),
    ("服务商均不对任何间接损失负责。", ("bear", "vendor", None, True)),
    # a party with a Latin qualifier still opens its clause; a possessor is no actor
    ("如果VIP客户不同意服务商的变更，有权选择取消服务。", ("terminate", "customer", "right", False)),
])
def test_the_act_of_a_sentence(text, act):
    assert act in acts(text)


@pytest.mark.parametrize("text, act", [
    ("相关费用由客户自行承担。", ("bear", "customer", "right", False)),  # an agent after 由
    ("该客户有权终止服务。", ("terminate", "customer", "right", False)),  # a quantifier before the subject
    ("服务商不会将客户的资料出售给其他第三方。", ("disclose", "vendor", "will", True)),  # a possessor, an object
    ("因不可抗力，一旦服务商无法履约，客户有权解除本协议。", ("terminate", "customer", "right", False)),
    ("服务商可视情节对客户的帐户进行单方停用。", ("suspend", "vendor", "right", False)),  # 可视情节: may, as the case be
    # the vendor acting through its site, after a heading that names the customer first
    ("会员须知服务商网站有权随时终止本服务。", ("terminate", "vendor", "right", False)),
])
def test_what_stands_around_a_party_word_tells_whether_it_is_the_subject(text, act):
    assert acts(text) == [act]


@pytest.mark.parametrize("text, act", [
    ("客户有权要求服务商保守技术秘密。", ("keep_secret", "vendor", "must", False)),
    ("服务商有权要求客户删除违规内容。", ("delete", "customer", "must", False)),
    ("客户有权要求服务商在三日内退还费用。", ("refund", "vendor", "must", False)),
    # what the asker itself does after 或: its own act
    ("服务商有权要求客户改正或直接采取必要措施暂停服务。", ("suspend", "vendor", "right", False)),
])
def test_a_side_asked_to_do_something_does_it(text, act):
    assert acts(text) == [act]


def test_a_party_that_only_consents_is_not_the_subject_of_what_follows():
    assert acts("客户同意，本服务无需事先通知即可终止。")[-1] == ("terminate", None, "right", False)
    assert ("terminate", "vendor", "right", False) in acts("服务商保留变更的权利，且客户理解并同意：本服务可随时终止。")
    assert acts("客户同意服务商有权终止本协议。") == [("terminate", "vendor", "right", False)]
    # what the customer agrees to has its own subject, even with words between it and its modal word
    assert ("suspend", "vendor", "right", False) in acts("客户同意服务商基于其独立判断，有权不经通知暂停客户的账户。")


def test_an_action_something_arises_from_is_no_act():
    assert [a[0] for a in acts("因收费标准调整产生的任何纠纷，服务商不承担责任。")] == ["disclaim"]


def test_a_modal_character_inside_a_noun_is_no_modal_word():
    assert acts("入会申请人曾因违规被取消资格。") == [("terminate", None, None, False)]


def test_a_ban_on_an_account_ends_it():
    assert ("terminate", "vendor", "right", False) in acts("客户违规的，服务商有权立即封号。")


def test_a_contract_that_ends_has_no_actor():
    assert ("terminate", None, None, False) in acts("服务商退还全部费用后，本合同终止。")
    assert ("terminate", "customer", "right", False) in acts("如因服务商过错无法履约，客户有权要求合同终止。")


def test_a_role_word_inside_another_word_is_no_party():
    parties = Parties({}, {}, None, None, "", vendor_words=("服务方",), customer_words=("用户",))
    assert view("服务商调整服务方式或服务方案。", parties).text.count("乙方") == 0
    assert view("服务方有权调整服务方式。", parties).text.startswith("乙方有权")


def test_a_passive_has_no_actor():
    assert ("terminate", None, "will", False) in acts("您的用户名可能被注销。")


def test_list_items_share_their_modal_word():
    got = acts("服务商有权采取包括暂停服务（停止解析）、注销账号、收回号码在内的措施。")
    assert {a[0] for a in got} >= {"suspend", "terminate"}
    assert all(a[1] == "vendor" and a[2] == "right" for a in got)


def test_modal_characters_inside_words_are_no_modal():
    # 相应 holds 应, 许可 holds 可: neither makes the sentence a duty or a right
    assert acts("服务商将采取相应措施暂停服务。")[0][2] == "will"
    assert read_sentence("未经服务商许可，客户不得修改本协议。")[0].modality == "prohibited"


def test_when_an_act_happens_is_no_act():
    assert acts("协议终止后，服务商应删除客户数据。") == [("delete", "vendor", "must", False)]


@pytest.mark.parametrize("text, flag", [
    # rights in other words
    ("服务商拥有随时终止本协议之权利。", "unilateral_termination"),
    ("平台保留暂停向会员提供服务的权利。", "unilateral_suspension"),
    ("发现异常的，服务商可决定暂停或终止服务。", "unilateral_termination"),
    ("您的用户名长期未登录的，可能被注销。", "unilateral_termination"),
    ("客户未按时续费的，服务商次月不再继续提供服务。", "unilateral_suspension"),
    ("客户投放的内容违规的，平台有权中止发布。", "unilateral_suspension"),
    ("服务商有权根据市场情况调整服务器资源及配置。", "unilateral_amendment"),
    ("协议修改后您继续使用本服务的，即视为接受修改后的协议。", "unilateral_amendment"),
    # exclusions
    ("因线路检修导致延迟的，不以服务商违约论处。", "liability_exclusion"),
    ("系统升级期间的中断不视为服务商违约。", "liability_exclusion"),
    ("本平台的全部服务均按“现状”提供。", "liability_exclusion"),
    ("由下列原因导致服务不可用的，服务商无须向您承担责任。", "liability_exclusion"),
    ("在任何情况下，服务商均不对间接损害承担责任。", "liability_exclusion"),
    ("不可抗力包括但不限于地震、战争、电力故障及设备检修。", "liability_exclusion"),
    ("即使服务存在瑕疵，服务商亦不承担违约责任。", "liability_exclusion"),
    ("上述补偿为客户唯一及排他性的救济。", "liability_exclusion"),
    # caps
    ("服务商以所收取的服务费为赔偿上限。", "liability_cap"),
    ("服务商的赔偿总额不得超过[壹]月服务费。", "liability_cap"),
    # indemnity
    ("客户违反本协议的，应向服务商足额赔偿。", "customer_indemnity"),
    ("客户应赔偿服务商所有的损失。", "customer_indemnity"),
    ("客户应使服务商完全免责。", "customer_indemnity"),
    # penalties
    ("客户提前解约的，应支付两倍服务费作为违约金。", "excessive_penalty"),
])
def test_idioms_of_one_idea(text, flag):
    assert flag in flags(text)


def test_a_clause_with_two_flags():
    assert {"unilateral_suspension", "unilateral_termination"} <= flags("服务商有权随时暂停或终止服务。")
    assert {"unilateral_termination", "non_refundable"} <= flags("客户违规的，服务商有权终止服务，且已付费用不予退还。")


@pytest.mark.parametrize("text, not_flag, but", [
    # the customer's own right to terminate is a protection, not a finding against it
    ("客户有权单方面终止本协议。", "unilateral_termination", "customer_termination_right"),
    # the customer's right of first use binds no purchase
    ("合同期满后，客户对原广告位享有优先使用权。", "exclusivity", None),
    # a cap on the customer's penalty is not a cap on the vendor's liability
    ("客户应支付的违约金总额不超过合同金额的百分之十。", "liability_cap", None),
    # an exclusive remedy is an exclusion, not exclusivity
    ("服务费减免为客户唯一的、排他性的救济。", "exclusivity", "liability_exclusion"),
    # the customer's own duty to give notice is not the vendor's advance notice
    ("客户应提前三十日书面通知服务商。", "advance_notice", None),
    # ending by agreement is no one's unilateral right
    ("经双方协商一致，可以解除本协议。", "unilateral_termination", None),
])
def test_direction(text, not_flag, but):
    found = flags(text)
    assert not_flag not in found
    if but:
        assert but in found


def test_the_customer_terminates_even_when_it_is_yifang():
    """Roles come from the text: with the vendor as 甲方 the view swaps the letters."""
    text = ("服务协议\n甲方：杭州青岚软件有限公司\n乙方：________\n一、甲方为乙方提供软件服务。\n"
            "二、乙方有权在甲方违约时解除本协议。\n")
    clean, clauses = clauses_of(text)
    p = resolve(clean.text, clauses)
    found = {r.code for r in BOOK.rules if match_text(r, "乙方有权在甲方违约时解除本协议。", Context(), p)}
    assert "customer_termination_right" in found and "unilateral_termination" not in found


QUOTED = Parties({}, {}, None, None, "", vendor_words=("观测云",), customer_words=("客户",))


def test_quotes_go_with_the_party_word():
    v = view("“观测云”有权终止。", QUOTED)
    assert v.text == "乙方有权终止。" and v.span(0, 2) == (0, 5)
    # a quote between two names closes the first
    v = view('"客户""观测云"同意。', QUOTED)
    assert v.text == "甲方乙方同意。" and list(v.index) == [0, 3, 4, 8, 9, 10, 11]


def test_a_party_word_across_a_space():
    v = view("观 测云有权暂停服务。", QUOTED)
    assert v.text == "乙方有权暂停服务。" and v.span(0, 2) == (0, 4)
    assert acts("观 测云有权暂停服务。") == acts("观测云有权暂停服务。")


def test_the_longest_word_is_read():
    lex = lexicon()
    assert lex.actions.match("停止合作").group() == "停止合作"
    assert lex.actions.match("停止合").group() == "停止"
    assert lex.negation.search("不会作").span() == (0, 3)


def test_the_items_of_a_list_share_its_lead_in():
    parties = Parties({}, {}, None, None, "", vendor_words=("乙方",), customer_words=("甲方",))
    texts = ("甲方违约的，乙方有权采取以下措施：", "（1）暂停服务；", "（2）注销账号。", "下列情况，乙方不承担责任：", "（1）停电。",
             "乙方对货物的质量不承担保证责任，甲方需确保货物符合下列要求：", "（1）货物不会造成他人损害。")
    parents = (None, "c0", "c0", None, "c3", None, "c5")
    clauses = tuple(Clause(f"c{i}", None, (), t, 0, len(t), 1, "item", parent=p)
                    for i, (t, p) in enumerate(zip(texts, parents)))
    read = read_all(clauses, parties)
    items = [(a.action, a.actor, a.modality) for c in read[1:3] for s in c.reading.sentences for a in s.acts]
    assert items == [("suspend", "vendor", "right"), ("terminate", "vendor", "right")]
    assert [(a.action, a.actor) for s in read[4].reading.sentences for a in s.acts] == [("disclaim", "vendor")]
    # a list of what the customer must ensure, after the vendor's disclaimer: no disclaimer of the vendor's
    assert ("disclaim", "vendor") not in [(a.action, a.actor) for s in read[6].reading.sentences for a in s.acts]


def test_the_items_under_a_heading_naming_a_side_are_its_duties_or_rights():
    parties = Parties({}, {}, None, None, "", vendor_words=("乙方",), customer_words=("甲方",))
    texts = ("9.2 乙方", "（3）对在运维过程中知悉的甲方经营秘密保密；", "（4）乙方可以暂停服务。",
             "三、甲方的权利", "（1）终止本合同。")
    parents = (None, "c0", "c0", None, "c3")
    clauses = tuple(Clause(f"c{i}", None, (), t, 0, len(t), 1, "item", parent=p)
                    for i, (t, p) in enumerate(zip(texts, parents)))
    acts = [[(a.action, a.actor, a.modality) for s in c.reading.sentences for a in s.acts] for c in read_all(clauses, parties)]
    assert acts[1] == [("keep_secret", "vendor", "must")]
    assert acts[2] == [("suspend", "vendor", "right")]  # its own modal word kept
    assert acts[4] == [("terminate", "customer", "right")]


def test_view_without_whitespace_maps_back_to_the_clause():
    text = "1. 乙方\t有权\n 暂停\u3000服务 "
    v = view(text)
    assert v.text == "".join(text.replace("\u3000", " ").split())
    assert all(text[v.index[i]] == ch or ch in ("甲", "乙", "方") for i, ch in enumerate(v.text))
    assert v.span(0, len(v.text)) == (0, text.rindex("务") + 1)


# every whitespace character, and unprintable ones that are not whitespace
_SPACES_AND_MORE = "".join(chr(o) for o in range(0x3100) if chr(o).isspace()) + "\x00\x07\u200b\u00ad\ufeff"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="暂停服务终止费用abc12。，" + _SPACES_AND_MORE, max_size=40))
def test_the_view_drops_exactly_the_whitespace(text):
    v = view(text)
    assert v.text == "".join(fold(text).split())
    assert [fold(text)[i] for i in v.index] == list(v.text)


def test_the_index_of_a_view_is_worked_out_once_and_travels_with_it():
    import pickle
    text = "1. “观测云” 有权\n终止客户的 服务。"
    v = view(text, QUOTED)
    assert v.text == "1.乙方有权终止甲方的服务。"
    assert list(v.index) == [0, 1, 3, 7, 9, 10, 12, 13, 14, 15, 16, 18, 19, 20] and v.index is v.index
    assert v.span(2, 4) == (3, 8) and v.span(8, 10) == (14, 16)
    copy = pickle.loads(pickle.dumps(v))
    assert copy.text == v.text and list(copy.index) == list(v.index)
    assert view("乙方有权终止。").index == range(7) and isinstance(view("乙方 有权").index, list)


def test_a_latin_or_digit_qualifier_goes_with_its_party_word():
    # "VIP" or "3号" before the party word: the clause still opens with the party
    assert ("terminate", "customer", "right", False) in acts("如果VIP客户不同意服务商的变更，有权选择取消服务。")
    assert ("terminate", "customer", "right", False) in acts("如果A1客户不同意服务商的变更，有权选择取消服务。")
    assert ("suspend", "vendor", "right", False) in acts("客户违约的，服务商可以暂停服务。")
