"""Party names and roles: read from the text, never assumed from the letter."""
import pytest

from analyzer.checks import blank_fields
from analyzer.errors import SettingsError
from analyzer.model import Document
from analyzer.normalize import fold, squash
from analyzer.parties import (
    LETTERED,
    PAYS,
    PHRASES,
    acting_brand,
    core_name,
    detect_vendor_role,
    full_name,
    parties,
    phrase_filter,
    provider_phrases,
    slot_phrases,
    titled_brand,
)
from analyzer.pipeline import analyze_document
from analyzer.reading import view
from analyzer.segment import clauses_of


def _parties(text, **kw):
    clean, clauses = clauses_of(text)
    return parties(clean.text, clauses, **kw)


def test_vendor_is_the_provider_even_when_it_is_jiafang():
    text = ("咨询服务合同\n甲方：某某咨询有限公司\n乙方：某某制造有限公司\n"
            "一、甲方为乙方提供管理咨询服务。\n二、乙方应向甲方支付服务费五万元。\n")
    p = _parties(text)
    assert p.vendor_role == "甲方" and p.vendor == "某某咨询有限公司" and p.customer == "某某制造有限公司"


def test_override():
    text = "甲方：甲公司\n乙方：乙公司\n一、乙方向甲方提供服务。\n"
    p = _parties(text, vendor_role="甲方")
    assert p.vendor == "甲公司" and p.role_evidence == "set by the user"
    with pytest.raises(SettingsError):
        _parties(text, vendor_role="丁方")


def test_two_column_heading_with_a_blank_name():
    text = "服务协议\n甲方：                     乙 方：某某科技有限公司\n一、乙方向甲方提供服务。\n"
    p = _parties(text)
    assert p.names == {"甲方": None, "乙方": "某某科技有限公司"}
    assert p.customer is None and p.vendor == "某某科技有限公司"


def test_signature_names_are_read_separately():
    text = ("甲方：北京某某有限公司\n乙方：上海某某有限公司\n一、乙方为甲方提供服务。\n二、费用。\n"
            "甲方（盖章）：北京某某某有限公司 乙方（盖章）：上海某某有限公司\n日期：2024年1月1日\n")
    p = _parties(text)
    assert p.signature_names["甲方"] == "北京某某某有限公司"
    assert p.signature_names["乙方"] == "上海某某有限公司"


@pytest.mark.parametrize("text, role", [
    ("乙方向甲方提供云服务", "乙方"),
    ("甲方为乙方提供培训服务，乙方向甲方支付费用", "甲方"),
    ("乙方让甲方使用呼叫系统", "乙方"),
    ("甲方使用乙方提供的线路", "乙方"),
])
def test_provider_phrases(text, role):
    assert detect_vendor_role(text)[0] == role


def test_view_swaps_roles_so_rules_see_the_vendor_as_yifang():
    p = _parties("甲方：A公司\n乙方：B公司\n一、甲方为乙方提供服务。\n")
    v = view("甲方有权 停止服务", p)
    assert v.text == "乙方有权停止服务"
    assert v.span(0, 2) == (0, 2)


def test_view_maps_other_role_words_when_there_is_no_jiafang():
    assert view("您同意本公司可以调整价格", None).text == "甲方同意乙方可以调整价格"


def test_provider_named_in_terms_without_jiafang_yifang():
    text = ("在线客服服务条款\n用户购买杭州某某网络科技有限公司（以下简称“某某云”）提供的服务。\n"
            "本条款是您与某某云之间的协议。\n某某云有权随时暂停服务，且无需通知。\n")
    p = _parties(text)
    assert p.vendor == "杭州某某网络科技有限公司" and p.customer is None
    assert view("某某云有权随时暂停服务", p).text == "乙方有权随时暂停服务"


