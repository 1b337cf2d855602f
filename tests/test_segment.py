"""Normalization, the clause tree (every numbering form, offsets, furniture, wrapping) and word
segmentation (the compiled segmenter reads as jieba reads; jieba where it is missing)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from analyzer import pipeline, tokens
from analyzer.checks import numbering_anomaly
from analyzer.cli import main
from analyzer.normalize import (
    FOLDED,
    SHARED_OFFSETS,
    fold,
    fold_char,
    fold_table,
    fold_uncached,
    joined_offsets,
    normalize,
)
from analyzer.segment import FORMS_BY_LEAD, MARKERS, clauses_of, parse_marker

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("line, style, number, value", [
    ("一、合作内容", "cn", "一", 1),
    ("十二、其他", "cn", "十二", 12),
    ("七，安全责任：甲方保证……", "cn", "七", 7),
    ("（一）服务范围", "cn_paren", "(一)", 1),
    ("(三) 付款", "cn_paren", "(三)", 3),
    ("四）、电气系统的维护与保养", "cn_paren", "(四)", 4),
    ("第一条 合作内容", "article", "第一条", 1),
    ("第十条  附则", "article", "第十条", 10),
    ("第2条 费用", "article", "第2条", 2),
    ("第三章 违约", "chapter", "第三章", 3),
    ("1. 合同内容", "arabic", "1", 1),
    ("2.合同期内乙方为甲方开通", "arabic", "2", 2),
    ("3、付款方式", "arabic", "3", 3),
    ("1、51Talk有权修改本协议", "arabic", "1", 1),
    ("2、2024年1月1日起生效", "arabic", "2", 2),
    ("3【推广规则】", "arabic", "3", 3),
    ("7 系统中断或故障", "arabic", "7", 7),  # a number and a space before a title that is the whole line
    ("10   商标、知识产权的保护", "arabic", "10", 10),
    ("1.1 统一接入号码", "dotted2", "1.1", 1),
    ("3.1.资费标准", "dotted2", "3.1", 1),
    ("4.2双方建立协商制度", "dotted2", "4.2", 2),
    ("1.1.3 细则", "dotted3", "1.1.3", 3),
    ("5-1 在服务有效期间", "dotted2", "5-1", 1),
    ("2-2-7 Provider有权修改", "dotted3", "2-2-7", 7),
    ("（1）甲方义务", "paren", "(1)", 1),
    ("(12) 乙方义务", "paren", "(12)", 12),
    ("1) 说明", "half_paren", "1)", 1),
    ("③ 第三项", "circled", "③", 3),
    ("【一、服务说明】", "cn", "一", 1),  # a heading in brackets
])
def test_every_numbering_form(line, style, number, value):
    m = parse_marker(line)
    assert m is not None and (m.style, m.number, m.value) == (style, number, value)


@pytest.mark.parametrize("line", ["【重要提示】", "[1] 参见附件", "0.12元/分钟计费", "2017年7月26日", "400电话", "一方违约", "30%的违约金", "一，二，三",
                                  "2023-01-01 签署", "400-800-1234 客服热线", "10-12个工作日内完成",
                                  "30 天内完成", "2 服务费为100元。", "7 系统可能因下列状况无法正常运作，本公司不承担责任"])
def test_not_numbering(line):
    assert parse_marker(line) is None


CONTRACT = """服务协议
甲方：某某贸易有限公司
乙方：某某通信有限公司
一、服务内容
1. 乙方向甲方提供呼叫中心服务。
2. 服务号码为4001234567。
二、费用
1.1 通话费0.1元/分钟。
1.2 坐席费100元/月。
（1）按月结算。
（2）预付费。
三、其他
本合同一式两份。
"""


def test_tree_numbers_paths_and_offsets():
    clean, clauses = clauses_of(CONTRACT)
    by_text = {c.text.split("。")[0]: c for c in clauses}
    c = by_text["（2）预付费"]
    assert c.number == "(2)" and c.heading_path == ("二、费用", "1.2 坐席费100元/月。")
    assert c.label.endswith("› (2)")
    head = next(x for x in clauses if x.number == "三")
    assert "本合同一式两份" in head.text  # an unnumbered paragraph belongs to its clause
    for c in clauses:
        assert re.sub(r"\s", "", CONTRACT[c.start:c.end]) == re.sub(r"\s", "", c.text)


def test_clauses_never_overlap_and_keep_order():
    _, clauses = clauses_of(CONTRACT)
    for a, b in zip(clauses, clauses[1:]):
        assert a.end <= b.start


def test_out_of_order_duplicate_and_skipped_numbers_are_anomalies():
    text = "一、甲\n1. a\n2. b\n三、乙\n二、丙\n二、丁\n1. c\n3. d\n"
    _, clauses = clauses_of(text)
    issues = numbering_anomaly(clauses)
    assert len(issues) == 1
    msg = issues[0].message
    assert "顺序错乱" in msg and "重复" in msg and "跳过" in msg


def test_clean_numbering_is_no_anomaly():
    _, clauses = clauses_of(CONTRACT)
    assert numbering_anomaly(clauses) == []


def test_a_list_before_the_first_section_does_not_swallow_the_sections():
    _, clauses = clauses_of("重要提示：\n1. 请仔细阅读。\n2. 签署即视为同意。\n一、总则\n1. 甲方付款。\n2. 乙方服务。\n"
                            "二、费用\n1. 按月结算。\n")
    by_text = {c.text.split("\n")[0]: c for c in clauses}
    assert by_text["一、总则"].parent is None and by_text["二、费用"].parent is None
    assert by_text["1. 甲方付款。"].parent == by_text["一、总则"].id
    assert numbering_anomaly(clauses) == []


def test_sections_inside_a_numbered_item_stay_inside_it():
    _, clauses = clauses_of("1. 服务内容\n一、外呼服务\n二、呼入服务\n2. 费用\n3. 其他\n")
    by_text = {c.text: c for c in clauses}
    assert by_text["一、外呼服务"].parent == by_text["1. 服务内容"].id
    assert by_text["2. 费用"].parent is None
    assert numbering_anomaly(clauses) == []


def test_page_furniture_is_dropped_and_wrapped_lines_joined():
    body = []
    for page in range(3):
        body.append("服务热线：4000000000")
        for i in range(6):
            n = page * 6 + i + 1
            body.append(f"（{n}）甲方应按照本协议的约定按时足额支付各项费用，乙方在收到款项后三个工作日内为甲方开通服")
            body.append("务并提供技术支持。")
        body.append(str(page + 1))
    text = "\n".join(body)
    clean = normalize(text)
    assert "服务热线" not in clean.text
    assert not re.search(r"^\d+$", clean.text, re.M)
    assert "开通服务并提供" in clean.text
    for i, ch in enumerate(clean.text):
        assert text[clean.offsets[i]] == ch or (ch == " " and text[clean.offsets[i]] == "\n")


def test_artefacts_and_markdown_bullets_are_stripped():
    clean = normalize("- 4.3. 乙方应开通服务。\n[bookmark: _GoBack]10.4 甲方付款。")
    assert clean.text == "4.3. 乙方应开通服务。\n10.4 甲方付款。"
    # an unclosed bookmark on one line does not hide the artefact of the next
    clean = normalize("甲方付款[bookmark: x\n[bookmark: _GoBack]乙方开票。\n")
    assert "乙方开票" in clean.text and "_GoBack" not in clean.text and "[bookmark: x" in clean.text


def test_long_paragraph_is_split_at_sentence_ends():
    text = "第一条 服务\n" + "乙方应当按照约定提供稳定可靠的服务并及时处理甲方的各项请求。" * 40
    _, clauses = clauses_of(text)
    assert len(clauses) > 2
    assert all(len(c.text) <= 500 for c in clauses)
    assert "".join(c.text for c in clauses).replace("\n", "") == text.replace("\n", "")


def test_fee_table_stays_one_block():
    text = "1. 收费标准\n1.1 增值功能如下：\n功能\t月租\t是否开通\n虚拟总机\t100\t否\n短信群发\t50\t否\n1.2 其他费用0元。"
    _, clauses = clauses_of(text)
    table = next(c for c in clauses if c.number == "1.1")
    assert "虚拟总机\t100" in table.text and "短信群发" in table.text


def test_fold_is_the_fold_table_applied_to_every_character():
    s = "ＡＢＣ１２３：（一）甲方\u3000乙方，①⑴ fi ｶ" * 3
    assert fold(s) == s.translate(fold_table()) and fold(s * 200) == (s * 200).translate(fold_table())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ＡＢ１２：（）\u3000甲方服務條款⾒見①fiｶ \U0001F600\ud800abc", min_size=500, max_size=900))
def test_a_long_text_folds_as_its_characters_do(text):
    assert fold_uncached(text) == text.translate(fold_table())


def test_fold_keeps_length():
    s = "ＡＢＣ１２３：　（一）"
    assert len(fold(s)) == len(s) and fold(s) == "ABC123: (一)"


def test_traditional_characters_fold_to_simplified_ones_one_for_one():
    text = "服務條款：本公司有權隨時終止服務，已付費用不予退還。"
    assert fold(text) == "服务条款:本公司有权随时终止服务,已付费用不予退还。"
    assert len(fold(text)) == len(text)
    assert fold("著作权归乙方所有") == "著作权归乙方所有"  # a simplified text is left as it is


# -- word segmentation ------------------------------------------------------------------------

@pytest.fixture
def without_compiled(monkeypatch):
    """As if the compiled segmenter were not installed: importing it fails."""
    monkeypatch.setitem(sys.modules, tokens.COMPILED, None)


@pytest.fixture(scope="module")
def plain_jieba():
    """The tokenizer on plain jieba, the reference the compiled segmenter is held to."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, tokens.COMPILED, None)
        tk = tokens.Tokenizer()
    assert tk.segmenter == "jieba"
    return tk


