"""Align clauses to the taxonomy, and clauses of one contract to those of another.

``Aligner`` follows the estimator contract: ``fit(taxonomy)`` learns from the exemplars and
keywords, ``transform(clauses)`` returns new clauses carrying their categories. The score of a
clause for a category mixes three signals:

- keyword evidence: distinct taxonomy keywords in the clause (and, weaker, in its headings), found
  in all the clauses and headings at once (see ``KeywordIndex``);
- TF-IDF cosine similarity to the category's exemplars, over jieba unigrams and bigrams (the
  clause is cut once; a character n-gram TF-IDF was dropped: it cost as much as jieba itself and
  changed no category on the samples);
- rapidfuzz similarity of the clause's token set to each exemplar's (``process.cdist``, on
  stand-in characters that keep every ratio, see ``FuzzyAlphabet``).

A clause whose best score stays under the threshold takes the category of the clause it hangs
from (its heading, or the sentence that introduces a list), when that one has a category;
otherwise it is ``unclassified``.
"""
from __future__ import annotations

import itertools
import json
from collections import Counter

import numpy as np

from .literals import code_points, from_code_points
from .model import Clause, evolve
from .normalize import fold, fold_each
from .taxonomy import UNCLASSIFIED, Taxonomy

KEYWORD_WEIGHT, TFIDF_WEIGHT, FUZZ_WEIGHT, HEADING_WEIGHT = 0.55, 0.25, 0.10, 0.10
SCALED_BELOW, HALF_MARGIN = 1e7, 1e-6  # see ``rounded``


def _unigrams_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def _token_set(tokens: list[str]) -> str:
    return " ".join(sorted(set(tokens)))


def squash_folded(text: str) -> str:
    return "".join(fold(text).split())


def squash_folded_all(texts: list[str]) -> list[str]:
    """``squash_folded`` of each text, the texts folded together (``fold_each``)."""
    return ["".join(t.split()) for t in fold_each(texts)]


def rounded(values: np.ndarray, digits: int) -> list[float]:
    """``round(v, digits)`` of each value, exactly as Python rounds a float (to the nearest
    decimal, then back to the nearest float), for a whole array at once: scaled by 10^digits,
    rounded to an integer and scaled back. Where the scaled value is below ``SCALED_BELOW`` its own
    rounding error is under 10^-9, so when it lies more than ``HALF_MARGIN`` away from a half
    both ways give the same integer, and dividing it by the exact power of ten gives the float
    nearest that decimal. The other values (near a half, large, not finite) are rounded one by one."""
    values = np.asarray(values, dtype=float)
    if not 0 <= digits <= 22:  # 10^digits is an exact float only for these
        return [round(v, digits) for v in values.tolist()]
    scale = 10.0 ** digits
    scaled = values * scale
    out = (np.rint(scaled) / scale).tolist()
    with np.errstate(invalid="ignore"):  # infinities: not clear, rounded one by one
        clear = (np.abs(scaled) < SCALED_BELOW) & (np.abs(scaled - np.floor(scaled) - 0.5) > HALF_MARGIN)
    for i in np.flatnonzero(~clear).tolist():
        out[i] = round(float(values[i]), digits)
    return out


def _char_table(codes: dict[int, int]) -> np.ndarray:
    """A lookup table from code point to code: ``codes[c]`` for the characters it names, 0 for
    every other one. Its last entry (0) is past the highest character named: ``take`` with
    ``mode="clip"`` sends every higher code point there."""
    table = np.zeros(max(codes, default=0) + 2, dtype="<u4")
    table[list(codes)] = list(codes.values())
    return table


def _category_columns(owner: np.ndarray, k: int) -> np.ndarray | None:
    """The columns each category 0 … k − 1 owns, as the rows of a matrix (a shorter row padded
    with its last column, which leaves its maximum the same); None when a category owns none."""
    groups = [np.flatnonzero(owner == j) for j in range(k)]
    if not all(g.size for g in groups):
        return None
    width = max((g.size for g in groups), default=1)
    return np.array([np.r_[g, np.repeat(g[-1:], width - g.size)] for g in groups], dtype=np.int64).reshape(k, width)