def test_provider_called_by_its_trade_name():
    text = ("服务条款\n感谢您选择浙江远帆网络科技有限公司的在线客服系统。\n"
            "1. 远帆网络有权修改本条款，并在网站上公布。\n2. 远帆网络可以随时暂停服务。\n")
    p = _parties(text)
    assert p.vendor == "浙江远帆网络科技有限公司" and "远帆网络" in p.vendor_words
    assert view("远帆网络有权修改本条款", p).text == "乙方有权修改本条款"


@pytest.mark.parametrize("full, text, core", [
    ("江西远帆网络科技有限公司", "远帆网络提供服务。远帆网络收费。", "远帆网络"),
    ("深圳市云帆科技有限公司", "云帆科技负责。云帆科技收费。", "云帆科技"),
    ("上海服务科技有限公司", "服务内容。服务期限。服务科技。", None),  # never a bare business word
    ("中国信息技术有限公司", "中国法律。中国境内。", None),  # nor a generic one
    ("北京星河科技有限公司", "星河只出现一次。", None),  # the text must use it
])
def test_core_name(full, text, core):
    assert core_name(full, fold(text)) == core


def test_vendor_named_only_as_the_holder_of_its_bank_account():
    text = ("合作协议\n一、乙方为甲方提供网站维护服务。\n二、甲方向乙方支付服务费。\n"
            "三、乙方收款账户信息：\n户名：南京青禾软件有限公司\n开户行：某银行\n")
    p = _parties(text)
    assert p.vendor_role == "乙方" and p.vendor == "南京青禾软件有限公司"
    named = _parties("合作协议\n甲方：某某商贸有限公司\n乙方：东莞木棉信息有限公司\n" + text.split("\n", 1)[1])
    assert named.vendor == "东莞木棉信息有限公司"  # a name in the heading comes first


def test_role_written_in_brackets_after_a_role_word():
    text = ("短信服务合同\n委托方（甲方）：广州木棉餐饮管理有限公司\n服务方(乙方)：深圳市飞信通网络科技有限公司\n"
            "第一条 乙方为甲方提供短信服务。\n")
    p = _parties(text)
    assert p.vendor == "深圳市飞信通网络科技有限公司" and p.customer == "广州木棉餐饮管理有限公司"


# -- the resolver on every naming pattern: texts written here, never a real contract's sentences --

def test_click_through_terms_naming_the_vendor_once_as_this_company():
    text = ("云盘服务协议\n杭州青石数据科技有限公司（以下简称“本公司”）依据本协议向您提供云存储服务。\n"
            "1. 本公司有权根据运营需要暂停部分功能。\n2. 您应按时支付服务费。\n")
    p = _parties(text)
    assert p.vendor == "杭州青石数据科技有限公司" and p.vendor_role is None
    assert "本公司" in p.vendor_words and "您" in p.customer_words
    assert view("本公司有权终止向您提供服务", p).text == "乙方有权终止向甲方提供服务"


def test_a_short_name_without_quotes_and_a_brand():
    text = ("短信平台服务条款\n欢迎您与广州蓝鲸通信技术有限公司（以下简称蓝鲸）共同签署本条款。\n"
            "一、蓝鲸可根据通道情况调整资费。\n二、用户发送违规短信的，蓝鲸有权立即关闭通道。\n")
    p = _parties(text)
    assert p.vendor == "广州蓝鲸通信技术有限公司" and "蓝鲸" in p.vendor_words
    assert view("蓝鲸有权立即关闭通道", p).text == "乙方有权立即关闭通道"
    assert view("用户发送违规短信的", p).text == "甲方发送违规短信的"


def test_this_website_and_the_platform_speak_as_the_vendor():
    text = ("会员服务条款\n1. 本网站有权随时修改本条款。\n2. 平台将在会员违规时冻结账号。\n"
            "3. 本网站不对第三方链接的内容负责。\n")
    p = _parties(text)
    assert {"本网站", "平台"} <= set(p.vendor_words) and "会员" in p.customer_words
    assert view("平台将冻结会员账号", p).text == "乙方将冻结甲方账号"


