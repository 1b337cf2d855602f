"""A readable outline of one analysis for the terminal."""
from __future__ import annotations

from ..model import Analysis


def outline(a: Analysis) -> str:
    p = a.parties
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
        lines += [f"  ! {i.code}: {i.message}" for i in a.issues]
    lines.append("clauses:")
    for c in a.clauses:
        indent = "  " * (c.level + 1)
        head = c.text.replace("\n", " ")
        head = head if len(head) <= 60 else head[:60] + "…"
        lines.append(f"{indent}{c.id} [{c.category}] {head}")
    if a.findings:
        lines.append("findings:")
        for f in sorted(a.findings, key=lambda f: ("high", "medium", "low").index(f.severity)):
            mutual = (" (mutual)" if f.mutual else "") + (" (regulatory: not scored)" if f.regulatory else "")
            lines.append(f"  - {f.severity:<6} {f.flag}{mutual} @{f.clause_id}: {f.quote[:70]}")
    if a.protections:
        lines.append("protections:")
        lines += [f"  + {p.code} @{p.clause_id}: {p.quote[:70]}" for p in a.protections]
    if a.missing:
        lines.append(f"missing terms (not settled by the contract): {', '.join(a.missing)}")
    if a.contradictions:
        lines.append("contradictions:")
        lines += [f"  x {k.kind} @{k.first} / @{k.second}: 「{k.first_quote[:40]}」 vs 「{k.second_quote[:40]}」"
                  for k in a.contradictions]
    if a.second_opinion:
        lines.append("second opinion (the learned model alone; review before relying on it):")
        lines += [f"  ? {getattr(o, 'flag', None) or o.code} {o.confidence:.0%} @{o.clause_id}: {o.quote[:70]}"
                  for o in a.second_opinion]
    return "\n".join(lines) + "\n"
