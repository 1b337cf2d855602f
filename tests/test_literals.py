"""Literal prefilters: the words a pattern requires, found in many texts at once."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from analyzer.literals import LiteralIndex, Prefilter, WordFinder, gate, required


@pytest.mark.parametrize("pattern, want", [
    ("(?:不予|不)(?:退还|退款)", [{"不予退还", "不予退款", "不退还", "不退款"}]),
    ("乙方[^。]{0,6}(?:有权|可以)[^。]{0,9}终止", [{"乙方"}, {"有权", "可以"}, {"终止"}]),
    ("乙方[^。]{0,6}(?:有权|可)[^。]{0,9}终止", [{"乙方"}, {"终止"}]),  # 可 alone is everywhere
    ("(?:甲方)?退款", [{"退款"}]),
    ("违约金|罚款", [{"违约金", "罚款"}]),
    ("(?:只|仅)退还", [{"只退还", "仅退还"}]),
    ("违约金[^。]*", [{"违约金"}]),
    ("(?P<seat>[\u4e00-\u9fff]{2,4})仲裁(?:委员会|院)", [{"仲裁委员会", "仲裁院"}]),
    ("(?:赔偿){1,3}", [{"赔偿"}]),
    ("[^。]*", []),
    ("(?i)abc", []),
    ("(?=退款)", []),
    ("不|退", [{"不", "退"}]),  # nothing longer to require: single characters then
])
def test_required_words(pattern, want):
    assert sorted(map(sorted, required(re.compile(pattern)))) == sorted(map(sorted, want))


def test_every_occurrence_is_found_overlapping_ones_too():
    index = LiteralIndex(["违约", "违约金", "约金", "金"])
    texts = ["乙方违约金", "", "金金", "无关", "违约"]
    rows, ids = index.find(texts)
    got = sorted(zip(rows, (index.words[i] for i in ids)))
    want = sorted((i, w) for i, t in enumerate(texts) for w in index.words
                  for k in range(len(t)) if t.startswith(w, k))
    assert got == want
    with pytest.raises(ValueError):
        LiteralIndex(["违约", ""])


def test_lone_surrogates_in_words_and_texts_are_found_as_written():
    words = ["\udc00终止", "终止", "约金", "\ud800"]
    index = LiteralIndex(words)
    texts = ["\udc00终止", "甲方\ud800违约金", "终止\ud800\ud800", ""]
    want = [{i for i, w in enumerate(words) if w in t} for t in texts]
    assert index.words_in_each(texts) == want == [index.words_in(t) for t in texts]
    rows, ids = index.find(texts)
    assert sorted(zip(rows, ids)) == sorted((r, i) for r, t in enumerate(texts) for i, w in enumerate(words)
                                            for k in range(len(t)) if t.startswith(w, k))


_ATOMS = st.sampled_from(["甲方", "乙方", "退还", "不", "终止", "违约金", "[^。]", "[甲乙]", ".", r"\d", "。"])


def _patterns():
    def grow(inner):
        return st.one_of(
            st.lists(inner, min_size=1, max_size=3).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{0,3}", "{1,2}", "{2}", "+?"]))
              .map(lambda t: f"(?:{t[0]}){t[1]}"),
            inner.map(lambda x: f"(?={x})"), inner.map(lambda x: f"(?<!{x})"),
            inner.map(lambda x: f"(?P<g>{x})"), inner.map(lambda x: "^" + x), inner.map(lambda x: x + "$"),
        )
    return st.recursive(_ATOMS, grow, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(_patterns(), min_size=1, max_size=6),
       st.lists(st.text(alphabet="甲乙方不退还终止违约金。，0123456789x", max_size=30), min_size=1, max_size=6))
def test_a_pattern_that_matches_a_text_is_always_a_candidate(patterns, texts):
    compiled = []
    for p in patterns:
        try:
            compiled.append(re.compile(p))
        except re.error:  # a group name twice, a look-behind of varying width: not a pattern
            compiled.append(re.compile("甲方"))
    owners = [k // 2 for k in range(len(compiled))]
    found = Prefilter(compiled, owners).candidates(texts)
    for text, candidates in zip(texts, found):
        assert candidates == sorted(set(candidates))
        for k, p in enumerate(compiled):
            if p.search(text):
                assert owners[k] in candidates, (p.pattern, text)
                assert gate(p)(text), (p.pattern, text)


def test_a_gate_turns_away_texts_without_the_words():
    may = gate(re.compile(r"\d+元?(?:/|每)(?:\d+秒|分钟)"))
    assert may("0.1元/分钟") and may("每60秒0.1元/") and not may("分钟") and not may("每天")
    assert gate(re.compile("[^。]*"))("")  # nothing required: every text passes


def test_a_pattern_of_several_required_sets_needs_a_word_of_each():
    patterns = [re.compile("乙方[^。]{0,6}(?:有权|可以)[^。]{0,9}终止"), re.compile("违约金"), re.compile("[^。]*")]
    texts = ["乙方有权终止", "乙方有权解除", "终止。乙方可以", "违约金", ""]
    assert Prefilter(patterns).candidates(texts) == [[0, 2], [2], [0, 2], [1, 2], [2]]
    assert Prefilter(patterns, ["a", "b", "a"]).candidates(texts) == [["a"], ["a"], ["a"], ["a", "b"], ["a"]]


def test_the_words_in_each_text_are_those_it_holds():
    words = ["违约", "违约金", "约金", "金", "乙方", "\U0001F600笑", "终止"]
    index = LiteralIndex(words)
    texts = ["乙方违约金", "", "金金", "无关\U0001F600笑", "违约", "\ud800终止", "x" * 3]
    want = [{i for i, w in enumerate(words) if w in t} for t in texts]
    assert index.words_in_each(texts) == want
    assert [index.words_in(t) for t in texts] == want
    assert LiteralIndex([]).words_in_each(texts) == [set() for _ in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="甲乙方代表用户名", min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
       st.text(alphabet="甲乙方代表用户名，\ud800", max_size=30))
def test_the_word_finder_finds_what_the_alternation_longest_first_finds(words, text):
    alternation = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    want = [(m.start(), m.end(), m.group()) for m in alternation.finditer(text)]
    assert WordFinder(words).find(text) == want
    assert WordFinder(words + ["\udc00方"]).find(text) == [  # a word the automaton cannot hold
        (m.start(), m.end(), m.group()) for m in re.compile(
            "|".join(map(re.escape, sorted(words + ["\udc00方"], key=len, reverse=True)))).finditer(text)]