def test_the_platform_acting_in_a_jiafang_yifang_contract():
    text = ("入驻协议\n甲方：\n乙方：杭州木舟电子商务有限公司\n"
            "本协议由入驻平台的商家（下称“商户”或“甲方”）与杭州木舟电子商务有限公司（下称“乙方”）共同缔结。\n"
            "一、平台有权调整服务规则。\n二、平台有权对违规商户采取限制措施。\n三、乙方为甲方提供网店服务。\n")
    p = _parties(text)
    assert p.vendor == "杭州木舟电子商务有限公司" and p.vendor_role == "乙方"
    assert "平台" in p.vendor_words and "商户" in p.customer_words
    assert view("平台有权对违规商户采取限制措施", p).text == "乙方有权对违规甲方采取限制措施"


def test_client_and_agent_role_words_without_jiafang_yifang():
    text = ("代理记账协议\n委托方：南昌青禾餐饮有限公司\n受托方：南昌木棉财务咨询有限公司\n"
            "一、受托方为委托方提供代理记账服务。\n二、委托方逾期付款的，受托方有权暂停服务。\n")
    p = _parties(text)
    assert p.vendor == "南昌木棉财务咨询有限公司" and p.customer == "南昌青禾餐饮有限公司"
    assert view("委托方逾期付款的，受托方有权暂停服务。", p).text == "甲方逾期付款的,乙方有权暂停服务。"


def test_a_role_word_in_brackets_with_its_letter():
    text = ("服务协议\n【委托方】（甲方）：\n【受托方】（乙方）：成都青禾财税服务有限公司\n"
            "一、乙方为甲方办理工商登记。\n二、受托方有权拒绝办理违法事项。\n")
    p = _parties(text)
    assert p.vendor == "成都青禾财税服务有限公司" and p.customer is None
    assert "受托方" in p.vendor_words and "委托方" in p.customer_words


def test_vendor_named_only_in_the_signature_block():
    text = ("技术服务合同\n甲方：\n乙方：\n一、乙方为甲方提供系统维护服务。\n二、甲方向乙方支付服务费。\n"
            "甲方（盖章）：\n乙方（盖章）：重庆石竹信息技术有限公司\n")
    p = _parties(text)
    assert p.vendor == "重庆石竹信息技术有限公司" and p.customer is None


def test_blank_customer_and_filled_vendor_without_a_provider_phrase():
    # the vendor is 甲方 here; the text never says who provides, only who is named
    text = ("企业服务协议\n甲方：石家庄青岚企业管理有限公司\n乙方：________\n"
            "一、服务期限为一年。\n二、乙方有权在甲方违约时解除本协议。\n")
    p = _parties(text)
    assert p.vendor_role == "甲方" and p.vendor == "石家庄青岚企业管理有限公司"
    # the customer's own right to terminate reads as the customer's
    assert view("乙方有权在甲方违约时解除本协议", p).text == "甲方有权在乙方违约时解除本协议"


def test_who_provides_read_from_what_each_side_is():
    assert detect_vendor_role("甲方作为收款软件的提供商，乙方作为甲方业务的接受方")[0] == "甲方"


def test_a_longer_spelling_of_the_vendor_in_the_signature_block():
    text = ("代收服务协议\n本协议为前海蓝湾支付服务有限公司（以下简称蓝湾）与您共同签订。\n"
            "1. 蓝湾有权调整服务费。\n2. 您应按时结算。\n深圳前海蓝湾支付服务有限公司\n")
    p = _parties(text)
    assert p.vendor == "深圳前海蓝湾支付服务有限公司" and "蓝湾" in p.vendor_words


