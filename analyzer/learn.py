"""A second opinion learned from labeled contracts.

Beside the rules, a linear model per flag and protection reads each clause: character n-grams of
its role-normalised view (where the vendor is 乙方 and the customer 甲方) and the acts of its
reading (``terminate|vendor|right``), weighted by TF-IDF; a logistic regression per code, Platt
scaled on cross-validated scores so that its probability can be read as a confidence. It is
fitted from gold files in the spec's format (``analyzer model fit``), stored as plain arrays and
JSON (no pickle), and applied with numpy alone. What only the model finds is added as a finding
or protection whose ``source`` is ``model`` with its ``confidence``; ``cross_validate`` measures
rules and model contract by contract, each contract judged by a model fitted without it.
"""
from __future__ import annotations

import functools
import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Mapping

import numpy as np

from .errors import ResourceError
from .evaluate import evaluate, per_code
from .literals import code_points
from .model import Analysis, Finding, Protection
from .normalize import squash
from .reading import Reading, read
from .rules import SEVERITIES, SEVERITY_CN, RuleBook, rulebook
from .expected import missing
from .score import clause_scores, risk_score

NGRAMS = (2, 3)
MAX_FEATURES = 12000
MIN_DF = 2
MIN_POSITIVES = 6  # a code with fewer positive clauses gets no model
MAX_CLAUSE = 500  # the scorer's limit: a longer clause satisfies nothing
FORMAT = 1
def tokens(reading: Reading) -> list[str]:
    """What the model sees of a clause: the character n-grams of its view and its acts."""
    text = reading.view.text
    lo, hi = NGRAMS
    grams = [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]
    return grams + features(reading)[1]


def features(reading: Reading) -> tuple[str, list[str]]:
    """A clause as ``Model.confidence`` takes it: its view's text and its act tokens (the same
    terms as ``tokens``, found faster)."""
    return reading.view.text, act_tokens([a for s in reading.sentences for a in s.acts])


def act_tokens(acts) -> list[str]:
    """The model's tokens for what a text's sentences do: each act in full, then its action."""
    if not acts:  # most clauses: spares building two empty lists
        return []
    read = [f"@{a.action}|{a.actor or '-'}|{a.modality or '-'}{'|neg' if a.negated else ''}" for a in acts]
    return read + [f"@{a.action}" for a in acts]


