"""Party names and roles: read from the text, never assumed from the letter."""
import pytest

from analyzer.errors import SettingsError
from analyzer.parties import detect_vendor_role, parties, view
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
    assert p.vendor == "浙江远帆网络科技有限公司" and "远帆网络" in p.provider_aliases
    assert view("远帆网络有权修改本条款", p).text == "乙方有权修改本条款"


@pytest.mark.parametrize("full, text, core", [
    ("江西远帆网络科技有限公司", "远帆网络提供服务。远帆网络收费。", "远帆网络"),
    ("深圳市云帆科技有限公司", "云帆科技负责。云帆科技收费。", "云帆科技"),
    ("上海服务科技有限公司", "服务内容。服务期限。服务科技。", None),  # never a bare business word
    ("中国信息技术有限公司", "中国法律。中国境内。", None),  # nor a generic one
    ("北京星河科技有限公司", "星河只出现一次。", None),  # the text must use it
])
def test_core_name(full, text, core):
    from analyzer.parties import _core_name
    from analyzer.normalize import fold
    assert _core_name(full, fold(text)) == core


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