def test_a_placeholder_name_is_no_name():
    text = ("咨询服务合同\n本合同由委托咨询者（以下简称为委托方）为一方，××国际咨询公司（以下简称咨询者）为另一方签订。\n"
            "一、咨询者应按期提交报告。\n")
    p = _parties(text)
    assert p.vendor is None and "咨询者" in p.vendor_words


def test_a_brand_beside_its_reader():
    text = ("域名服务条款\n本服务条款是青云及/或其所代表的注册商与您之间订立的合约。\n"
            "青云提供域名注册服务。青云有权收取费用。如有疑问请向青云咨询。\n1. 您应提供真实信息。\n")
    p = _parties(text)
    assert p.vendor == "青云"


def test_names_in_brackets_and_a_blank_marked_as_the_customer():
    text = ("服务协议\n甲方：【 上海青禾贸易有限公司 】\n乙方：【苏州木棉云科技有限公司】\n一、乙方向甲方提供数据服务。\n")
    p = _parties(text)
    assert p.customer == "上海青禾贸易有限公司" and p.vendor == "苏州木棉云科技有限公司"
    blank = _parties("入网协议\n甲方：________（客户）\n乙方：中国某某通信有限公司________分公司\n一、乙方向甲方提供通信服务。\n")
    assert blank.customer is None and blank.vendor == "中国某某通信有限公司________分公司"


def test_the_output_says_which_words_were_taken():
    text = "云盘服务协议\n杭州青石数据科技有限公司（以下简称“青石”）向您提供服务。\n1. 青石有权暂停服务。\n"
    d = analyze_document(Document("x.txt", "0", text, "text")).to_dict()
    assert "青石" in d["parties"]["vendor_words"] and "您" in d["parties"]["customer_words"]
    assert d["parties"]["evidence"]


def test_a_definitions_list_names_the_letters():
    text = ("翻译服务协议\n定义\n1.南京青禾语言科技有限公司：以下简称“甲方”。\n"
            "2.用户：指使用本服务的单位或个人，以下简称“乙方”。\n3.甲方按照本协议向乙方提供翻译服务。\n"
            "4.乙方应在提交稿件前向甲方支付翻译费用。\n")
    p = _parties(text)
    assert p.vendor_role == "甲方" and p.vendor == "南京青禾语言科技有限公司" and "用户" in p.customer_words


def test_a_vendor_named_in_latin_letters():
    text = "注册条款\nBlueWhale.com Logistics（以下简称本公司。）向会员提供转运服务。\n1. 本公司有权拒收违禁物品。\n"
    p = _parties(text)
    assert p.vendor == "BlueWhale.com Logistics" and "会员" in p.customer_words


def test_the_payee_is_the_vendor_behind_a_brand():
    text = ("课程服务协议\n本协议是您与青禾英语之间的协议。青禾英语有权调整课程。青禾英语提供在线课程。\n"
            "1. 您应按时支付课程费用。\n收款人名称：北京青禾教育科技有限公司\n")
    p = _parties(text)
    assert p.vendor == "北京青禾教育科技有限公司" and "青禾英语" in p.vendor_words


def test_a_heading_in_two_columns():
    text = ("设备安装合同\n定作方（甲方）      承揽方（乙方）\n单位名称:________   单位名称:苏州青禾电梯有限公司\n"
            "一、乙方为甲方安装电梯。\n二、甲方应向乙方支付安装费。\n")
    p = _parties(text)
    assert p.vendor == "苏州青禾电梯有限公司" and p.customer is None


def test_a_label_that_says_what_kind_of_party_signs_is_no_name():
    text = ("委托服务协议\n甲方（受托方）：北京青禾地面服务有限公司\n乙方（委托方）：委托服务旅客\n"
            "一、甲方为乙方提供行李快递服务。\n")
    p = _parties(text)
    assert p.vendor == "北京青禾地面服务有限公司" and p.customer is None
    assert p.kinds == {"乙方": "委托服务旅客"}  # what the label names instead: it is not blank
    text = "代驾服务协议\n甲方：代驾服务使用方\n乙方：代驾服务提供方\n一、乙方为甲方提供代驾服务。\n"
    p = _parties(text)
    assert (p.vendor, p.customer) == (None, None) and p.kinds == {"甲方": "代驾服务使用方", "乙方": "代驾服务提供方"}