@pytest.fixture(scope="module")
def compiled():
    pytest.importorskip(tokens.COMPILED)
    tk = tokens.Tokenizer()
    assert tk.segmenter == tokens.COMPILED
    return tk


def test_without_the_compiled_segmenter_jieba_segments(without_compiled):
    tk = tokens.Tokenizer()
    assert tk.segmenter == "jieba" and tokens.segmenter().startswith("jieba ")
    assert tk.words("乙方有权单方解除合同，违约金为合同总额的20%。") == ["乙方", "有权", "单方", "解除合同", "违约金",
                                                                    "为", "合同", "总额", "的", "20%"]


def test_the_compiled_segmenter_loads_without_its_default_instance():
    """rjieba's package builds a segmenter of its own on import; the analyzer loads the compiled
    module alone, and a later `import rjieba` still works, with the same class."""
    pytest.importorskip(tokens.COMPILED)
    code = ("import sys\nfrom analyzer import tokens\ntk = tokens.Tokenizer()\n"
            "print(tk.segmenter, 'rjieba' in sys.modules, 'rjieba.rjieba' in sys.modules)\n"
            "print(' '.join(tk.words('乙方有权单方解除合同，违约金为合同总额的20%。')))\n"
            "import rjieba\nprint(''.join(rjieba.cut('乙方有权单方解除合同')), rjieba.Jieba is sys.modules['rjieba.rjieba'].Jieba)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["rjieba False True", "乙方 有权 单方 解除合同 违约金 为 合同 总额 的 20%",
                                     "乙方有权单方解除合同 True"]


