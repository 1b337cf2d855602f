"""A readable outline of one analysis for the terminal."""
from __future__ import annotations

from ..checks import ISSUE_LABELS
from ..expected import labels as expected_labels
from ..model import Analysis
from ..rules import SEVERITY_CN, rulebook
from ..taxonomy import load_taxonomy


def outline(a: Analysis) -> str:
    p, book, tax = a.parties, rulebook(), load_taxonomy()
    lines = [f"== {a.document.source}  (risk {a.risk_score:g}/100)",
             f"vendor   {p.vendor_role or '?'}: {a.vendor or '—'}",
             f"customer {p.customer_role or '?'}: {a.customer or '—'}",
             f"roles    {p.role_evidence or 'not found'}"]
    if a.document.metadata.get("summary"):
        lines.append("note     the file wraps the original in a note; only the original is analyzed")
    stated = ", ".join(f"{k}={v:g}" for k, v in a.terms.values().items() if v is not None)
    lines.append(f"terms    {stated or 'none stated'}")
    if a.issues:
        lines.append("document issues:")
        lines += [f"  ! {ISSUE_LABELS.get(i.code, i.code)}: {i.message}" for i in a.issues]
    lines.append("clauses:")
    for c in a.clauses:
        indent = "  " * (c.level + 1)
        head = c.text.replace("\n", " ")
        head = head if len(head) <= 60 else head[:60] + "…"
        lines.append(f"{indent}{c.id} [{tax.label(c.category)}] {head}")
    if a.findings:
        lines.append("findings:")
        for f in sorted(a.findings, key=lambda f: ("high", "medium", "low").index(f.severity)):
            mutual = ("（双方对等）" if f.mutual else "") + ("（法定义务，不计分）" if f.regulatory else "")
            lines.append(f"  - {SEVERITY_CN[f.severity]} {book.label(f.flag)}{mutual} @{f.clause_id}: {f.quote[:70]}")
    if a.protections:
        lines.append("protections:")
        lines += [f"  + {book.label(p.code)} @{p.clause_id}: {p.quote[:70]}" for p in a.protections]
    if a.missing:
        known = expected_labels()
        lines.append(f"missing terms (not settled by the contract): {'、'.join(known[m] for m in a.missing)}")
    if a.contradictions:
        lines.append("contradictions:")
        lines += [f"  x {k.label} @{k.first} / @{k.second}: 「{k.first_quote[:40]}」 vs 「{k.second_quote[:40]}」"
                  for k in a.contradictions]
    if a.second_opinion:
        lines.append("second opinion (the learned model alone; review before relying on it):")
        lines += [f"  ? {book.label(getattr(o, 'flag', None) or o.code)} {o.confidence:.0%} @{o.clause_id}: {o.quote[:70]}"
                  for o in a.second_opinion]
    return "\n".join(lines) + "\n"