def test_a_note_in_brackets_is_neither_a_name_nor_a_blank():
    text = ("网络课程协议\n甲方：北京青禾科技有限公司\n乙方：（学员）\n一、甲方通过网络平台向乙方提供培训课程。\n")
    clean, clauses = clauses_of(text)
    p = parties(clean.text, clauses)
    assert p.vendor == "北京青禾科技有限公司" and p.customer is None
    assert blank_fields(clauses, p) == []


def test_a_definition_longer_than_the_vendor_name_is_not_a_second_vendor():
    text = ("用户服务条款\n本服务条款是云平台用户与北京青禾信息技术有限公司（下称青禾）之间的协议。\n"
            "1. 青禾有权调整服务。\n2. 青禾可以暂停服务。\n3. 用户应按时付费。\n")
    assert _parties(text).vendor == "北京青禾信息技术有限公司"


def test_documents_handed_over_do_not_make_the_customer_the_provider():
    text = ("广告合同\n甲方：________\n乙方：重庆青禾传媒有限公司\n一、以上证明文件均由甲方向乙方提供。\n"
            "二、甲方逾期付款的，按日向乙方支付滞纳金。\n")
    assert _parties(text).vendor_role == "乙方"


def test_the_software_speaking_of_itself_is_the_vendor():
    text = ("会员服务协议\n本协议由您与本软件会员服务提供方共同缔结。\n1. 本软件有权调整会员权益。\n"
            "2. 本软件可以暂停服务。\n3. 您应按时支付会员费。\n")
    p = _parties(text)
    assert "本软件" in p.vendor_words and "您" in p.customer_words


def test_a_provider_phrase_is_looked_for_in_every_text_that_holds_it():
    texts = ["本协议是您与无忧帮帮（深圳）科技有限公司之间订立的协议", "阿里云计算有限公司，与您共同签署",
             "杭州某某网络科技有限公司为您提供服务", "甲方向乙方提供技术服务，乙方应向甲方支付服务费",
             "乙方作为平台的提供商，甲方作为乙方的用户", "甲方租用乙方提供的线路，甲方让乙方使用场地"]
    for pat, may, _ in provider_phrases():
        assert all(may(t) for t in texts if pat.search(t))
    for t, may in zip(texts, phrase_filter().candidates(texts)):
        assert {i for i, (_, pat) in enumerate(PHRASES) if pat.search(t)} <= set(may)
    assert _parties("本协议是您与无忧帮帮（深圳）科技有限公司之间订立的协议。").vendor == "无忧帮帮（深圳）科技有限公司"


def test_vendor_role_is_the_same_with_the_squeezed_text_given():
    text = "甲方向乙方支付服务费。\n乙方 向甲方 提供技术服务。"
    assert detect_vendor_role(text, squeezed=squash(fold(text))) == detect_vendor_role(text)


SLOT_TEXTS = [
    "本协议是您与无忧帮帮（深圳）科技有限公司之间订立的协议。阿里云为您提供服务",
    "“悠哉工作网”（以下简称“悠哉”，域名为youzai.com）与您共同签署本协议",
    "Apple Digital Services Ltd and Another Long Latin Name Inc 与您之间订立",
    "前言：\n" + "某" * 45 + "（以下简称“某”。注：见附件）为您提供",
    "为您提供服务，" * 3 + "由X为您提供；Y和您之间；" + "字" * 300 + "，Z公司为用户提供",
    "您与我们为您提供的服务之间和您之间，与您之间为您提供",
    "（" + "名" * 50 + "）与您之间；\"Quoted Co\" （下称“Q”）为您提供",
]


