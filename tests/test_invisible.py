"""Invisible characters (zero-width, format, bidi controls, variation selectors) hide nothing:
the analysis reads the text without them, quotes and offsets stay exact, and a text that hid
characters says so (issue 13, item 4)."""
import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from analyzer.checks import check, hidden_characters
from analyzer.load import load
from analyzer.model import Document
from analyzer.normalize import (
    CF_PLANES,
    INVISIBLE_CATEGORY,
    format_characters,
    invisible_pattern,
    normalize,
    visible,
)
from analyzer.parties import parties
from analyzer.pipeline import analyze_document
from analyzer.segment import clauses_of

from .conftest import LABELED, SAMPLES

ZWSP, ZWNJ, ZWJ, WORD_JOINER, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
# one of each kind the analysis must see through
INVISIBLES = [ZWSP, ZWNJ, ZWJ, WORD_JOINER, BOM, "\xad", "\u2061", "\u2062", "\u2063", "\u2064",
              "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
              "\u2066", "\u2067", "\u2068", "\u2069", "\ufe00", "\ufe0f", "\U000e0100", "\U000e01ef",
              "\u180e", "\u034f", "\U000e0041"]
VISIBLE = ["乙", "方", "a", "1", " ", "\u3000", "\t", "\n", "①", "（", "⚠", "\u20e3"]
SAMPLE_PATHS = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md"))
SETTINGS = {"model": False}

CONTRACT = (
    "服务合同\n"
    "甲方：上海某某贸易有限公司\n"
    "乙方：北京某某通信有限公司\n"
    "一、乙方向甲方提供400电话服务，服务期一年，期满自动续约。\n"
    "二、甲方已付费用一律不予退还。\n"
    "三、乙方有权随时停止服务，不再另行通知。\n"
    "四、甲方违约的，应向乙方支付合同总额30%的违约金。\n"
    "五、争议提交乙方所在地人民法院诉讼解决。\n"
)


def document(text: str) -> Document:
    return Document("t.txt", hashlib.sha256(text.encode()).hexdigest(), text, "text")


def analysis(text: str):
    return analyze_document(document(text), SETTINGS)


def seen(a) -> list[tuple[str, str, str]]:
    """What a reader of the findings sees: flag, quote and clause text, without invisible characters."""
    return sorted((f.flag, invisible_pattern().sub("", f.quote), invisible_pattern().sub("", f.text))
                  for f in a.findings)


def issues_of(text: str) -> list:
    clean, clauses = clauses_of(text)
    return list(check(clauses, parties(clean.text, clauses), clean=clean))


def test_the_invisible_set_is_named_once_by_category():
    pattern = invisible_pattern()
    assert all(pattern.fullmatch(ch) for ch in INVISIBLES)
    assert not any(pattern.search(ch) for ch in VISIBLE)


@pytest.mark.parametrize("hide", [ZWSP, ZWJ, WORD_JOINER])
def test_an_invisible_character_inside_the_role_word_hides_nothing(hide):
    plain = analysis(CONTRACT)
    assert plain.vendor == "北京某某通信有限公司" and len(plain.findings) >= 5
    once = CONTRACT.replace("乙方：", f"乙{hide}方：")  # the party line only, as in the report
    everywhere = CONTRACT.replace("乙方", f"乙{hide}方")
    for text in (once, everywhere):
        a = analysis(text)
        assert a.vendor == plain.vendor
        assert seen(a) == seen(plain)
        assert a.risk_score == plain.risk_score


@pytest.mark.parametrize("hide", [ZWSP, ZWNJ, "\xad"])
def test_an_invisible_character_inside_key_words_hides_nothing(hide):
    plain = analysis(CONTRACT)
    text = CONTRACT
    for word in ("不予退还", "自动续约", "停止服务", "违约金", "人民法院", "另行通知"):
        text = text.replace(word, word[:1] + hide + word[1:])
    a = analysis(text)
    assert a.vendor == plain.vendor
    assert seen(a) == seen(plain) and a.risk_score == plain.risk_score


@pytest.mark.parametrize("path,hide", zip(SAMPLE_PATHS, [ZWSP, ZWJ, WORD_JOINER, "\u202e", "\ufe0f"]),
                         ids=[p.name for p in SAMPLE_PATHS])
def test_one_invisible_between_every_character_of_a_sample(path, hide):
    doc = load(path)
    plain = analyze_document(doc, SETTINGS)
    text = hide.join(doc.text)
    a = analysis(text)
    assert plain.findings and a.vendor == plain.vendor
    assert seen(a) == seen(plain)
    assert a.risk_score == plain.risk_score
    codes = [i.code for i in issues_of(text)]
    assert codes[0] == "hidden_characters" and codes[1:] == [i.code for i in plain.issues]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(SAMPLE_PATHS),
       st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(INVISIBLES)), min_size=1, max_size=60))
