"""The aligner: estimator contract, scores in range, unclassified when nothing fits, counterparts."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from analyzer import pipeline, tokens
from analyzer.align import (
    Aligner,
    FuzzyAlphabet,
    KeywordIndex,
    counterparts,
    rounded,
    squash_folded,
    squash_folded_all,
)
from analyzer.load import load
from analyzer.pipeline import aligner
from analyzer.segment import clauses_of
from analyzer.taxonomy import load_taxonomy
from analyzer.tokens import tokenizer


@pytest.fixture(scope="module")
def fitted():
    return aligner()


def test_estimator_contract():
    a = Aligner(tokenizer=tokenizer(), threshold=0.3)
    assert a.threshold == 0.3 and not hasattr(a, "categories_")
    assert a.fit(load_taxonomy()) is a
    assert a.categories_ == load_taxonomy().ids


@pytest.mark.parametrize("text, category", [
    ("因本合同发生的争议，提交被告所在地人民法院诉讼解决。", "dispute"),
    ("双方对合作中知悉的商业秘密负有保密义务。", "confidentiality"),
    ("因地震、台风等不可抗力不能履行的，双方互不承担责任。", "force_majeure"),
    ("坐席月租为每个二百元，通话费每分钟零点一元。", "fees"),
    ("甲方应在签约后三日内将款项汇入乙方指定账户。", "payment"),
    ("本合同有效期两年，期满前一个月协商续签。", "term_renewal"),
    ("甲方不得将号码转租或转售给第三方。", "assignment"),
])
def test_main_category(fitted, text, category):
    _, clauses = clauses_of(text)
    assert fitted.transform(clauses)[0].category == category


def test_nothing_fits_is_unclassified(fitted):
    _, clauses = clauses_of("今天天气晴朗。")
    c = fitted.transform(clauses)[0]
    assert c.category == "unclassified" and c.categories == ()


_TEXT = st.text(alphabet="甲乙方费用争议法院保密退还服务合同期限违约金不可抗力，。 0123456789", min_size=1, max_size=80)


@settings(max_examples=40, deadline=None)
@given(_TEXT, st.text(alphabet=" \n\t\u3000", max_size=5))
def test_scores_in_range_and_unchanged_by_whitespace(text, space):
    a = aligner()
    s1 = a.score_texts([text])
    spaced = space.join(text) if space else text
    s2 = a.score_texts([spaced])
    assert s1.shape == (1, len(a.categories_))
    assert np.all(s1 >= 0) and np.all(s1 <= 1.0 + 1e-9)
    assert np.allclose(s1, s2)


def test_counterparts_prefer_the_same_category(fitted):
    _, a = clauses_of("一、争议提交乙方所在地人民法院。\n二、已付费用不予退还。\n")
    _, b = clauses_of("一、余额在十日内退还甲方。\n二、争议提交被告所在地人民法院诉讼。\n")
    a, b = fitted.transform(a), fitted.transform(b)
    pairs = counterparts(list(a), list(b), tokenizer=tokenizer())
    assert pairs[0][0] == 1 and pairs[1][0] == 0
    assert all(0 <= s <= 100 for _, s in pairs)


def test_keyword_index_finds_what_a_plain_search_finds():
    groups = [("违约", "违约金", "约金"), ("退还", "不予退还", "还款"), ("金",)]
    index = KeywordIndex(groups)
    for text in ("乙方不予退还违约金", "违约违约", "还款", "无关", "", "不予退还款项，违约金"):
        want = [sum(1 for w in g if w in text) for g in groups]
        assert index.counts([text])[0].tolist() == want, text


_SOME = "一、已付费用不予退还。\n二、争议提交乙方所在地人民法院。\n三、今天天气晴朗。\n四、坐席月租每个二百元。"


def test_fitted_tfidf_equals_scikit_learn():
    fresh = Aligner(tokenizer=tokenizer()).fit(load_taxonomy())
    _, clauses = clauses_of(_SOME)
    cut = [fresh.tokenizer_.words(c.text) for c in clauses] + [[]]
    assert np.allclose(fresh.tfidf(cut).toarray(), fresh.word_vectorizer_.transform(cut).toarray())
    want = (fresh.word_vectorizer_.transform(cut) @ fresh.word_exemplars_.T).toarray()
    assert np.allclose(fresh.exemplar_similarity(cut), want)


def test_a_stored_fit_scores_exactly_like_a_fresh_one(tmp_path):
    fresh = Aligner(tokenizer=tokenizer()).fit(load_taxonomy())
    fresh.save_fitted(tmp_path / "a.npz")
    loaded = Aligner(tokenizer=tokenizer()).load_fitted(tmp_path / "a.npz")
    _, clauses = clauses_of(_SOME)
    texts, heads = [c.text for c in clauses], [" ".join(c.heading_path) for c in clauses]
    assert np.array_equal(fresh.score_texts(texts, heads), loaded.score_texts(texts, heads))
    with pytest.raises(ValueError):
        Aligner(tokenizer=tokenizer(), threshold=0.5).load_fitted(tmp_path / "a.npz")


def test_a_damaged_stored_fit_is_fitted_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    stored = tmp_path / "analyzer" / f"aligner-{pipeline.aligner_key()}.npz"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"PK\x03\x04 not really a zip")
    a = pipeline.fitted_aligner()
    assert a.categories_ == load_taxonomy().ids
    assert Aligner(tokenizer=tokenizer()).load_fitted(stored).categories_ == a.categories_  # stored anew


def test_an_item_that_says_little_belongs_where_its_heading_belongs():
    _, clauses = clauses_of("四、免责条款\n1. 您未遵循产品使用文档操作所引起的。\n2. 监管部门管控引起的。\n"
                            "五、其他\n今天天气晴朗。")
    cats = [c.category for c in aligner().transform(clauses)]
    assert cats == ["liability_limit", "liability_limit", "liability_limit", "unclassified"]
    alone = Aligner(tokenizer=tokenizer(), inherit=False).fit(load_taxonomy()).transform(clauses)
    assert [c.category for c in alone] == ["liability_limit", "unclassified", "unclassified", "unclassified"]


def test_a_process_with_a_stored_fit_imports_neither_scikit_learn_nor_scipy(tmp_path):
    import os
    import subprocess
    import sys
    script = ("import sys; from analyzer.pipeline import analyze_document; from analyzer.model import Document; "
              "a = analyze_document(Document('a.txt', '0' * 64, '一、已付费用不予退还。', 'text')); "
              "print(a.findings[0].flag, 'sklearn' in sys.modules, 'scipy' in sys.modules)")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert runs[0].stdout.split()[:2] == ["non_refundable", "True"]  # no fit stored yet: fitted
    assert runs[1].stdout.split() == ["non_refundable", "False", "False"], runs[1].stderr


_KEYWORDS = st.lists(st.text(alphabet="违约金退还款项甲乙方\n", min_size=1, max_size=4), max_size=8)
_SCANNED = st.text(alphabet="违约金退还款项甲乙方丙，\n𠀀", max_size=30)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(_KEYWORDS, min_size=1, max_size=4), st.lists(_SCANNED, max_size=5))
def test_keyword_counts_are_those_of_a_plain_search(groups, texts):
    groups = [tuple(g) for g in groups]
    got = KeywordIndex(groups).counts(texts)
    want = [[sum(1 for w in g if w in text) for g in groups] for text in texts]
    assert got.shape == (len(texts), len(groups)) and got.tolist() == want


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="甲乙方费用 争议ab1", max_size=12), min_size=1, max_size=4),
       st.lists(st.text(alphabet="甲乙方费用 争议法院ab1c2\x00𠀀", max_size=20), max_size=5))
def test_the_fuzzy_alphabet_keeps_every_ratio(patterns, strings):
    from rapidfuzz import fuzz, process
    alphabet = FuzzyAlphabet(patterns)
    mapped_patterns, mapped = alphabet.translate(patterns), alphabet.translate(strings)
    assert [len(s) for s in mapped] == [len(s) for s in strings]
    want = process.cdist(patterns, strings, scorer=fuzz.ratio, dtype=np.float32)
    assert np.array_equal(process.cdist(mapped_patterns, mapped, scorer=fuzz.ratio, dtype=np.float32), want)
    assert alphabet.translate(["甲\n乙"]) is None


def test_rounded_is_python_s_round():
    rng = np.random.default_rng(7)
    for digits in (0, 2, 4):
        halves = (np.arange(5000) + 0.5) / 10 ** digits
        values = np.concatenate([rng.random(20000), -rng.random(100), rng.random(100) * 1e9, halves,
                                 np.nextafter(halves, 0), np.nextafter(halves, 1),
                                 [0.0, -0.0, 0.03125, 5e-05, np.inf, -np.inf]])
        got, want = rounded(values, digits), [round(v, digits) for v in values.tolist()]
        assert got == want and [np.signbit(v) for v in got] == [np.signbit(v) for v in want]
    assert rounded(np.array([1234.5678]), -2) == [round(1234.5678, -2)]


_PIECES = st.sampled_from(["甲方", "违约金", "的", "www.", ".com", "2.1.1", "3.5%", "C++", "AT&T", "_", "________",
                           "#", "-", "0", "abc", "\u9fd6", "\u3400", "①", "，", "。", "（", " ", "\n"])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_words_are_the_cut_tokens_that_carry_meaning(text):
    import re
    tk = tokenizer()
    assert tk.words(text) == [w for w in tk.cut(text) if re.search(r"[\w\u4e00-\u9fff]", w)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="甲乙 \t\n\u3000ＡＢ１２⾒見臺灣，,.ab_①\x00", max_size=12), max_size=6))
def test_texts_squashed_together_are_each_squashed(texts):
    assert squash_folded_all(texts) == [squash_folded(t) for t in texts]


# texts that a segmenter could read differently cut together than alone: line ends (the gap
# the texts are joined by), "\r" before a gap ("\r\n" is one token), spaces, Latin, digits,
# symbols, Chinese outside U+4E00–U+9FD5, empty texts
_APART = st.sampled_from(["甲方", "乙方应于", "违约金", "自动续约", "的", "www.", ".com", "2.1.1", "3.5%", "C++",
                          "AT&T", "_", "-", "#", "0", "abc", "\u9fd6", "\u3400", "\U00020000", "\uf900", "①",
                          "，", "。", " ", "\n", "\r", "\r\n", "\t", "\u3000", "\x00"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(_APART, max_size=6).map("".join), max_size=6))
def test_words_of_texts_cut_together_are_the_words_of_each(texts):
    tk = tokenizer()
    assert tk.words_each(texts) == [tk.words(t) for t in texts]


def test_words_of_the_sample_clauses_cut_together_are_the_words_of_each(sample_paths):
    tk = tokenizer()
    for path in sample_paths:
        texts = [c.text for c in clauses_of(load(path).text)[1]]
        for each in (texts, squash_folded_all(texts)):
            assert tk.words_each(each) == [tk.words(t) for t in each]


def test_words_of_texts_cut_together_without_the_compiled_segmenter(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, tokens.COMPILED, None)
    tk = tokens.Tokenizer()
    texts = ["乙方有权单方解除合同，违约金为合同总额的20%。", "", "见www.example.com第2.1.1条"]
    assert tk.segmenter == tokens.FALLBACK and tk.words_each(texts) == [tk.words(t) for t in texts]