def test_a_phrase_that_opens_with_a_name_is_found_as_a_search_from_every_character_finds_it():
    import random
    rng = random.Random(7)
    pieces = ["您", "与", "和", "为", "向", "提供", "之间", "共同", "，", "。", "“", "”", "（", "）", "(", ")",
              "以下简称", "科技有限公司", "Ab", " Cd", "深圳", "\n", " ", "用户", "X"]
    texts = SLOT_TEXTS + ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 120))) for _ in range(2000)]
    slotted = [(pat, after) for pat, _, after in provider_phrases() if after is not None]
    assert slotted
    for text in texts:
        for pat, after in slotted:
            assert [m.span() for m in slot_phrases(pat, after, text)] == [m.span() for m in pat.finditer(text)]


def test_a_fee_phrase_opens_the_text_or_follows_a_mark():
    fee = PAYS[2]
    assert fee.match("甲方支付服务费") and fee.search("。乙方应支付服务费") and fee.search("2乙方应支付服务费")
    assert not fee.search("由甲方支付服务费") and not fee.search("甲甲方支付服务费")


def test_a_text_without_a_lettered_side_has_no_provider_phrase():
    import random
    rng = random.Random(3)
    pieces = ["甲方", "乙方", "甲", "乙", "方", "向", "为", "给", "提供", "服务", "支付", "服务费", "作为", "提供商",
              "使用", "让", "应", "。", "，", "1", "的"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(3, 30)))
        if not LETTERED.search(text):
            assert not any(pat.search(text) for _, pat in PHRASES), text


@pytest.mark.parametrize("opening, vendor", [
    # what the company is comes before its name: the name starts at its place
    ("本协议是您与在线法律服务平台运营者北京云律科技有限公司（以下简称为“云律”）之间的协议。", "北京云律科技有限公司"),
    ("本服务的专用账户为上海云付支付服务有限公司（以下简称“云付”）所有。", "上海云付支付服务有限公司"),
    # the company's name right before the brand the bracket defines
    ("请您在注册成为前行汽车服务(深圳)有限公司前行出行（以下简称为“前行出行”）会员前阅读本协议。",
     "前行汽车服务(深圳)有限公司"),
])
def test_the_vendor_name_is_the_company_a_definition_names(opening, vendor):
    short = opening.split("“")[1].split("”")[0]
    text = f"用户服务协议\n{opening}\n一、{short}有权随时暂停服务。\n二、用户应按时向{short}支付服务费。\n"
    assert _parties(text).vendor == vendor


def test_what_the_reader_uses_beside_the_vendor_s_word_for_itself_is_no_provider():
    text = ("服务条款\n一、您可选择不同的计划。您使用计划以及我们所提供的服务所产生的费用由您承担。\n"
            "二、计划的价格见网站。我们有权调整计划。\n")
    assert _parties(text).vendor is None


def test_a_role_letter_with_an_adverb_is_no_provider():
    text = ("委托服务协议\n甲方：\n乙方：\n一、行程中的其他事项由甲方自行和服务提供者协商。\n"
            "二、甲方自行负责证件；甲方自行承担费用。\n三、乙方为甲方提供代订服务。\n")
    p = _parties(text)
    assert p.vendor is None and "甲方自行" not in p.vendor_words


def test_blank_names_with_a_short_name_are_blank():
    text = "物联网卡服务协议\n甲方：________（或简称“您”）\n乙方：________（或简称“________”）\n一、乙方为甲方提供物联网卡服务。\n"
    p = _parties(text)
    assert (p.vendor, p.customer) == (None, None)


def test_the_name_after_what_the_agreement_is():
    text = ("服务协议\n本服务协议是深圳云维科技有限公司（下称“云维”）与您之间就云维服务所订立的协议。\n"
            "一、云维有权调整服务内容。\n二、您应按时向云维支付费用。\n")
    assert _parties(text).vendor == "深圳云维科技有限公司"


