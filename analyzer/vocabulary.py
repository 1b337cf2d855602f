"""The words a person reads for each code of an analysis, in one place.

A comparison carries its vocabulary (``Comparison.words``), made from the rule book and the
taxonomy it was scored with, so every output labels a flag, a category, a severity, a document
issue, a term or a playbook status the same way, and a comparison scored under a playbook shows
that playbook's own thresholds. Renderers read labels only from here; codes stay beside them
for machines (JSON, data attributes, the API's DataFrames).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .checks import ISSUE_LABELS
from .expected import labels as expected_labels
from .model import TERM_KEYS
from .playbook import STATUS_CN
from .rules import SEVERITIES, SEVERITY_CN, RuleBook, rulebook
from .taxonomy import UNCLASSIFIED, Taxonomy, load_taxonomy

__all__ = ["SEVERITIES", "SEVERITY_ORDER", "TERM_LABELS", "UNRANKED", "MUTUAL", "REGULATORY", "Vocabulary",
           "severity_rank", "vocabulary"]
SEVERITY_ORDER = tuple(reversed(SEVERITIES))  # the most severe first: how every list and table sorts
TERM_LABELS = {"contract_amount": "合同金额（元）", "rate_per_minute": "通话资费（元/分钟）",
               "sms_rate": "短信资费（元/条）", "minimum_spend": "最低消费（元/年）",
               "term_months": "合同期限（月）", "penalty_pct_max": "最高违约金（合同金额%）"}
UNRANKED = "未排名"
MUTUAL = "双方对等"
REGULATORY = "法定义务，不计分"
assert set(TERM_LABELS) == set(TERM_KEYS)


def severity_rank(severity: str) -> int:
    """0 for high, 1 for medium, 2 for low: the key that sorts the most severe first."""
    return SEVERITY_ORDER.index(severity)


@dataclass(frozen=True)
class Vocabulary:
    """Code → label for everything a report names; ``scoring``: the rule book's weights and
    thresholds the scores were made with (for the method note and the risk chart)."""

    flags: Mapping[str, str]
    findings: tuple[str, ...]  # the flag codes that are risks (the others are protections)
    categories: Mapping[str, str]  # in the taxonomy's order, unclassified last
    scoring: Mapping[str, object]
    issues: Mapping[str, str] = field(default_factory=lambda: dict(ISSUE_LABELS))
    expected: Mapping[str, str] = field(default_factory=expected_labels)
    terms: Mapping[str, str] = field(default_factory=lambda: dict(TERM_LABELS))
    statuses: Mapping[str, str] = field(default_factory=lambda: dict(STATUS_CN))
    severities: Mapping[str, str] = field(default_factory=lambda: {s: SEVERITY_CN[s] for s in SEVERITY_ORDER})

    def flag(self, code: str) -> str:
        return self.flags.get(code, code)

    def category(self, code: str) -> str:
        return self.categories.get(code, code)

    def severity(self, code: str) -> str:
        return self.severities.get(code, code)

    def issue(self, code: str) -> str:
        return self.issues.get(code, code)


def vocabulary(book: RuleBook | None = None, taxonomy: Taxonomy | None = None) -> Vocabulary:
    """The vocabulary of ``book`` and ``taxonomy`` (the packaged ones when not given)."""
    book, tax = book or rulebook(), taxonomy or load_taxonomy()
    return Vocabulary(flags=book.labels, findings=tuple(c for c, f in book.flags.items() if f.kind == "finding"),
                      categories={c: tax.label(c) for c in tax.ids + (UNCLASSIFIED,)}, scoring=dict(book.defaults))
