"""The model learned from labeled contracts: features, fit, storage without pickle, second opinion."""
import json
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import analyzer
from analyzer.errors import ResourceError
from analyzer.learn import Example, Model, Vocabulary, act_tokens, features, fit, packaged, second_opinion, tokens
from analyzer.reading import read

from .conftest import LABELED, ROOT


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("甲乙方有权终止退还费用") + ["@terminate|vendor|right"]),
                         min_size=1, max_size=30), min_size=2, max_size=12))
def test_tfidf_is_scikit_learns(docs):
    from sklearn.feature_extraction.text import TfidfVectorizer
    vocab = Vocabulary.fit(docs, min_df=1, max_features=10_000)
    ref = TfidfVectorizer(analyzer=lambda d: d, lowercase=False)
    X = ref.fit_transform(docs).toarray()
    order = [ref.vocabulary_[t] for t in sorted(vocab.terms, key=vocab.terms.get)]
    assert np.allclose(vocab.idf, ref.idf_[order])
    ours = vocab.matrix(docs).toarray()
    assert np.allclose(ours, X[:, order])


def _toy_examples():
    """Clauses written here: the vendor's right to terminate, and clauses about other things."""
    yes = ["服务商有权随时终止本协议。", "平台可单方解除合同。", "服务商有权立即终止服务并注销账号。",
           "服务商保留终止本协议的权利。", "平台可以随时终止向客户提供服务。", "服务商有权解除本合同并收回号码。",
           "服务商可随时终止合作。", "平台有权终止会员资格。"]
    no = ["客户应按月支付服务费。", "双方应对本协议内容保密。", "服务期限为一年。", "客户应提供真实资料。",
          "服务商应在三日内开通服务。", "本协议一式两份。", "争议由双方协商解决。", "客户可申请开具发票。"]
    return [Example("x", tokens(read(t)), frozenset({"unilateral_termination"} if t in yes else ()), frozenset())
            for t in yes + no]


def test_fit_save_and_load_round_trip(tmp_path):
    model = fit(_toy_examples(), ["unilateral_termination", "exclusivity"], about={"contracts": 1})
    assert model.codes == ("unilateral_termination",)  # exclusivity has no positives: no model for it
    written = model.save(tmp_path)
    assert {p.name for p in written} == {"model.npz", "model.json"}
    json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))  # plain JSON
    with np.load(tmp_path / "model.npz", allow_pickle=False) as z:  # plain arrays, no pickle
        assert {f for f in z.files if not f.startswith("trie_")} == {"coef", "intercept", "platt", "idf"}
    loaded = Model.load(tmp_path)
    assert _same_trie(loaded.vocabulary.trie, Vocabulary(model.vocabulary.terms, model.vocabulary.idf).trie)
    docs = [features(read(t)) for t in ("服务商有权随时解除本合同。", "客户应按时付款。")]
    assert np.allclose(loaded.confidence(docs), model.confidence(docs), atol=1e-6)
    high, low = loaded.confidence(docs)[:, 0]
    assert high > 0.5 > low


def test_an_unreadable_model_is_a_clear_error(tmp_path):
    (tmp_path / "model.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ResourceError, match="analyzer model fit"):
        Model.load(tmp_path)


def test_the_second_opinion_is_marked_and_kept_apart(sample_analyses):
    model = fit(_toy_examples(), ["unilateral_termination"])
    a = sample_analyses[0]
    opinions = second_opinion(a.clauses, a.findings, a.protections, model, min_confidence=0.0)
    assert opinions and all(o.source == "model" and 0.0 <= o.confidence <= 1.0 for o in opinions)
    ruled = {(f.clause_id, f.flag) for f in a.findings}
    assert not any((o.clause_id, o.flag) in ruled for o in opinions)  # only what the rules did not find
    assert all(o.quote and o.quote in o.text for o in opinions)
    d = a.to_dict()
    assert all(f.get("source", "rules") == "rules" for f in d["findings"])


def test_the_packaged_model_is_fitted_from_the_labeled_contracts():
    model = packaged()
    assert model is not None and model.about["contracts"] >= 40
    assert {"unilateral_termination", "liability_exclusion", "data_protection"} <= set(model.codes)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True, cwd=ROOT)