def test_a_company_after_the_other_party_s_description_starts_after_its_and():
    text = ("用户存证服务协议\n本协议为用户[成年且具有完全民事行为能力的自然人、法人或其他组织]与杭州云存知识产权服务有限公司"
            "（以下简称“平台运维方”）之间的协议。\n一、平台运维方有权暂停服务。\n二、平台运维方可以调整价格。\n")
    assert _parties(text).vendor == "杭州云存知识产权服务有限公司"


def test_the_side_whose_platform_it_is_provides_where_the_parties_are_lettered():
    # one phrase has 甲方 provide (materials to the platform); the platform is 乙方's, twice
    text = ("项目发起协议\n甲方：张三\n乙方：上海某某信息科技有限公司\n一、甲方承诺向乙方提供真实的项目材料。\n"
            "二、项目经审核后在乙方平台发布。\n三、甲方不得在乙方平台发布违法信息。\n")
    p = _parties(text)
    assert p.vendor_role == "乙方" and p.vendor == "上海某某信息科技有限公司"


def test_a_kind_of_party_with_a_blank_for_its_name_names_no_party():
    text = ("项目发起协议\n甲方：项目发起人（________）（以下亦简称“您”）\n乙方：上海某某信息科技有限公司\n"
            "一、乙方为甲方提供项目发布服务。\n")
    p = _parties(text)
    assert (p.vendor, p.customer) == ("上海某某信息科技有限公司", None)


def test_the_brand_the_terms_make_act_and_call_their_platform_by_is_the_vendor():
    text = ("用户协议\n欢迎您使用来趣平台服务！\n一、来趣有权暂停向您提供来趣平台服务。\n"
            "二、来趣有权修改本协议。\n三、您应遵守来趣平台的规则。\n")
    p = _parties(text)
    assert p.vendor == "来趣" and "来趣有权暂停" not in view("来趣有权暂停", p).text


def test_the_brand_that_opens_the_title_and_acts_is_the_vendor():
    # no company, no "来缘平台": the title and two acts name it
    text = ("来缘服务条约\n1.来缘有权暂停您的账号。\n2.用户因此遭受的损失，来缘不承担任何责任。\n"
            "3.您应遵守本应用的规则。\n")
    assert _parties(text).vendor == "来缘"


@pytest.mark.parametrize("squeezed", [
    "来缘用户守则。来缘有权暂停服务。",  # opens the title but acts once
    "会员服务协议。会员有权退出。会员可以投诉。",  # the reader's word, not a brand
])
def test_no_title_brand(squeezed):
    assert acting_brand(squeezed) is None


@pytest.mark.parametrize("squeezed", [
    "软件有权暂停服务。软件有权修改协议。软件平台的规则。软件平台由我们运营。",  # a thing, not a brand
    "第三方有权收费。第三方可以拒绝。第三方平台的规则。第三方平台的服务。",
    "来趣有权暂停服务。来趣平台的规则。",  # acting once
])
def test_no_acting_brand(squeezed):
    assert acting_brand(squeezed) is None


def test_a_gym_s_word_for_itself_is_the_vendor_s():
    text = "会员卡协议\n一、会馆有权调整营业时间。\n二、会馆可以暂停会员卡的使用。\n三、会员应遵守会馆的规定。\n"
    assert "会馆" in _parties(text).vendor_words


def test_the_name_is_spelled_as_the_text_most_often_spells_it():
    # the first mention has half-width brackets, the two others full-width ones
    text = ("汽车共享服务合同\n甲方：行远汽车服务(深圳)有限公司\n乙方：________\n"
            "一、甲方为乙方提供汽车共享服务，行远汽车服务（深圳）有限公司负责车辆保养。\n"
            "二、乙方对行远汽车服务（深圳）有限公司的服务有异议的，可以投诉。\n")
    assert _parties(text).vendor_name == "行远汽车服务（深圳）有限公司"