class KeywordIndex:
    """How many distinct keywords of each group occur in each text, for many keywords at once.
    ``counts(texts)`` is texts × groups.

    The texts are read together as one array of character codes (1, 2, … for the characters of
    the keywords, 0 for all others, and for the gaps between texts). A table by the first two codes
    gives the keywords that can start at each position; only those are compared with the text
    there, all at once. The table has (characters + 1)² entries: some 60,000 for the taxonomy's
    250 keyword characters."""

    def __init__(self, groups: list[tuple[str, ...]]):
        # each time a group lists a word is an entry of its own: a word listed twice counts twice
        entries = sorted((w, k) for k, g in enumerate(groups) for w in g if w)
        words = [w for w, _ in entries]
        self.groups_ = len(groups)
        self.group_ = np.array([k for _, k in entries], dtype=np.int64)  # each entry's group
        chars = sorted({ord(c) for w in words for c in w})
        # int64, as the codes are read straight into the int64 array ``occurrences`` works on
        self.table_ = _char_table({c: i for i, c in enumerate(chars, 1)}).astype(np.int64)
        self.spelled_ = np.zeros((len(words), max(map(len, words), default=1)), dtype=np.int64)
        for i, w in enumerate(words):  # each entry's codes, 0 past its end
            self.spelled_[i, :len(w)] = self.table_[[ord(c) for c in w]]
        self._index_starts(len(chars) + 1)

    def _index_starts(self, size: int) -> None:
        """The words by the code pair they start with, ``first * size + second`` (a word of one
        character under every pair its character begins): ``starts_[pair]`` of them in
        ``by_start_``, from ``start_at_[pair]`` on."""
        first = self.spelled_[:, 0].tolist()
        second = self.spelled_[:, 1].tolist() if self.spelled_.shape[1] > 1 else [0] * len(first)
        pairs = [(f * size + s, i) for i, (f, s0) in enumerate(zip(first, second))
                 for s in (range(size) if s0 == 0 else (s0,))]
        keys = np.array([k for k, _ in pairs], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.size_, self.by_start_ = size, np.array([i for _, i in pairs], dtype=np.int64)[order]
        self.starts_ = np.bincount(keys, minlength=size * size)
        self.start_at_ = np.cumsum(self.starts_) - self.starts_

    def occurrences(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text indexes, entry indexes) of every occurrence of every entry's word, overlapping
        ones too."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        bounds = np.cumsum(lengths) - lengths  # where each text starts
        n = int(lengths.sum()) - 1 if texts else 0
        codes = np.zeros(n + self.spelled_.shape[1], dtype=np.int64)  # zeros past the end
        self.table_.take(code_points("\n".join(texts)), mode="clip", out=codes[:n])
        codes[bounds[1:] - 1] = 0  # the gaps: no word runs from one text into the next
        keys = codes[:n] * self.size_ + codes[1:n + 1]
        pos = np.flatnonzero(self.starts_[keys])
        first = keys[pos]
        k = self.starts_[first]
        at = np.repeat(pos, k)
        word = self.by_start_[np.repeat(self.start_at_[first] - np.cumsum(k) + k, k) + np.arange(k.sum())]
        spelled = self.spelled_[word]
        window = codes[at[:, None] + np.arange(spelled.shape[1])]
        hit = ((window == spelled) | (spelled == 0)).all(axis=1)
        return np.searchsorted(bounds, at[hit], side="right") - 1, word[hit]

    def counts(self, texts: list[str]) -> np.ndarray:
        """Texts × groups: each group's entries found in each text, each counted once."""
        rows, entries = self.occurrences(texts)
        size = max(len(self.group_), 1)  # no entry: nothing found, and no division by zero
        found = np.unique(rows * size + entries)  # each (text, entry) once
        cells = found // size * self.groups_ + self.group_[found % size]  # its (text, group)
        n = len(texts)
        return np.bincount(cells, minlength=n * self.groups_).reshape(n, self.groups_).astype(float)


class FuzzyAlphabet:
    """Stand-in characters for comparing clause token sets with the fuzzy patterns (the exemplar
    token sets). A ratio depends only on which characters of the two strings are equal, so each
    pattern character gets a code of its own and every other character one shared code, 0: the
    scores stay the same. The pattern characters most used get codes below 256, which rapidfuzz
    looks up in a table rather than a hash map."""

    SEPARATOR = "\n"  # joins the strings translated at once; no token set holds whitespace

    def __init__(self, patterns: list[str]):
        chars = [ord(ch) for ch, _ in Counter("".join(patterns)).most_common()]
        sep = ord(self.SEPARATOR)
        codes = itertools.chain(range(1, sep), range(sep + 1, 0xD800), range(0xE000, 0x110000))
        self.table_ = _char_table({**dict(zip(chars, codes)), sep: sep})

    def translate(self, strings: list[str]) -> list[str] | None:
        """The strings in stand-in characters; None when one of them holds the separator."""
        if not strings:
            return []
        codes = self.table_.take(code_points(self.SEPARATOR.join(strings)), mode="clip")
        out = from_code_points(codes).split(self.SEPARATOR)
        return out if len(out) == len(strings) else None


class Aligner:
    """Assign taxonomy categories to clauses."""

    def __init__(self, *, tokenizer=None, threshold: float = 0.22, secondary: float = 0.3,
                 inherit: bool = True, workers: int = 1):
        self.tokenizer = tokenizer
        self.threshold = threshold
        self.secondary = secondary
        self.inherit = inherit
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
                rows.append(squash_folded(text))
                owner.append(k)
            keyword_rows.add(len(rows))
            rows.append(squash_folded(" ".join(cat.keywords)))
            owner.append(k)
        self.exemplar_owner_ = np.array(owner)
        # the word vectorizer is given jieba tokens already cut (see score_texts): one cut per clause
        self.word_vectorizer_ = TfidfVectorizer(analyzer=_unigrams_bigrams, sublinear_tf=True)
        row_tokens = [tok.words(r) for r in rows]
        self.word_exemplars_ = self.word_vectorizer_.fit_transform(row_tokens)
        # fuzzy rows: the exemplars only (keyword rows are long bags scored by the keyword signal)
        self.fuzzy_rows_ = np.array([i for i, text in enumerate(rows) if i not in keyword_rows])
        self.exemplar_tokens_ = [_token_set(row_tokens[i]) for i in self.fuzzy_rows_]
        self.keywords_ = [tuple(squash_folded(k) for k in cat.keywords) for cat in taxonomy.categories]
        self.keyword_index_ = KeywordIndex(self.keywords_)
        v = self.word_vectorizer_
        self.vocabulary_, self.idf_ = v.vocabulary_, v.idf_
        self.exemplars_ = self.word_exemplars_.T.toarray()  # vocabulary × exemplar rows
        self._index_vocabulary()
        self._index_fuzzy_patterns()
        self._index_categories()
        return self

    # -- the fitted state, to store and reload --------------------------------------------------
    def save_fitted(self, path) -> None:
        """Write what ``fit`` learned as one .npz of plain arrays (no pickled objects)."""
        from scipy.sparse import csr_matrix
        m = csr_matrix(self.exemplars_)
        meta = {"categories": list(self.categories_), "vocabulary": self.vocabulary_,
                "exemplar_tokens": list(self.exemplar_tokens_), "keywords": [list(k) for k in self.keywords_],
                "params": [self.threshold, self.secondary]}
        np.savez(path, meta=np.array(json.dumps(meta, ensure_ascii=False)), idf=self.idf_,
                 owner=self.exemplar_owner_, fuzzy_rows=self.fuzzy_rows_, data=m.data, indices=m.indices,
                 indptr=m.indptr, shape=np.array(m.shape))

    def load_fitted(self, path) -> "Aligner":
        """The state ``save_fitted`` wrote, as if ``fit`` had run (the vectorizer object itself
        is not kept: scoring uses its vocabulary and idf). Raises ValueError when it does not fit
        this aligner's parameters."""
        from .tokens import tokenizer as default_tokenizer
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta["params"] != [self.threshold, self.secondary]:
                raise ValueError("stored for other parameters")
            self.tokenizer_ = self.tokenizer or default_tokenizer()
            self.categories_ = tuple(meta["categories"])
            self.vocabulary_ = meta["vocabulary"]
            self.exemplar_tokens_ = meta["exemplar_tokens"]
            self.keywords_ = [tuple(k) for k in meta["keywords"]]
            self.idf_, self.exemplar_owner_, self.fuzzy_rows_ = z["idf"], z["owner"], z["fuzzy_rows"]
            # the stored compressed rows, spread out with numpy alone (scipy stays unimported)
            indptr = z["indptr"]
            self.exemplars_ = np.zeros(tuple(z["shape"]))
            self.exemplars_[np.repeat(np.arange(len(indptr) - 1), np.diff(indptr)), z["indices"]] = z["data"]
        self.keyword_index_ = KeywordIndex(self.keywords_)
        self._index_vocabulary()
        self._index_fuzzy_patterns()
        self._index_categories()
        return self

    # -- scoring ---------------------------------------------------------------------------
    def score_texts(self, texts: list[str], headings: list[str] | None = None) -> np.ndarray:
        """Scores in [0, 1], one row per text, one column per category."""
        n, k = len(texts), len(self.categories_)
        if n == 0:
            return np.zeros((0, k))
        squashed = squash_folded_all(texts)
        kw, head = self._keyword_signals(squashed, headings)
        cut = self.tokenizer_.words_each(squashed)
        tfidf = self._per_category(self.exemplar_similarity(cut))
        fuzzy = self._fuzzy_signal(cut)
        return (KEYWORD_WEIGHT * kw + TFIDF_WEIGHT * np.clip(tfidf * 2, 0, 1)
                + FUZZ_WEIGHT * fuzzy + HEADING_WEIGHT * head)

    def _keyword_signals(self, squashed: list[str],
                         headings: list[str] | None) -> tuple[np.ndarray, np.ndarray]:
        """The keyword scores of the texts, and of their headings (zero without headings), in one
        pass; many clauses share a heading: each distinct one is scored once."""
        distinct = sorted(set(headings)) if headings is not None else []
        scores = self._keyword_scores(squashed + squash_folded_all(distinct))
        n = len(squashed)
        if headings is None:
            return scores, np.zeros(scores.shape)
        where = {h: i for i, h in enumerate(distinct, n)}
        return scores[:n], scores[[where[h] for h in headings]]

    def _fuzzy_signal(self, cut: list[list[str]]) -> np.ndarray:
        """Per category, the best token-set similarity of each token list to the category's
        exemplars: plain ratio of the sorted, de-duplicated token strings (symmetric: the short
        exemplar strings are taken as the patterns, which compares faster), weighed down for short
        lists, which match everything by token sets."""
        from rapidfuzz import fuzz, process
        patterns, sets = self._fuzzy_strings(list(map(_token_set, cut)))
        fz = process.cdist(patterns, sets, scorer=fuzz.ratio, workers=self.workers, dtype=np.float32).T / 100.0
        length = np.minimum(np.fromiter(map(len, cut), dtype=float, count=len(cut)) / 8.0, 1.0)[:, None]
        return self._per_category(fz * length, fuzzy=True)

    def _fuzzy_strings(self, sets: list[str]) -> tuple[list[str], list[str]]:
        """The fuzzy patterns and the clause token sets, both in the alphabet's stand-ins when it
        can write them (same ratios, compared faster), else as they are."""
        mapped = self.fuzzy_alphabet_.translate(sets)
        if mapped is None or self.fuzzy_patterns_ is None:
            return self.exemplar_tokens_, sets
        return self.fuzzy_patterns_, mapped

    def _per_category(self, matrix: np.ndarray, fuzzy: bool = False) -> np.ndarray:
        """Each category's best column: the maximum over the columns the category owns (of the
        exemplar rows, or with ``fuzzy`` of the fuzzy rows)."""
        owner, columns = (self.fuzzy_owner_, self.fuzzy_columns_) if fuzzy else (self.exemplar_owner_, self.exemplar_columns_)
        if columns is not None:  # one gather (cheaper than a reduceat over a short axis)
            return matrix[:, columns].max(axis=2).astype(float, copy=False)
        out = np.zeros((matrix.shape[0], len(self.categories_)))
        for j in range(len(self.categories_)):
            cols = matrix[:, owner == j]
            out[:, j] = cols.max(axis=1) if cols.shape[1] else 0.0
        return out

    def _keyword_scores(self, squashed: list[str]) -> np.ndarray:
        """1 − 0.5^hits, hits = distinct keywords of the category in the text."""
        return 1.0 - 0.5 ** self.keyword_index_.counts(squashed)

    def _index_vocabulary(self) -> None:
        """Integer keys for the fitted vocabulary: a unigram's column by its token, and a bigram's
        column by the columns of its two words (both are in the vocabulary: the bigram came from a
        text holding them). Scoring then looks up integer pairs instead of building strings."""
        vocab, size = self.vocabulary_, len(self.vocabulary_)
        self.unigrams_ = {t: j for t, j in vocab.items() if " " not in t}
        pairs = sorted((self.unigrams_[a] * size + self.unigrams_[b], j)
                       for t, j in vocab.items() if " " in t for a, b in [t.split(" ")])
        # a last key past every pair's (and its column, never read) ends the search of any pair
        self.bigram_keys_ = np.array([k for k, _ in pairs] + [size * size], dtype=np.int64)
        self.bigram_cols_ = np.array([j for _, j in pairs] + [-1], dtype=np.int64)
        # the exemplar matrix by term, compressed: term t's weights are at term_starts_[t] onwards
        terms, exemplars = np.nonzero(self.exemplars_)
        self.term_exemplars_, self.term_weights_ = exemplars, self.exemplars_[terms, exemplars]
        self.term_counts_ = np.bincount(terms, minlength=size)
        self.term_starts_ = np.concatenate([[0], np.cumsum(self.term_counts_)[:-1]])

    def _index_categories(self) -> None:
        """How the exemplar rows and the fuzzy rows are laid out by category (see
        ``_per_category``), and the category names with ``UNCLASSIFIED`` last, to pick from."""
        k = len(self.categories_)
        self.fuzzy_owner_ = self.exemplar_owner_[self.fuzzy_rows_]
        self.exemplar_columns_ = _category_columns(self.exemplar_owner_, k)
        self.fuzzy_columns_ = _category_columns(self.fuzzy_owner_, k)
        self.category_names_ = np.array(self.categories_ + (UNCLASSIFIED,), dtype=object)

    def _index_fuzzy_patterns(self) -> None:
        """The fuzzy patterns in stand-in characters (see ``FuzzyAlphabet``)."""
        self.fuzzy_alphabet_ = FuzzyAlphabet(self.exemplar_tokens_)
        self.fuzzy_patterns_ = self.fuzzy_alphabet_.translate(self.exemplar_tokens_)

    def _tfidf_entries(self, cut: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The non-zero entries (row, column, value) of the fitted TF-IDF vectors of token lists,
        sorted by row and column; see ``tfidf``."""
        size = len(self.vocabulary_)
        lengths = np.fromiter(map(len, cut), dtype=np.int64, count=len(cut))
        flat = itertools.chain.from_iterable(cut)
        ids = np.fromiter(map(self.unigrams_.get, flat, itertools.repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
        row = np.repeat(np.arange(len(cut), dtype=np.int64), lengths)
        a, b = ids[:-1], ids[1:]
        pair = (row[:-1] == row[1:]) & (a >= 0) & (b >= 0)
        keys = a[pair] * size + b[pair]
        at = np.searchsorted(self.bigram_keys_, keys)  # never past the last key
        found = self.bigram_keys_[at] == keys
        known = ids >= 0
        codes = np.concatenate([row[known] * size + ids[known], row[:-1][pair][found] * size + self.bigram_cols_[at[found]]])
        codes, counts = np.unique(codes, return_counts=True)
        rows, cols = codes // size, codes % size
        vals = (1.0 + np.log(counts)) * self.idf_[cols]
        norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=len(cut)))
        return rows, cols, vals / norms[rows] if vals.size else vals

    def tfidf(self, cut: list[list[str]]):
        """The fitted TF-IDF vectors of token lists: what ``word_vectorizer_.transform`` returns
        (sublinear tf × idf, l2-normalised), without its per-call validation, which costs more
        than the arithmetic for the few dozen clauses of one contract."""
        from scipy.sparse import csr_matrix
        rows, cols, vals = self._tfidf_entries(cut)
        return csr_matrix((vals, (rows, cols)), shape=(len(cut), len(self.vocabulary_)))

    def exemplar_similarity(self, cut: list[list[str]]) -> np.ndarray:
        """Cosine similarity of each token list's TF-IDF vector to every exemplar row:
        ``tfidf(cut) @ exemplars_``, summed over the pairs of non-zero entries only (a term is in
        two or three exemplars, not in all of them)."""
        rows, cols, vals = self._tfidf_entries(cut)
        n_ex = self.exemplars_.shape[1]
        starts, k = self.term_starts_[cols], self.term_counts_[cols]
        at = np.repeat(starts - np.cumsum(k) + k, k) + np.arange(k.sum())  # each entry's exemplar weights
        flat = np.repeat(rows * n_ex, k) + self.term_exemplars_[at]
        weights = np.repeat(vals, k) * self.term_weights_[at]
        return np.bincount(flat, weights=weights, minlength=len(cut) * n_ex).reshape(len(cut), n_ex)

    def transform(self, clauses: tuple[Clause, ...] | list[Clause]) -> tuple[Clause, ...]:
        """New clauses with ``category``, ``categories`` (main first) and ``category_scores``."""
        clauses = tuple(clauses)
        if not clauses:
            return ()
        scores = self.score_texts([c.text for c in clauses], [" ".join(c.heading_path) for c in clauses])
        if "parties" in self.categories_:
            signature = [i for i, c in enumerate(clauses) if c.style == "signature"]
            scores[signature, self.categories_.index("parties")] = 1.0
        order = np.argsort(-scores, axis=1, kind="stable")
        mains = self._main_categories(clauses, scores, order)
        cats = self._categories(scores, order, mains)
        return tuple([evolve(c, category=main, categories=cat, category_scores=top)
                      for c, main, cat, top in zip(clauses, mains, cats, self._top_scores(scores, order))])

    def _main_categories(self, clauses: tuple[Clause, ...], scores: np.ndarray, order: np.ndarray) -> list[str]:
        """Each clause's main category: its best one if that passes the threshold, else (with
        ``inherit``) that of the clause it hangs from, else ``UNCLASSIFIED``."""
        best = order[:, 0]
        passed = scores[np.arange(len(clauses)), best] >= self.threshold
        mains = self.category_names_[np.where(passed, best, len(self.categories_))].tolist()
        if not self.inherit:
            return mains
        main_of: dict[str, str] = {}
        for i, c in enumerate(clauses):
            if mains[i] == UNCLASSIFIED and c.style != "signature":
                # an item that says too little on its own belongs where its heading or the
                # sentence that introduces it belongs ("4 免责条款" › "4.4 您未遵循文档引起的")
                mains[i] = main_of.get(c.parent or "", UNCLASSIFIED)
            main_of[c.id] = mains[i]
        return mains

    def _categories(self, scores: np.ndarray, order: np.ndarray, mains: list[str]) -> list[tuple[str, ...]]:
        """Each clause's categories: its main one (unless ``UNCLASSIFIED``), then the others at or
        above ``secondary``, best first (they come first in the row's order)."""
        cats = [() if main == UNCLASSIFIED else (main,) for main in mains]
        above = (scores >= self.secondary).sum(axis=1)
        names = self.categories_
        for i in np.flatnonzero(above > 1).tolist():
            cats[i] += tuple(names[j] for j in order[i, 1:above[i]].tolist() if names[j] != mains[i])
        return cats

    def _top_scores(self, scores: np.ndarray, order: np.ndarray) -> list[dict[str, float]]:
        """Each row's five best categories (``order``: the row's columns, best first), with their
        scores rounded to four decimals."""
        top = order[:, :5]
        labels = self.category_names_[top].tolist()
        values = iter(rounded(np.take_along_axis(scores, top, axis=1).ravel(), 4))
        rows = zip(*[values] * top.shape[1])  # the values in rows of the row's width
        return list(map(dict, map(zip, labels, rows)))

    def fit_transform(self, taxonomy: Taxonomy, clauses) -> tuple[Clause, ...]:
        return self.fit(taxonomy).transform(clauses)


def counterparts(a: list[Clause], b: list[Clause], *, tokenizer, workers: int = 1) -> list[tuple[int, float]]:
    """For each clause of ``a`` its closest clause in ``b``: (index in b, similarity 0–100).

    Same-category clauses are preferred; similarity is rapidfuzz token-set ratio on jieba tokens.
    """
    from rapidfuzz import fuzz, process
    if not a or not b:
        return [(-1, 0.0)] * len(a)
    ta = [" ".join(tokenizer.words(squash_folded(c.text))) for c in a]
    tb = [" ".join(tokenizer.words(squash_folded(c.text))) for c in b]
    sim = process.cdist(ta, tb, scorer=fuzz.token_sort_ratio, workers=workers, dtype=np.float32)
    same = np.array([[1.0 if (x.category == y.category and x.category != UNCLASSIFIED) else 0.0
                      for y in b] for x in a])
    best = (sim + 50.0 * same).argmax(axis=1)
    return [(int(j), float(sim[i, j])) for i, j in enumerate(best)]
