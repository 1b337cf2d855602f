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
from dataclasses import dataclass, field, replace
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
CODE_BITS = 21  # a code point fits in 21 bits: an n-gram packs into one integer (see ``pack``)
GAP = (1 << CODE_BITS) - 1  # between texts read at once: beyond every code point, in no n-gram


def pack(gram: str) -> int:
    """An n-gram (n ≤ 3) as one integer: its code points side by side, CODE_BITS each."""
    out = 0
    for ch in gram:
        out = (out << CODE_BITS) | ord(ch)
    return out
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
    read = [f"@{a.action}|{a.actor or '-'}|{a.modality or '-'}{'|neg' if a.negated else ''}" for a in acts]
    return read + [f"@{a.action}" for a in acts]


# -- features ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """Terms and their inverse document frequencies, as scikit-learn's TfidfVectorizer computes
    them (smooth idf, raw counts, rows scaled to unit length)."""

    terms: Mapping[str, int]
    idf: np.ndarray

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
    def grams(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For each n-gram length, the packed n-grams of the vocabulary (``pack``), sorted, and
        their term indexes."""
        lo, hi = NGRAMS
        out = {}
        for n in range(lo, hi + 1):
            pairs = sorted((pack(term), i) for term, i in self.terms.items() if len(term) == n)
            out[n] = (np.array([k for k, _ in pairs], dtype=np.int64), np.array([i for _, i in pairs], dtype=np.int64))
        return out

    def grams_in(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, term index) of every occurrence of the vocabulary's n-grams in the texts,
        as the n-grams ``tokens`` lists would give them; all texts read at once."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        bounds = np.cumsum(lengths) - lengths  # where each text starts, a gap code after it
        codes = code_points("\n".join(texts)).astype(np.int64)
        codes[bounds[1:] - 1] = GAP
        docs, terms = [], []
        for n, (keys, ids) in self.grams.items():
            if len(codes) < n or not len(keys):
                continue
            at, packed = np.arange(len(codes) - n + 1), codes[:len(codes) - n + 1].copy()
            for k in range(1, n):
                packed = (packed << CODE_BITS) | codes[k:len(codes) - n + 1 + k]
            where = np.minimum(np.searchsorted(keys, packed), len(keys) - 1)
            hit = keys[where] == packed  # an n-gram across a gap holds the gap code: no term does
            docs.append(np.searchsorted(bounds, at[hit], side="right") - 1)
            terms.append(ids[where[hit]])
        empty = np.zeros(0, dtype=np.int64)
        return np.concatenate(docs) if docs else empty, np.concatenate(terms) if terms else empty

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

    def confidence(self, docs: list[tuple[str, list[str]]]) -> np.ndarray:
        """Documents, each (text, act tokens), × codes."""
        doc, term, val = self.vocabulary.rows(docs)
        parts = self.coef[:, term] * val  # codes × (document, term) pairs
        scores = np.zeros((len(self.codes), len(docs)))
        present, starts = np.unique(doc, return_index=True)
        if len(present):
            scores[:, present] = np.add.reduceat(parts, starts, axis=1)
        out = scores.T + self.intercept
        return 1.0 / (1.0 + np.exp(-(self.platt[:, 0] * out + self.platt[:, 1])))

    def save(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays, meta = folder / "model.npz", folder / "model.json"
        np.savez_compressed(arrays, coef=self.coef.astype(np.float32), intercept=self.intercept,
                            platt=self.platt, idf=self.vocabulary.idf)
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
        except (OSError, ValueError, KeyError) as e:
            raise ResourceError(f"{folder}: no readable model ({e}); refit it with `analyzer model fit`")
        if meta.get("format") != FORMAT or coef.shape != (len(meta["codes"]), len(meta["terms"])):
            raise ResourceError(f"{folder}: the stored model does not fit this version; refit it with `analyzer model fit`")
        vocab = Vocabulary({t: i for i, t in enumerate(meta["terms"])}, idf)
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
        text = squash(c.text)
        if c.style == "signature" or len(text) > MAX_CLAUSE:
            continue
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
    clauses = [c for c in clauses
               if c.style != "signature" and len(squash(c.text)) <= MAX_CLAUSE and c.reading is not None]
    if not clauses or not model.codes:
        return ()
    conf = model.confidence([features(c.reading) for c in clauses])
    found = {(f.clause_id, f.flag) for f in findings} | {(p.clause_id, p.code) for p in protections}
    out: list[Finding | Protection] = []
    for k, j in zip(*np.nonzero(conf >= floor)):
        c, code = clauses[k], model.codes[j]
        if (c.id, code) not in found and code in book.flags:
            out.append(_opinion(book, c, code, round(float(conf[k, j]), 3), _best_sentence(c, model, j, to_source)))
    return tuple(out)


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


def _best_sentence(clause, model: Model, j: int, to_source) -> tuple[str, int, int]:
    """The clause's sentence the model scores highest for code ``j``, quoted from the clause
    text, and its span in the source."""
    r = clause.reading
    if not r.sentences:
        return clause.text.strip(), clause.start, clause.end
    conf = model.confidence([(s.text, act_tokens(s.acts)) for s in r.sentences])[:, j]
    best = r.sentences[int(np.argmax(conf))]
    a, b = r.view.span(best.start, best.end)
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