def test_invisible_characters_anywhere_leave_the_findings_alone(path, inserts):
    text = load(path).text
    plain = analysis(text)
    for pos, ch in inserts:
        pos %= len(text) + 1
        text = text[:pos] + ch + text[pos:]
    a = analysis(text)
    assert a.vendor == plain.vendor and a.customer == plain.customer
    assert seen(a) == seen(plain) and a.risk_score == plain.risk_score


def test_a_finding_in_a_text_with_invisibles_maps_back_to_its_source():
    text = "".join(ch + (ZWSP if k % 3 == 0 else WORD_JOINER if k % 7 == 0 else "")
                   for k, ch in enumerate(CONTRACT))
    a = analysis(text)
    assert a.findings
    for f in a.findings:
        assert invisible_pattern().sub("", text[f.start:f.end]) == f.quote
        assert text[f.start] == f.quote[0] and text[f.end - 1] == f.quote[-1]


def test_the_offset_map_accounts_for_every_removed_character():
    text = BOM + "一、乙\u200b方\u200d有权\u202e停止\u202c服务。\n二、甲方\u2060付款。"
    clean = normalize(text)
    assert clean.text == "一、乙方有权停止服务。\n二、甲方付款。"
    assert all(text[o] == ch for o, ch in zip(clean.offsets, clean.text))
    assert all(text[o] == ch for o, ch in clean.invisible)
    assert sorted(list(clean.offsets) + [o for o, _ in clean.invisible]) == list(range(len(text)))


def test_hidden_characters_says_how_many_and_where_the_first_is():
    text = CONTRACT.replace("乙方", f"乙{ZWSP}方")
    issues = [i for i in issues_of(text) if i.code == "hidden_characters"]
    assert len(issues) == 1
    first = text.index(ZWSP)
    assert (issues[0].start, issues[0].end) == (first, first + 1)
    message = issues[0].message
    assert "\n" not in message and f"{text.count(ZWSP)} 个隐藏字符" in message
    assert "U+200B" in message and f"第 {first + 1} 个字符" in message and "「乙」与「方" in message


@pytest.mark.parametrize("text", [
    CONTRACT,
    BOM + CONTRACT,  # a byte order mark that opens the file marks its encoding
    CONTRACT.replace("一、", "⚠\ufe0f 一、").replace("二、", "⚠\ufe0f 二、"),  # emoji presentation
    CONTRACT + "六、Pay\xadment by bank trans\xadfer.\n",  # hyphenation points in Latin words
    CONTRACT.replace("三、", f"三、{ZWSP}{ZWSP}"),  # one stray place, as a web editor leaves
])
def test_no_hidden_characters_issue_without_hidden_text(text):
    assert "hidden_characters" not in [i.code for i in issues_of(text)]


def test_hidden_text_in_two_places_is_reported():
    text = CONTRACT.replace("三、", f"三、{ZWSP}").replace("五、", "五、\u202e")
    assert [i.code for i in issues_of(text)][:1] == ["hidden_characters"]
    assert hidden_characters(clauses_of(text)[0])[0].message.startswith("文本含 2 个隐藏字符")


def test_no_labeled_contract_reports_hidden_characters():
    """The gold files hold no such code: two labeled contracts carry invisible characters (an
    emoji's ⚠️, two zero-width spaces in one word of a web page) and neither is hidden text."""
    paths = sorted((LABELED / "texts").iterdir()) + SAMPLE_PATHS
    assert not [p.name for p in paths if hidden_characters(clauses_of(load(p).text)[0])]


def test_the_invisible_set_is_every_format_character_of_its_planes():
    """format_characters skips the printable runs; it finds what trying every code point finds."""
    import unicodedata
    plain = [o for plane in CF_PLANES for o in plane if unicodedata.category(chr(o)) == INVISIBLE_CATEGORY]
    assert format_characters(CF_PLANES) == plain


@pytest.mark.parametrize("text", [
    "乙\U000E0041方：\U0001D173某某\U000E0100公司\u200b。",  # tags, a musical format mark, a variation selector
    "甲方😀乙方\U00020000服务\U000E007F\n二、\U000110BD费用",  # visible characters past the BMP beside invisible ones
    "plain text",
])
def test_visible_drops_exactly_what_the_invisible_pattern_matches(text):
    shown = visible(text)
    cuts = [m.start() for m in invisible_pattern().finditer(text)]
    assert shown.text == invisible_pattern().sub("", text)
    assert [o for o, _ in shown.invisible] == cuts
    assert list(shown.offsets) == [i for i in range(len(text)) if i not in cuts]
