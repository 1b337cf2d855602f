"""Align clauses to the taxonomy, and clauses of one contract to those of another.

``Aligner`` follows the estimator contract: ``fit(taxonomy)`` learns from the exemplars and
keywords, ``transform(clauses)`` returns new clauses carrying their categories. The score of a
clause for a category mixes three signals:

- keyword evidence: distinct taxonomy keywords in the clause (and, weaker, in its headings);
- TF-IDF cosine similarity to the category's exemplars, over jieba unigrams and bigrams (the
  clause is cut once; a character n-gram TF-IDF was dropped: it cost as much as jieba itself and
  changed no category on the samples);
- rapidfuzz similarity of the clause's token set to each exemplar's (``process.cdist``).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .model import Clause
from .normalize import fold
from .taxonomy import UNCLASSIFIED, Taxonomy

KEYWORD_WEIGHT, TFIDF_WEIGHT, FUZZ_WEIGHT, HEADING_WEIGHT = 0.55, 0.25, 0.10, 0.10


def _unigrams_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def _token_set(tokens: list[str]) -> str:
    return " ".join(sorted(set(tokens)))


def _squash(text: str) -> str:
    return "".join(fold(text).split())


class Aligner:
    """Assign taxonomy categories to clauses."""

    def __init__(self, *, tokenizer=None, threshold: float = 0.22, secondary: float = 0.3,
                 workers: int = 1):
        self.tokenizer = tokenizer
        self.threshold = threshold
        self.secondary = secondary
        self.workers = workers

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, taxonomy: Taxonomy) -> "Aligner":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from .tokens import tokenizer as default_tokenizer
        tok = self.tokenizer or default_tokenizer()
        self.tokenizer_ = tok
        self.categories_ = taxonomy.ids
        rows, owner, keyword_rows = [], [], set()
        for k, cat in enumerate(taxonomy.categories):
            for text in cat.exemplars:
                rows.append(_squash(text))
                owner.append(k)
            keyword_rows.add(len(rows))
            rows.append(_squash(" ".join(cat.keywords)))
            owner.append(k)
        self.exemplar_owner_ = np.array(owner)
        # the word vectorizer is given jieba tokens already cut (see score_texts): one cut per clause
        self.word_vectorizer_ = TfidfVectorizer(analyzer=_unigrams_bigrams, sublinear_tf=True)
        row_tokens = [tok.words(r) for r in rows]
        self.word_exemplars_ = self.word_vectorizer_.fit_transform(row_tokens)
        # fuzzy rows: the exemplars only (keyword rows are long bags scored by the keyword signal)
        self.fuzzy_rows_ = np.array([i for i, text in enumerate(rows) if i not in keyword_rows])
        self.exemplar_tokens_ = [_token_set(row_tokens[i]) for i in self.fuzzy_rows_]
        self.keywords_ = [tuple(_squash(k) for k in cat.keywords) for cat in taxonomy.categories]
        return self

    # -- scoring ---------------------------------------------------------------------------
    def score_texts(self, texts: list[str], headings: list[str] | None = None) -> np.ndarray:
        """Scores in [0, 1], one row per text, one column per category."""
        from rapidfuzz import fuzz, process
        n, k = len(texts), len(self.categories_)
        if n == 0:
            return np.zeros((0, k))
        squashed = [_squash(t) for t in texts]
        kw = np.array([[self._keyword_score(s, words) for words in self.keywords_] for s in squashed])
        head = np.zeros((n, k))
        if headings is not None:  # many clauses share a heading: score each heading once
            distinct = {h: [self._keyword_score(_squash(h), words) if h else 0.0 for words in self.keywords_]
                        for h in set(headings)}
            head = np.array([distinct[h] for h in headings])
        cut = [self.tokenizer_.words(s) for s in squashed]
        sim_w = (self.word_vectorizer_.transform(cut) @ self.word_exemplars_.T).toarray()
        # token-set similarity: plain ratio of the sorted, de-duplicated token strings
        fz = process.cdist([_token_set(t) for t in cut], self.exemplar_tokens_, scorer=fuzz.ratio,
                           workers=self.workers, dtype=np.float32) / 100.0
        # short clauses match everything by token sets; trust the signal by length
        length = np.array([min(1.0, len(t) / 8.0) for t in cut])[:, None]
        tfidf = self._per_category(sim_w)
        fuzzy = self._per_category(fz * length, self.exemplar_owner_[self.fuzzy_rows_])
        return (KEYWORD_WEIGHT * kw + TFIDF_WEIGHT * np.clip(tfidf * 2, 0, 1)
                + FUZZ_WEIGHT * fuzzy + HEADING_WEIGHT * head)

    def _per_category(self, matrix: np.ndarray, owner: np.ndarray | None = None) -> np.ndarray:
        owner = self.exemplar_owner_ if owner is None else owner
        out = np.zeros((matrix.shape[0], len(self.categories_)))
        for k in range(len(self.categories_)):
            cols = matrix[:, owner == k]
            out[:, k] = cols.max(axis=1) if cols.shape[1] else 0.0
        return out

    @staticmethod
    def _keyword_score(text: str, words: tuple[str, ...]) -> float:
        hits = sum(1 for w in words if w in text)
        return 1.0 - 0.5 ** hits

    def transform(self, clauses: tuple[Clause, ...] | list[Clause]) -> tuple[Clause, ...]:
        """New clauses with ``category``, ``categories`` (main first) and ``category_scores``."""
        clauses = tuple(clauses)
        scores = self.score_texts([c.text for c in clauses], [" ".join(c.heading_path) for c in clauses])
        out = []
        for c, row in zip(clauses, scores):
            if c.style == "signature":
                row = row.copy()
                row[self.categories_.index("parties")] = 1.0
            best = int(row.argmax())
            main = self.categories_[best] if row[best] >= self.threshold else UNCLASSIFIED
            others = [self.categories_[j] for j in np.argsort(-row)
                      if j != best and row[j] >= self.secondary]
            cats = ((main,) if main != UNCLASSIFIED else ()) + tuple(others)
            out.append(replace(c, category=main, categories=cats,
                               category_scores={self.categories_[j]: round(float(row[j]), 4)
                                                for j in np.argsort(-row)[:5]}))
        return tuple(out)

    def fit_transform(self, taxonomy: Taxonomy, clauses) -> tuple[Clause, ...]:
        return self.fit(taxonomy).transform(clauses)


def counterparts(a: list[Clause], b: list[Clause], *, tokenizer, workers: int = 1) -> list[tuple[int, float]]:
    """For each clause of ``a`` its closest clause in ``b``: (index in b, similarity 0–100).

    Same-category clauses are preferred; similarity is rapidfuzz token-set ratio on jieba tokens.
    """
    from rapidfuzz import fuzz, process
    if not a or not b:
        return [(-1, 0.0)] * len(a)
    ta = [" ".join(tokenizer.words(_squash(c.text))) for c in a]
    tb = [" ".join(tokenizer.words(_squash(c.text))) for c in b]
    sim = process.cdist(ta, tb, scorer=fuzz.token_sort_ratio, workers=workers, dtype=np.float32)
    same = np.array([[1.0 if (x.category == y.category and x.category != UNCLASSIFIED) else 0.0
                      for y in b] for x in a])
    best = (sim + 50.0 * same).argmax(axis=1)
    return [(int(j), float(sim[i, j])) for i, j in enumerate(best)]