def test_terms_spoken_to_the_reader_that_letter_only_the_provider():
    # 甲方 is the only lettered side; the other is 您: 甲方 provides, whatever the usual letters
    text = ("某某软件服务协议\n本协议是由您与上海某某实业有限公司（以下简称“甲方”）就使用本软件达成的协议。\n"
            "1.定义\n1.1 甲方：指上海某某实业有限公司。\n1.2 甲方有权根据业务需要调整服务内容。\n"
            "2.您应妥善保管您的账号。\n3.您违反本协议的，甲方有权暂停服务。\n")
    p = _parties(text)
    assert (p.vendor_role, p.vendor, p.customer) == ("甲方", "上海某某实业有限公司", None)


@pytest.mark.parametrize("before, name", [
    ("本协议适用于您所使用的易行橘子信息技术有限公司", "易行橘子信息技术有限公司"),  # 使用的
    ("ETicket 服務是票券科技股份有限公司", "票券科技股份有限公司"),  # traditional characters
    ("各项服务的所有权和运作权均归成都某某科技有限公司及其关联公司", "成都某某科技有限公司"),  # with its affiliates
    ("本系统的运营者，即杭州某某网络技术有限公司", "杭州某某网络技术有限公司"),
])
def test_full_name_without_the_words_of_its_sentence(before, name):
    assert full_name(before) == name


def test_a_short_name_defined_for_what_follows():
    text = ("租车服务协议\n本协议适用于您所使用的易行橘子信息技术有限公司（“本公司”，下同）提供的租车平台。\n"
            "1.本公司有权修改本协议。\n2.您应按时还车。\n3.本公司可以暂停您的账号。\n")
    assert _parties(text).vendor == "易行橘子信息技术有限公司"


def test_the_operator_label_names_the_vendor():
    text = "某某平台用户协议\n运营方：杭州某某网络科技有限公司\n1.您应遵守本协议。\n2.您违反本协议的，运营方有权暂停您的账号。\n"
    assert _parties(text).vendor == "杭州某某网络科技有限公司"


def test_a_third_party_the_reader_deals_with_is_no_provider_and_a_defined_acting_name_is():
    # 广告商 is the party of the reader's dealings ("会员和广告商之间的行为"), not the provider;
    # 真心网 is defined (以下简称真心网) and acts twice
    text = ("注册服务条款\n会员同意与真心网网站（www.zhenxin.cc，以下简称真心网）达成协议。\n"
            "1、真心网有权暂停会员的帐号。\n2、真心网有权修改本条款。\n"
            "3、会员经由本站与广告商进行的商业往来，完全属于会员和广告商之间的行为。\n")
    assert _parties(text).vendor == "真心网"


@pytest.mark.parametrize("text", ["三、乙方的权利\n1、乙方有权享有甲方提供的各项服务。\n", "（一）甲方可提供的服务\n1、办公场地。\n"])
def test_the_side_whose_services_are_enjoyed_provides(text):
    assert detect_vendor_role(text)[0] == "甲方"


def test_a_brand_acting_through_its_platform():
    squeezed = "装修帮办平台有权暂停服务。装修帮办平台有权修改本协议。您应遵守装修帮办平台的规则。"
    assert acting_brand(squeezed) == "装修帮办"


def test_a_titled_brand_beside_a_named_vendor_is_one_of_its_words():
    squeezed = "本家鲜系统服务协议。1.1本家鲜系统是指杭州某某网络技术有限公司经营的系统。本家鲜系统可冻结账户。本家鲜可以终止本协议。"
    assert titled_brand(squeezed) == "本家鲜"
    # a common word that opens the title is no brand beside a named vendor, nor is the text itself
    assert titled_brand("域名服务条款。域名将被注销。域名可能被冻结。") is None
    assert titled_brand("本协议服务条款。本协议将自动续期。本协议可以修改。") is None