def test_model_fit_command(tmp_path):
    r = _cli("model", "fit", str(LABELED / "gold" / "samples.json"), "data/contracts", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "fitted on" in r.stdout and (tmp_path / "model.npz").is_file()
    assert Model.load(tmp_path).about["contracts"] == 5


def test_eval_cross_validation_prints_per_flag_figures():
    r = _cli("eval", "--cv", str(LABELED / "gold" / "samples.json"), "data/contracts")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("leave-one-contract-out over 5 labeled contracts")
    assert any(line.startswith("unilateral_termination") for line in lines)
    for kind in ("rules:", "model:", "rules + model:"):
        assert any(line.startswith(kind) and "findings P=" in line for line in lines), kind


def test_a_malformed_gold_file_is_one_line(tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text('{"contracts": [1, 2]}', encoding="utf-8")
    r = _cli("eval", str(bad), "data/contracts")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "not a gold file" in r.stderr


def test_the_second_opinion_as_a_dataframe(sample_paths):
    a = analyzer.analyze(sample_paths[0])
    df = a.second_opinion
    assert list(df.columns) == ["vendor", "kind", "code", "label", "confidence", "clause_id", "clause", "quote"]
    assert len(df) == len(a.model.second_opinion)


def test_the_fast_features_are_the_tokens_terms(sample_analyses):
    """The packed n-gram search finds exactly the vocabulary terms that the token lists hold."""
    vocab = packaged().vocabulary
    clauses = [c for a in sample_analyses for c in a.clauses if c.reading is not None]
    assert len(clauses) > 100
    for c in clauses:
        want = sorted(i for i in map(vocab.terms.get, tokens(c.reading)) if i is not None)
        text, acts = features(c.reading)
        got = vocab.grams_in([text])[1].tolist() + [i for i in map(vocab.terms.get, acts) if i is not None]
        assert sorted(got) == want, c.id


def test_texts_read_at_once_count_each_text_s_own_grams():
    vocab = packaged().vocabulary
    texts = ["服务商有权随时解除本合同。", "", "甲", "客户应按时付款。服务商有权"]
    doc, term = vocab.grams_in(texts)
    for k, text in enumerate(texts):
        alone = sorted(i for n in (2, 3) for j in range(len(text) - n + 1)
                       if (i := vocab.terms.get(text[j:j + n])) is not None)
        assert sorted(term[doc == k].tolist()) == alone


def _same_trie(a, b) -> bool:
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))


def test_the_packaged_model_s_stored_trie_is_its_vocabulary_s():
    """The trie is stored with the model (a process need not build it); it must be the one its
    terms make."""
    vocab = packaged().vocabulary
    assert vocab.stored_trie is not None
    assert _same_trie(vocab.trie, Vocabulary(vocab.terms, vocab.idf).trie)


def _grams_one_by_one(vocab, texts):
    """(text, term) of every vocabulary n-gram in the texts, looked up one by one."""
    return sorted((k, i) for k, text in enumerate(texts) for n in (2, 3) for j in range(len(text) - n + 1)
                  if (i := vocab.terms.get(text[j:j + n])) is not None)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_trie_finds_what_a_lookup_one_by_one_finds(data):
    """Any characters: beyond the vocabulary's highest, astral ones, line breaks inside texts."""
    alphabet = st.sampled_from(list("甲乙方\n@|a") + ["\U00020000", "\U0010ffff", "\x00"])
    grams = data.draw(st.lists(st.text(alphabet, min_size=1, max_size=4), max_size=30))
    terms = {g: i for i, g in enumerate(dict.fromkeys(grams))}
    vocab = Vocabulary(terms, np.ones(len(terms)))
    texts = data.draw(st.lists(st.text(st.one_of(alphabet, st.characters()), max_size=12), max_size=6))
    doc, term = vocab.grams_in(texts)
    assert sorted(zip(doc.tolist(), term.tolist())) == _grams_one_by_one(vocab, texts)


def test_the_quote_is_the_sentence_scored_highest(sample_analyses):
    """The sentences of all quoted clauses are scored at once: the quote is the sentence scored
    highest when its clause's sentences are scored alone."""
    model, several = packaged(), 0
    for a in sample_analyses:
        clauses = {c.id: c for c in a.clauses}
        for o in second_opinion(a.clauses, (), (), model, min_confidence=0.5):
            c, code = clauses[o.clause_id], getattr(o, "flag", None) or o.code
            sentences = c.reading.sentences
            conf = model.confidence([(s.text, act_tokens(s.acts)) for s in sentences])[:, model.codes.index(code)]
            best = sentences[int(np.argmax(conf))]
            assert o.quote == c.text[slice(*c.reading.view.span(best.start, best.end))].strip()
            several += len(sentences) > 1
    assert several >= 5
