"""What a buyer expects a service contract to settle, and which of it a contract leaves out.

The list is data (resources/expected.yaml): dispute resolution, term, price, service level, the
vendor's liability for its own failure, refund on the vendor's fault, data protection and the
customer's right to terminate. A missing term is reported per contract, counted in the risk
score (see score.risk_score) and asked for in the brief.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .errors import ResourceError
from .literals import SEPARATOR, gate
from .model import Clause, Parties, Protection, Terms, TERM_KEYS
from .rules import SPEC_PROTECTIONS, compile_patterns
from .score import reading_of
from .taxonomy import load_taxonomy, resource_yaml


@dataclass(frozen=True)
class Expected:
    code: str
    label: str
    ask: str
    protections: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    patterns: tuple[re.Pattern, ...] = ()

    @functools.cached_property
    def gates(self) -> tuple:
        """For each pattern, a quick search for the words it needs (``literals.gate``)."""
        return tuple(map(gate, self.patterns))


KEYS = {"label", "ask", "protections", "terms", "categories", "patterns"}


def parse(data: dict, *, source: str = "expected.yaml") -> tuple[Expected, ...]:
    """Validate the expected terms; errors name the entry and the valid choices."""
    entries = (data or {}).get("terms")
    if not isinstance(entries, dict) or not entries:
        raise ResourceError(f"{source}: expected a mapping `terms` of expected terms")
    return tuple(_entry(code, entry, f"{source} {code}") for code, entry in entries.items())


def _entry(code: str, entry, where: str) -> Expected:
    if not isinstance(entry, dict) or set(entry) - KEYS or not {"label", "ask"} <= set(entry):
        raise ResourceError(f"{where}: needs label and ask, and may have {sorted(KEYS - {'label', 'ask'})}")
    for key, valid in (("protections", SPEC_PROTECTIONS), ("terms", TERM_KEYS), ("categories", load_taxonomy().ids)):
        bad = [v for v in entry.get(key) or () if v not in valid]
        if bad:
            raise ResourceError(f"{where}: {key} {bad} not among {', '.join(valid)}")
    if not any(entry.get(k) for k in ("protections", "terms", "categories", "patterns")):
        raise ResourceError(f"{where}: needs protections, terms, categories or patterns to tell it is there")
    return Expected(code, str(entry["label"]), str(entry["ask"]), tuple(entry.get("protections") or ()),
                    tuple(entry.get("terms") or ()), tuple(entry.get("categories") or ()),
                    compile_patterns(entry.get("patterns"), where))


@functools.lru_cache(maxsize=1)
def expected_terms() -> tuple[Expected, ...]:
    """The packaged list, loaded and checked once."""
    return parse(resource_yaml("expected.yaml"), source="resources/expected.yaml")


def missing(clauses: tuple[Clause, ...], protections: tuple[Protection, ...], terms: Terms,
            parties: Parties) -> tuple[str, ...]:
    """The codes of the expected terms a contract leaves out."""
    views = [reading_of(c, parties).view.text for c in clauses if c.style != "signature"]
    found = {p.code for p in protections}
    values = terms.values()
    cats = {k for c in clauses if c.style != "signature" for k in (c.category, *c.categories)}
    return tuple(e.code for e in expected_terms()
                 if not (found & set(e.protections) or any(values.get(k) is not None for k in e.terms)
                         or cats & set(e.categories) or said(e, views)))


def said(e: Expected, views: list[str]) -> bool:
    """Does a pattern of ``e`` match in one of the views? A pattern is searched for only when the
    views hold the words it needs (its gate passes them joined): the same answer."""
    if not e.patterns:
        return False
    joined = SEPARATOR.join(views)  # no word of a gate holds the separator
    return any(may(joined) and any(p.search(v) for v in views) for p, may in zip(e.patterns, e.gates))


def by_code() -> dict[str, Expected]:
    return {e.code: e for e in expected_terms()}


def labels() -> dict[str, str]:
    """Code → the label users see, e.g. dispute_resolution → 争议解决."""
    return {e.code: e.label for e in expected_terms()}