# -- features ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """Terms and their inverse document frequencies, as scikit-learn's TfidfVectorizer computes
    them (smooth idf, raw counts, rows scaled to unit length)."""

    terms: Mapping[str, int]
    idf: np.ndarray
    stored_trie: "GramTrie | None" = field(default=None, compare=False, repr=False)  # as saved with a model

    @classmethod
    def fit(cls, docs: list[list[str]], *, max_features: int = MAX_FEATURES, min_df: int = MIN_DF) -> "Vocabulary":
        df = Counter(t for doc in docs for t in set(doc))
        kept = sorted((t for t, n in df.items() if n >= min_df), key=lambda t: (-df[t], t))[:max_features]
        kept.sort()
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])
        return cls({t: i for i, t in enumerate(kept)}, idf)

    def vector(self, doc: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of one document's unit-length TF-IDF row."""
        ids = np.fromiter(map(self.terms.get, doc, itertools.repeat(-1)), dtype=np.int64, count=len(doc))
        idx, counts = np.unique(ids[ids >= 0], return_counts=True)
        if not len(idx):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        val = counts * self.idf[idx]
        return idx, val / np.linalg.norm(val)

    @functools.cached_property
    def trie(self) -> "GramTrie":
        """The vocabulary's n-grams as a ``GramTrie``: the one stored with the model, else built
        once, when first needed (a few hundredths of a second)."""
        if self.stored_trie is not None:
            return self.stored_trie
        lo, hi = NGRAMS
        return GramTrie.build({term: i for term, i in self.terms.items() if lo <= len(term) <= hi})

    def grams_in(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, term index) of every occurrence of the vocabulary's n-grams in the texts,
        as the n-grams ``tokens`` lists would give them; all texts read at once."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        text_at = np.repeat(np.arange(len(texts)), lengths)  # the text of each position, its line break after it
        trie, (lo, hi) = self.trie, NGRAMS
        letters = trie.letters.take(code_points("\n".join(texts)), mode="clip")
        letters[np.cumsum(lengths)[:-1] - 1] = 0  # the line breaks between texts: in no n-gram
        node, docs, terms = letters, [], []
        for n in range(1, hi + 1):
            if n > 1:
                node = trie.step(node[:-1], letters[n - 1:])  # node[i]: the prefix text[i:i + n]
            if n >= lo:
                term = trie.term.take(node)
                at = np.flatnonzero(term >= 0)
                docs.append(text_at[at])
                terms.append(term[at])
        return np.concatenate(docs), np.concatenate(terms)

    def rows(self, docs: list[tuple[str, list[str]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Many documents' unit-length TF-IDF rows at once, each document given as its text and
        its act tokens (``features``), as (document, term, value) arrays sorted by document then term."""
        n = len(self.terms)
        gram_doc, gram_term = self.grams_in([text for text, _ in docs])
        acts = [(k, i) for k, (_, tokens) in enumerate(docs) for i in map(self.terms.get, tokens) if i is not None]
        owner = np.concatenate([gram_doc, np.array([k for k, _ in acts], dtype=np.int64)])
        ids = np.concatenate([gram_term, np.array([i for _, i in acts], dtype=np.int64)])
        keys, counts = np.unique(owner * n + ids, return_counts=True)
        doc, term = np.divmod(keys, n)
        val = counts * self.idf[term]
        norm = np.sqrt(np.bincount(doc, weights=val * val, minlength=len(docs)))
        return doc, term, val / norm[doc]

    def matrix(self, docs: list[list[str]]):
        """The rows of many documents as a scipy CSR matrix (for fitting)."""
        from scipy.sparse import csr_matrix
        rows = [self.vector(d) for d in docs]
        indptr = np.cumsum([0] + [len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return csr_matrix((data, indices, indptr), shape=(len(docs), len(self.terms)))


@dataclass(frozen=True)
class GramTrie:
    """N-grams as a trie, to find them at every position of a text at once. Characters become
    letters 1, 2, … (0: in no n-gram); a node stands for a prefix, a one-character prefix being
    its letter, and node 0 for none. All edges share one array, each node's row of children
    shifted so that rows interleave without clashing (a "double array"): the child of node p by
    letter c is ``child[base[p] + c]`` when ``owner[base[p] + c] == p``. A step for every position
    is a few gathers, where a binary search costs a dozen dependent reads a position."""

    letters: np.ndarray  # code point → letter; the last entry, 0, stands for every higher one
    base: np.ndarray  # node → where its row starts
    owner: np.ndarray  # slot → the node whose edge lies there (-1: none)
    child: np.ndarray  # slot → the node the edge leads to
    term: np.ndarray  # node → the index of its prefix among the n-grams (-1: not one of them)

    @classmethod
    def build(cls, grams: Mapping[str, int]) -> "GramTrie":
        """The trie of ``grams`` (n-gram → index)."""
        alphabet = sorted({ch for g in grams for ch in g})
        letter = {ch: k for k, ch in enumerate(alphabet, 1)}
        node, rows = dict(letter), {}  # prefix → node; node → {letter: child}
        for g in sorted(grams):
            for n in range(2, len(g) + 1):
                if g[:n] not in node:
                    node[g[:n]] = len(node) + 1
                    rows.setdefault(node[g[:n - 1]], {})[letter[g[n - 1]]] = node[g[:n]]
        starts, size = displace({p: sorted(row) for p, row in rows.items()}, len(letter) + 1)
        base, term = np.zeros(len(node) + 1, dtype=np.int64), np.full(len(node) + 1, -1, dtype=np.int64)
        base[list(starts)] = list(starts.values())
        term[[node[g] for g in grams]] = list(grams.values())
        edges = np.array([(starts[p] + c, p, to) for p, row in rows.items() for c, to in row.items()],
                         dtype=np.int64).reshape(-1, 3)
        owner, child = np.full(size, -1, dtype=np.int64), np.zeros(size, dtype=np.int64)
        owner[edges[:, 0]], child[edges[:, 0]] = edges[:, 1], edges[:, 2]
        letters = np.zeros(max(map(ord, alphabet), default=-1) + 2, dtype=np.int32)  # one entry a code point
        letters[list(map(ord, alphabet))] = list(letter.values())
        return cls(letters, base, owner, child, term)

    def step(self, parent: np.ndarray, letter: np.ndarray) -> np.ndarray:
        """The child of each parent node by the letter beside it (0 where there is none)."""
        slot = self.base.take(parent) + letter
        return self.child.take(slot) * (self.owner.take(slot) == parent)  # faster than np.where


def displace(rows: Mapping[int, list[int]], width: int) -> tuple[dict[int, int], int]:
    """Where each row starts in one shared array so that no two rows' columns (sorted, each
    below ``width``) fall on one slot, the fullest rows placed first, each at the first start
    that fits; and a length for the array that holds every row's full width."""
    free, lowest, starts = np.ones(2 * width, dtype=bool), 0, {}
    for r in sorted(rows, key=lambda r: (-len(rows[r]), r)):
        cols = rows[r]
        first = max(0, lowest - cols[0])  # no start below puts the first column on a free slot
        n = len(free) - width - first + 1  # the starts to try: every one keeps the row in the array
        fits = free[first + cols[0]:first + cols[0] + n].copy()
        for c in cols[1:]:
            fits &= free[first + c:first + c + n]
        starts[r] = start = first + int(fits.argmax())
        free[[start + c for c in cols]] = False
        if len(free) < start + 2 * width:
            free = np.concatenate([free, np.ones(width, dtype=bool)])
        while not free[lowest]:
            lowest += 1
    return starts, len(free)


# -- the model ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    """One linear scorer per code over a shared vocabulary, with Platt scaling (a, b):
    confidence = 1 / (1 + exp(-(a × score + b)))."""

    vocabulary: Vocabulary
    codes: tuple[str, ...]
    coef: np.ndarray  # codes × terms
    intercept: np.ndarray
    platt: np.ndarray  # codes × 2
    about: Mapping[str, object] = field(default_factory=dict)

    @functools.cached_property
    def by_term(self) -> np.ndarray:
        """The coefficients as terms × codes, each term's row in one place."""
        return np.ascontiguousarray(self.coef.T)

    def confidence(self, docs: list[tuple[str, list[str]]]) -> np.ndarray:
        """Documents, each (text, act tokens), × codes."""
        doc, term, val = self.vocabulary.rows(docs)
        # (document, term) pairs × codes: whole rows of the terms-by-codes copy gathered (a term's
        # coefficients side by side), each document's pairs summed one after another, in term order
        parts = self.by_term.take(term, axis=0)
        parts *= val[:, None]
        out = np.zeros((len(docs), len(self.codes)))
        starts = np.flatnonzero(np.diff(doc, prepend=-1))  # doc is sorted: where each document's pairs begin
        if len(starts):
            out[doc[starts]] = np.add.reduceat(parts, starts, axis=0)
        out += self.intercept
        return 1.0 / (1.0 + np.exp(-(self.platt[:, 0] * out + self.platt[:, 1])))

    def save(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays, meta = folder / "model.npz", folder / "model.json"
        trie = {f"trie_{f.name}": getattr(self.vocabulary.trie, f.name) for f in fields(GramTrie)}
        np.savez_compressed(arrays, coef=self.coef.astype(np.float32), intercept=self.intercept,
                            platt=self.platt, idf=self.vocabulary.idf, **trie)
        terms = sorted(self.vocabulary.terms, key=self.vocabulary.terms.get)
        meta.write_text(json.dumps({"format": FORMAT, "codes": list(self.codes), "terms": terms,
                                    "about": dict(self.about)}, ensure_ascii=False), encoding="utf-8")
        return [arrays, meta]

    @classmethod
    def load(cls, folder) -> "Model":
        """A stored model; ResourceError when it is missing or unreadable."""
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            with np.load(folder / "model.npz", allow_pickle=False) as z:
                coef, intercept, platt, idf = z["coef"], z["intercept"], z["platt"], z["idf"]
                trie = GramTrie(**{f.name: z[f"trie_{f.name}"] for f in fields(GramTrie)}) if "trie_term" in z else None
        except (OSError, ValueError, KeyError) as e:
            raise ResourceError(f"{folder}: no readable model ({e}); refit it with `analyzer model fit`")
        if meta.get("format") != FORMAT or coef.shape != (len(meta["codes"]), len(meta["terms"])):
            raise ResourceError(f"{folder}: the stored model does not fit this version; refit it with `analyzer model fit`")
        vocab = Vocabulary({t: i for i, t in enumerate(meta["terms"])}, idf, trie)
        return cls(vocab, tuple(meta["codes"]), coef.astype(np.float64), intercept, platt, meta.get("about", {}))


def model_folder():
    return resources.files("analyzer") / "resources" / "model"


@functools.lru_cache(maxsize=1)
def packaged() -> Model | None:
    """The model shipped with the package (None when there is none)."""
    folder = model_folder()
    if not (folder / "model.json").is_file():
        return None
    return Model.load(folder)


# -- training data -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    """One clause of a labeled contract: what the model sees, and which codes it carries
    (``labels``: required gold items; ``unsure``: codes of optional items only)."""

    contract: str
    tokens: list[str]
    labels: frozenset[str]
    unsure: frozenset[str]


def examples(analysis: Analysis, gold_contract: Mapping) -> list[Example]:
    """The clauses of one analyzed contract, labeled by its gold record."""
    items = [(g["flag"], g) for g in gold_contract.get("findings", [])] + \
            [(g["code"], g) for g in gold_contract.get("protections", [])]
    out = []
    for c in analysis.clauses:
        if c.style == "signature" or not within_limit(c.text):
            continue
        text = squash(c.text)
        held = [(code, bool(g.get("optional"))) for code, g in items if squash(g["evidence"]) in text]
        labels = frozenset(code for code, optional in held if not optional)
        unsure = frozenset(code for code, optional in held if optional) - labels
        reading = c.reading if c.reading is not None else read(c.text, analysis.parties)
        out.append(Example(analysis.document.sha256, tokens(reading), labels, unsure))
    return out


def training_set(analyses, gold: Mapping) -> list[Example]:
    """Examples from every analysis whose contract the gold file labels (matched by sha256)."""
    by_sha = {g["sha256"]: g for g in gold["contracts"].values()}
    return [e for a in analyses if a.document.sha256 in by_sha for e in examples(a, by_sha[a.document.sha256])]


def fit(train: list[Example], codes, *, about: Mapping | None = None) -> Model:
    """Fit the vocabulary and one calibrated logistic regression per code with enough positives."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    vocab = Vocabulary.fit([e.tokens for e in train])
    X = vocab.matrix([e.tokens for e in train])
    kept, coefs, intercepts, platts = [], [], [], []
    for code in codes:
        rows = [k for k, e in enumerate(train) if code not in e.unsure]
        y = np.array([code in train[k].labels for k in rows], dtype=int)
        if y.sum() < MIN_POSITIVES or y.sum() == len(y):
            continue
        Xc = X[rows]
        lr = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=2000)
        folds = min(3, int(y.sum()))
        scores = cross_val_predict(lr, Xc, y, cv=folds, method="decision_function")
        platt = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
        lr.fit(Xc, y)
        kept.append(code)
        coefs.append(lr.coef_[0])
        intercepts.append(lr.intercept_[0])
        platts.append((platt.coef_[0][0], platt.intercept_[0]))
    n = len(vocab.terms)
    return Model(vocab, tuple(kept), np.array(coefs).reshape(len(kept), n), np.array(intercepts),
                 np.array(platts).reshape(len(kept), 2), dict(about or {}))


# -- the second opinion ------------------------------------------------------------------------

def second_opinion(clauses, findings, protections, model: Model, *, to_source=None, book: RuleBook | None = None,
                   min_confidence: float | None = None) -> tuple[Finding | Protection, ...]:
    """What only the model finds: a finding or protection for each code the model gives a clause
    with at least ``min_confidence`` that no rule found in that clause (all of them when
    ``findings`` and ``protections`` are empty). ``to_source(clause, start, end)`` maps a span of
    a clause's text to source offsets."""
    book = book or rulebook()
    floor = float(book.defaults["model_min_confidence"] if min_confidence is None else min_confidence)
    clauses = [c for c in clauses if c.style != "signature" and c.reading is not None and within_limit(c.text)]
    if not clauses or not model.codes:
        return ()
    conf = model.confidence([features(c.reading) for c in clauses])
    found = {(f.clause_id, f.flag) for f in findings} | {(p.clause_id, p.code) for p in protections}
    picked = [(k, j) for k, j in zip(*np.nonzero(conf >= floor))
              if (clauses[k].id, model.codes[j]) not in found and model.codes[j] in book.flags]
    quotes = _best_sentences(clauses, picked, model, to_source)
    return tuple(_opinion(book, clauses[k], model.codes[j], round(float(conf[k, j]), 3), quote)
                 for (k, j), quote in zip(picked, quotes))


def within_limit(text: str) -> bool:
    """Whether a clause is short enough for the model: at most MAX_CLAUSE characters besides
    whitespace."""
    return len(text) <= MAX_CLAUSE or len(squash(text)) <= MAX_CLAUSE  # squashing only shortens


def _opinion(book: RuleBook, c, code: str, p: float, quoted) -> Finding | Protection:
    """The model's finding or protection of ``code`` in clause ``c``, marked as the model's."""
    quote, start, end = quoted
    label = book.label(code)
    if book.flags[code].kind == "protection":
        return Protection(code, c.id, c.text, quote, start, end, "model",
                          f"{label}：「{quote}」。模型判断（置信度 {p:.0%}），规则未命中，请人工复核。",
                          {}, source="model", confidence=p)
    severity = _second_severity(book, code)
    legal = next((book.legal[r.legal] for r in book.rules if r.code == code and r.legal), None)
    return Finding(
        flag=code, severity=severity, mutual=False, clause_id=c.id, text=c.text, quote=quote,
        start=start, end=end, rule="model", category=c.category,
        explanation=(f"【{label}·{SEVERITY_CN[severity]}】条款 {c.label or c.id}：「{quote}」。"
                     f"规则未命中；从已标注合同学习的模型以 {p:.0%} 的置信度认为此条属于「{label}」，请人工复核。"
                     + (f"依据：{legal['cite']}。" if legal else "")),
        legal_basis=legal["cite"] if legal else "", source="model", confidence=p)


def _second_severity(book: RuleBook, code: str) -> str:
    """One step below the severity the rules give the flag: a second opinion weighs less."""
    sev = [r.severity for r in book.rules if r.code == code] or ["medium"]
    return SEVERITIES[max(0, SEVERITIES.index(max(sev, key=SEVERITIES.index)) - 1)]


def _best_sentences(clauses, picked, model: Model, to_source) -> list[tuple[str, int, int]]:
    """For each (clause index, code index) picked, the clause's sentence the model scores
    highest for the code, quoted (``_quote``). Only clauses of several sentences are scored, all
    their sentences at once (a document's scores do not depend on the others read with it)."""
    several = sorted({k for k, _ in picked if len(clauses[k].reading.sentences) > 1})
    sentences = [s for k in several for s in clauses[k].reading.sentences]
    conf = model.confidence([(s.text, act_tokens(s.acts)) for s in sentences]) if sentences else None
    first = dict(zip(several, np.cumsum([0] + [len(clauses[k].reading.sentences) for k in several]).tolist()))
    out = []
    for k, j in picked:
        c, own = clauses[k], clauses[k].reading.sentences
        if not own:
            out.append((c.text.strip(), c.start, c.end))
            continue
        best = int(np.argmax(conf[first[k]:first[k] + len(own), j])) if k in first else 0  # one sentence: it
        out.append(_quote(c, own[best], to_source))
    return out


def _quote(clause, sentence, to_source) -> tuple[str, int, int]:
    """A sentence of the clause's reading quoted from the clause text, and its span in the source."""
    a, b = clause.reading.view.span(sentence.start, sentence.end)
    quote = clause.text[a:b].strip()
    a += len(clause.text[a:b]) - len(clause.text[a:b].lstrip())
    start, end = to_source(clause, a, a + len(quote)) if to_source else (clause.start, clause.end)
    return quote, start, end


def with_second_opinion(analysis: Analysis, model: Model, *, counted: bool = False, alone: bool = False,
                        **options) -> Analysis:
    """The analysis with the model's second opinion: kept apart (``second_opinion``), or
    ``counted`` among the findings and protections with the scores recomputed, or ``alone``: the
    model's opinions in place of the rules' (to measure the model by itself)."""
    base_f, base_p = ((), ()) if alone else (analysis.findings, analysis.protections)
    opinions = second_opinion(analysis.clauses, base_f, base_p, model, **options)
    if not (counted or alone):
        return replace(analysis, second_opinion=opinions)
    findings = tuple(base_f) + tuple(o for o in opinions if isinstance(o, Finding))
    protections = tuple(base_p) + tuple(o for o in opinions if isinstance(o, Protection))
    left_out = missing(analysis.clauses, protections, analysis.terms, analysis.parties)
    return replace(analysis, findings=findings, protections=protections, missing=left_out,
                   risk_score=risk_score(findings, protections, left_out),
                   clause_scores=clause_scores(analysis.clauses, findings, protections))


# -- cross-validation --------------------------------------------------------------------------

@dataclass(frozen=True)
class CrossValidation:
    """Leave-one-contract-out results: the spec's figures and per-code (tp, fp, fn), for the rules
    alone, for the model alone and for the rules with the model's opinions counted; each model
    fitted without the contract it judges."""

    figures: Mapping[str, Mapping[str, object]]  # "rules", "model", "rules + model"
    per_code: Mapping[str, Mapping[str, tuple[int, int, int]]]
    contracts: int


def cross_validate(analyses, gold: Mapping, *, min_confidence: float | None = None, progress=None) -> CrossValidation:
    """Judge each labeled contract with a model fitted on all the others (the rules are fixed)."""
    by_sha = {g["sha256"]: g for g in gold["contracts"].values()}
    labeled = [a for a in analyses if a.document.sha256 in by_sha]
    sets = {a.document.sha256: examples(a, by_sha[a.document.sha256]) for a in labeled}
    codes = list(rulebook().flags)
    results: dict[str, list] = {"rules": [], "model": [], "rules + model": []}
    for a in labeled:
        fitted = fit([e for sha, ex in sets.items() if sha != a.document.sha256 for e in ex], codes)
        results["rules"].append(a)
        results["model"].append(with_second_opinion(a, fitted, alone=True, min_confidence=min_confidence))
        results["rules + model"].append(with_second_opinion(a, fitted, counted=True, min_confidence=min_confidence))
        if progress:
            progress()
    docs = {k: {"contracts": [a.to_dict() for a in v]} for k, v in results.items()}
    return CrossValidation({k: evaluate(gold, d)[0] for k, d in docs.items()},
                           {k: per_code(gold, d) for k, d in docs.items()}, len(labeled))
