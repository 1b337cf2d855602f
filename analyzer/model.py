"""Frozen records that flow through the pipeline: load → normalize → segment → align → score."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping


ROLE_CHOICES = ("甲方", "乙方")  # the role labels a user may name as the vendor's


def evolve(record, **changes):
    """A copy of a frozen record with some fields changed: ``dataclasses.replace`` without
    running ``__init__`` again (no record here checks anything in it), for the loops that make
    one per clause."""
    new = object.__new__(type(record))
    new.__dict__.update(record.__dict__, **changes)
    return new


@dataclass(frozen=True)
class Document:
    """A file's text as read. ``text`` is what is analyzed; offsets index it."""

    source: str
    sha256: str
    text: str
    format: str
    metadata: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Clause:
    """One clause: its number, where it sits, its verbatim text and its span in the source."""

    id: str
    number: str | None
    heading_path: tuple[str, ...]
    text: str
    start: int
    end: int
    level: int
    style: str
    parent: str | None = None
    category: str = "unclassified"
    categories: tuple[str, ...] = ()
    category_scores: Mapping[str, float] = field(default_factory=dict)
    reading: Any = field(default=None, compare=False, repr=False)  # reading.Reading, once read

    @property
    def label(self) -> str:
        """The clause's place, e.g. ``七、违约责任 › 1``."""
        return " › ".join(self.heading_path + ((self.number,) if self.number else ()))


@dataclass(frozen=True)
class Finding:
    """A one-sided term against the customer, found by one rule in one clause."""

    flag: str
    severity: str
    mutual: bool
    clause_id: str
    text: str
    quote: str
    start: int
    end: int
    rule: str
    category: str
    explanation: str
    legal_basis: str
    value: float | None = None
    details: Mapping[str, object] = field(default_factory=dict)
    source: str = "rules"  # "rules", or "model": found only by the model learned from labeled contracts
    confidence: float | None = None  # the model's, for a finding it alone made
    regulatory: bool = False  # the sentence only restates a legal duty: not negotiable, not scored


@dataclass(frozen=True)
class Protection:
    """A term in the customer's favour."""

    code: str
    clause_id: str
    text: str
    quote: str
    start: int
    end: int
    rule: str
    explanation: str
    details: Mapping[str, object] = field(default_factory=dict)
    source: str = "rules"
    confidence: float | None = None


@dataclass(frozen=True)
class DocumentIssue:
    code: str
    message: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Parties:
    """Who is who in one contract (see ``parties.resolve``).

    ``names`` / ``signature_names``: role label → the name written after it in the heading / the
    signature block (None when blank or when it gives only a kind of party). ``vendor_words`` / ``customer_words``: every word the text
    uses for each side (names, short names, role words, self-references), folded and without
    spaces; ``role_evidence`` says how the vendor was told apart; ``kinds``: role label → the kind
    of party the heading writes instead of a name ("委托服务旅客"), a label that is not blank."""

    names: Mapping[str, str | None]
    signature_names: Mapping[str, str | None]
    vendor_role: str | None
    customer_role: str | None
    role_evidence: str
    vendor_name: str | None = None
    customer_name: str | None = None
    vendor_words: tuple[str, ...] = ()
    customer_words: tuple[str, ...] = ()
    definitions: tuple[tuple[str, ...], ...] = ()
    addresses_reader: bool = False  # the text speaks to the customer as 您: the vendor's own terms
    kinds: Mapping[str, str] = field(default_factory=dict)

    @property
    def vendor(self) -> str | None:
        return self.vendor_name

    @property
    def customer(self) -> str | None:
        return self.customer_name


TERM_KEYS = ("contract_amount", "rate_per_minute", "sms_rate", "minimum_spend",
             "term_months", "penalty_pct_max")


@dataclass(frozen=True)
class Terms:
    """Commercial terms; None where the contract is silent or blank."""

    contract_amount: float | None = None
    rate_per_minute: float | None = None
    sms_rate: float | None = None
    minimum_spend: float | None = None
    term_months: float | None = None
    penalty_pct_max: float | None = None
    evidence: Mapping[str, str] = field(default_factory=dict)
    annual_amount: float | None = None  # 元 a year, when the contract prices per year
    amount_candidates: tuple[float, ...] = ()  # the amount's figure and capitals, when they disagree
    prepaid: float | None = None  # 元 paid up front (预存/预付/预充)

    def values(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in TERM_KEYS}


@dataclass(frozen=True)
class Analysis:
    """Everything the analyzer found in one contract."""

    document: Document
    parties: Parties
    clauses: tuple[Clause, ...]
    findings: tuple[Finding, ...]
    protections: tuple[Protection, ...]
    issues: tuple[DocumentIssue, ...]
    terms: Terms
    risk_score: float
    clause_scores: Mapping[str, float] = field(default_factory=dict)
    second_opinion: tuple = ()  # findings and protections only the learned model made, for review
    missing: tuple[str, ...] = ()  # codes of the expected terms the contract leaves out (see expected)
    contradictions: tuple = ()  # contradictions.Contradiction: clauses that disagree, with both quotes

    @property
    def vendor(self) -> str | None:
        return self.parties.vendor

    @property
    def customer(self) -> str | None:
        return self.parties.customer

    @property
    def name(self) -> str:
        """A short display name: the vendor, else the file name."""
        from pathlib import Path
        return self.vendor or Path(self.document.source).stem

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def to_dict(self) -> dict:
        """The spec's JSON record of one contract, with a few extra fields."""
        return {
            "source": self.document.source,
            "sha256": self.document.sha256,
            "format": self.document.format,
            "vendor": self.vendor,
            "customer": self.customer,
            "vendor_role": self.parties.vendor_role,
            "customer_role": self.parties.customer_role,
            "parties": {"heading": dict(self.parties.names),
                        "signature": dict(self.parties.signature_names),
                        "vendor_words": list(self.parties.vendor_words),
                        "customer_words": list(self.parties.customer_words),
                        "evidence": self.parties.role_evidence},
            "clauses": [{
                "id": c.id, "number": c.number, "path": c.label, "text": c.text,
                "start": c.start, "end": c.end, "category": c.category,
                "categories": list(c.categories),
                "one_sidedness": self.clause_scores.get(c.id, 0.0),
            } for c in self.clauses],
            "findings": [_finding_dict(f) for f in self.findings],
            "protections": [_protection_dict(p) for p in self.protections],
            "document_issues": [asdict(i) for i in self.issues],
            "terms": self.terms.values(),
            "terms_more": {"annual_amount": self.terms.annual_amount, "prepaid": self.terms.prepaid,
                           "amount_candidates": list(self.terms.amount_candidates)},
            "missing_terms": list(self.missing),
            "contradictions": [dict(asdict(k), label=k.label) for k in self.contradictions],
            "risk_score": self.risk_score,
            "second_opinion": [dict(_finding_dict(o), kind="finding") if isinstance(o, Finding)
                               else dict(_protection_dict(o), kind="protection") for o in self.second_opinion],
        }


def _protection_dict(p: Protection) -> dict:
    d = asdict(p)
    if d["confidence"] is None:
        del d["confidence"]
    return d


def _finding_dict(f: Finding) -> dict:
    d = asdict(f)
    for key in ("value", "confidence"):
        if d[key] is None:
            del d[key]
    return d