@pytest.mark.parametrize("which", ["plain_jieba", "compiled"])
def test_the_user_dictionary_is_applied(which, request):
    tk = request.getfixturevalue(which)
    assert "自动续约" in tk.cut("本合同到期后自动续约一年")
    assert "接通率" in tk.cut("乙方保证接通率不低于95%")


def real_texts():
    paths = sorted((ROOT / "data" / "contracts").iterdir()) + sorted((ROOT / "data" / "labeled" / "texts").iterdir())
    return [p.read_text(encoding="utf-8") for p in paths if p.suffix in (".txt", ".md")]


def test_the_compiled_segmenter_gives_jieba_s_tokens_on_every_real_text(compiled, plain_jieba):
    texts = real_texts()
    assert len(texts) > 90
    differ = [t[:40] for t in texts if compiled.cut(t) != plain_jieba.cut(t)]
    assert differ == []


# characters where the two read a text differently unless told: Chinese outside U+4E00–U+9FD5,
# runs of letters, digits and symbols (URLs, clause numbers, C++), spaces and line ends
PIECES = st.sampled_from(["甲方", "乙方应于", "违约金", "服务费", "自动续约", "的", "在", "不可抗力", "人民法院", "合同",
                          "www.", "example", ".com", "2.1.1", "3.5%", "C++", "AT&T", "c#", "third-party", "-", "_",
                          "________", "#", "&", "+", "%", ".", "0", "42", "abc", "\u9fd6", "\u3400", "\U00020000",
                          "\uf900", "\u9fa5", "\u3007", "①", "Ａ", "１", "，", "。", "（", "）", "“", " ", "\n", "\r\n",
                          "\t", "\u3000", "\xa0"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_compiled_segmenter_reads_odd_text_as_jieba_does(compiled, plain_jieba, text):
    assert compiled.cut(text) == plain_jieba.cut(text)


def test_version_names_the_segmenter():
    out = CliRunner().invoke(main, ["--version"]).output.strip()
    assert re.fullmatch(r"analyzer \S+ \(segmenter: (rjieba|jieba) \S+\)", out)
    assert out.endswith(f"(segmenter: {tokens.segmenter()})")


def test_version_names_jieba_where_the_compiled_segmenter_is_missing(without_compiled):
    assert "(segmenter: jieba " in CliRunner().invoke(main, ["--version"]).output


def test_version_loads_no_segmenter():
    code = ("import sys\nfrom analyzer.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('jieba', 'rjieba') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "[]"


def test_aligner_is_one_cache_entry_however_asked():
    assert pipeline.aligner() is pipeline.aligner(1) is pipeline.aligner(workers=1)


def test_a_character_that_folds_to_a_foldable_one_is_folded_once():
    s = "⾒見（Ａ）⼾"
    assert fold(s) == s.translate(fold_table()) == "見见(A)戶"


def test_a_line_reads_the_same_marker_however_often_it_is_read():
    assert parse_marker("第三条 付款") == parse_marker("  第三条 付款") == parse_marker("第三条 付款")
    assert parse_marker("（二）费用").value == 2 and parse_marker("付款方式") is None


def test_forms_tried_by_first_character_keep_the_numbering_order():
    for lead, forms in FORMS_BY_LEAD.items():
        assert list(forms) == [f for f in MARKERS if f in forms] and forms, lead
    assert parse_marker("1-2 服务内容").number == "1-2" and parse_marker("２.３.１ 费用").number == "2.3.1"


def test_the_fold_table_is_every_character_folded_one_by_one():
    """fold_table tries only the characters that may fold; it equals folding each of them."""
    plain = {o: fold_char(chr(o)) for r in FOLDED for o in r if fold_char(chr(o)) != chr(o)}
    assert fold_table() == plain and list(fold_table()) == list(plain)


def test_offsets_past_the_shared_numbers_are_made_as_before():
    parts = [range(3, 7), [9, 11], range(SHARED_OFFSETS - 2, SHARED_OFFSETS + 2), (SHARED_OFFSETS + 5,)]
    assert joined_offsets(parts) == tuple(o for part in parts for o in part)


def test_a_list_numbered_like_the_sections_inside_a_finer_clause_nests_there():
    # "1." … "3." inside 1.2 (which ends with a colon), in the style of the sections "1." and "2."
    text = ("1. 免责\n1.1 甲方自行承担风险。\n1.2 乙方不就以下各项作出保证：\n1. 服务不中断；\n2. 结果准确；\n"
            "3. 错误都将得到更正。\n1.3 乙方不承担间接损失。\n2. 其他\n2.1 本协议自签署之日起生效。\n")
    _, clauses = clauses_of(text)
    by_text = {c.text.split("\n")[0]: c for c in clauses}
    assert by_text["2. 结果准确；"].parent == by_text["1.2 乙方不就以下各项作出保证："].id
    assert by_text["1.3 乙方不承担间接损失。"].parent == by_text["1. 免责"].id and by_text["2. 其他"].parent is None
    assert numbering_anomaly(clauses) == []


def test_sections_in_brackets_head_their_lists():
    text = "【一、服务说明】\n1. 本服务为停车管理。\n2. 仅供合法用途。\n【二、账户】\n1. 用户应保管密码。\n2. 不得出借账户。\n"
    _, clauses = clauses_of(text)
    assert [c.heading_path for c in clauses if c.number == "2"] == [("一、服务说明",), ("二、账户",)]
    assert numbering_anomaly(clauses) == []
