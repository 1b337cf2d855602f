"""Score analyses against a gold file, by the rule of the spec (and shared/tools/score.py):
contracts matched by sha256, whitespace removed, containment of the gold evidence in the
predicted clause text, one gold item per prediction, clauses over 500 characters satisfy nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError
from .normalize import squash

MAX_CLAUSE = 500
# what a contract calls a party it does not name: as good as no name (as the spec's scorer has it)
GENERIC_ROLES = {"甲方", "乙方", "丙方", "用户", "客户", "您", "委托方", "受托方", "委托人", "受托人",
                 "买方", "卖方", "咨询者", "服务方", "服务商", "供应商", "本公司", "平台"}


@dataclass
class Tally:
    ftp: int = 0
    ffn: int = 0
    ffp: int = 0
    ptp: int = 0
    pfn: int = 0
    pfp: int = 0
    dtp: int = 0
    dfn: int = 0
    dfp: int = 0
    cok: int = 0
    cn: int = 0
    tok: int = 0
    tn: int = 0
    rok: int = 0
    rn: int = 0
    pok: int = 0
    pn: int = 0
    missing: int = 0
    notes: list = field(default_factory=list)


def _greedy(gold_items, predicted, key):
    preds = []
    for p in predicted:
        t = squash(p.get("text"))
        preds.append((p.get(key), t if len(t) <= MAX_CLAUSE else ""))
    used = [False] * len(preds)
    tp, missed = 0, []
    for g in sorted(gold_items, key=lambda g: bool(g.get("optional"))):
        ev = squash(g["evidence"])
        hit = next((i for i, (k, t) in enumerate(preds) if not used[i] and k == g[key] and ev in t), None)
        if hit is not None:
            used[hit] = True
            tp += 0 if g.get("optional") else 1
        elif not g.get("optional"):
            missed.append(g)
    return tp, missed, [predicted[i] for i, u in enumerate(used) if not u]


def _ratio(a, b):
    return a / b if b else 1.0


def evaluate(gold: dict, result: dict) -> tuple[dict, Tally]:
    """Figures and the per-item notes for a result (the JSON of `analyze --format json`)."""
    t = Tally()
    by_sha = {c["sha256"]: c for c in result["contracts"]}
    scores = {}
    for name, g in gold["contracts"].items():
        c = by_sha.get(g["sha256"])
        if c is None:
            t.missing += 1
            t.notes.append(f"{name}: not in the result")
            t.ffn += sum(1 for f in g["findings"] if not f.get("optional"))
            t.pfn += sum(1 for f in g["protections"] if not f.get("optional"))
            t.dfn += sum(1 for d in g["document_issues"] if not d.get("optional"))
            continue
        scores[name] = c.get("risk_score")
        for role in ("vendor", "customer"):
            t.pn += 1
            want, have = squash(g.get(role)), squash(c.get(role))
            if want == have or (not want and have in GENERIC_ROLES):
                t.pok += 1
            else:
                t.notes.append(f"{name}: {role} want {g.get(role)}, have {c.get(role)}")
        tp, fn, fp = _greedy(g["findings"], c.get("findings", []), "flag")
        t.ftp += tp; t.ffn += len(fn); t.ffp += len(fp)
        t.notes += [f"{name}: missed {m['flag']}: {m['evidence']}" for m in fn]
        t.notes += [f"{name}: false {p.get('flag')}: {squash(p.get('text'))[:60]}" for p in fp]
        tp, fn, fp = _greedy(g["protections"], c.get("protections", []), "code")
        t.ptp += tp; t.pfn += len(fn); t.pfp += len(fp)
        t.notes += [f"{name}: missed protection {m['code']}: {m['evidence']}" for m in fn]
        t.notes += [f"{name}: false protection {p.get('code')}: {squash(p.get('text'))[:60]}" for p in fp]
        got = {d.get("code") for d in c.get("document_issues", [])}
        allowed = {d["code"] for d in g["document_issues"]}
        for d in g["document_issues"]:
            if d.get("optional"):
                continue
            if d["code"] in got:
                t.dtp += 1
            else:
                t.dfn += 1
                t.notes.append(f"{name}: missed document issue {d['code']}")
        for code in sorted(got - allowed):
            t.dfp += 1
            t.notes.append(f"{name}: false document issue {code}")
        clauses = c.get("clauses", [])
        for cat in g.get("categories", {}).get("present", []):
            t.cn += 1
            ok = any(cat == k.get("category") or cat in (k.get("categories") or []) for k in clauses)
            t.cok += ok
            if not ok:
                t.notes.append(f"{name}: category {cat}: no clause carries it")
        for cat in g.get("categories", {}).get("absent", []):
            t.cn += 1
            ok = not any(cat == k.get("category") for k in clauses)
            t.cok += ok
            if not ok:
                t.notes.append(f"{name}: category {cat}: should be absent")
        terms = c.get("terms") or {}
        for key, want in g.get("terms", {}).items():
            t.tn += 1
            have = terms.get(key)
            ok = (want is None and have is None) or (
                want is not None and isinstance(have, (int, float)) and abs(have - want) <= 1e-3)
            t.tok += ok
            if not ok:
                t.notes.append(f"{name}: term {key}: want {want}, have {have}")
    for hi, lo in gold.get("riskier_than", []):
        if hi in scores and lo in scores:
            t.rn += 1
            a, b = scores[hi], scores[lo]
            ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b
            t.rok += ok
            if not ok:
                t.notes.append(f"risk order: {hi} ({a}) should be above {lo} ({b})")
    p = _ratio(t.ftp, t.ftp + t.ffp)
    r = _ratio(t.ftp, t.ftp + t.ffn)
    figures = {
        "findings_precision": p, "findings_recall": r, "findings_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "protections_precision": _ratio(t.ptp, t.ptp + t.pfp), "protections_recall": _ratio(t.ptp, t.ptp + t.pfn),
        "issues_precision": _ratio(t.dtp, t.dtp + t.dfp), "issues_recall": _ratio(t.dtp, t.dtp + t.dfn),
        "categories": (t.cok, t.cn), "terms": (t.tok, t.tn), "parties": (t.pok, t.pn),
        "risk_order": (t.rok, t.rn), "missing": t.missing,
    }
    return figures, t


def summary_line(f: dict) -> str:
    """The same summary line shared/tools/score.py prints."""
    return (f"findings P={f['findings_precision']:.2f} R={f['findings_recall']:.2f} F1={f['findings_f1']:.2f} | "
            f"protections P={f['protections_precision']:.2f} R={f['protections_recall']:.2f} | "
            f"document issues P={f['issues_precision']:.2f} R={f['issues_recall']:.2f} | "
            f"categories {f['categories'][0]}/{f['categories'][1]} | terms {f['terms'][0]}/{f['terms'][1]} | "
            f"parties {f['parties'][0]}/{f['parties'][1]} | risk order {f['risk_order'][0]}/{f['risk_order'][1]} | "
            f"contracts missing {f['missing']}")


def per_code(gold: dict, result: dict) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) of each flag and protection code, by the same matching as ``evaluate``."""
    by_sha = {c["sha256"]: c for c in result["contracts"]}
    codes = {g.get("flag") or g.get("code") for c in gold["contracts"].values()
             for g in c.get("findings", []) + c.get("protections", [])}
    codes |= {p.get("flag") or p.get("code") for c in result["contracts"]
              for p in c.get("findings", []) + c.get("protections", [])}
    out = {code: [0, 0, 0] for code in sorted(codes - {None})}
    for g in gold["contracts"].values():
        c = by_sha.get(g["sha256"])
        for items, preds, key in ((g["findings"], (c or {}).get("findings", []), "flag"),
                                  (g["protections"], (c or {}).get("protections", []), "code")):
            for code in {i[key] for i in items} | {p[key] for p in preds}:
                tp, fn, fp = _greedy([i for i in items if i[key] == code], [p for p in preds if p[key] == code], key)
                out[code][0] += tp
                out[code][1] += len(fp)
                out[code][2] += len(fn)
    return {k: tuple(v) for k, v in out.items()}


# what each gold contract lists, and the text fields every item of the list needs
GOLD_ITEMS = {"findings": ("flag", "evidence"), "protections": ("code", "evidence"), "document_issues": ("code",)}
GOLD_FORMAT = ("a gold file is JSON: {\"contracts\": {name: {sha256, findings, protections, document_issues, "
               "categories, terms}}, \"riskier_than\": [[name, name], ...]}")


def load_gold(path) -> dict:
    """A gold file, or a folder of them merged (contracts and riskier_than). A malformed file is a
    ``SettingsError`` naming the file, the contract and what is wrong."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise SettingsError(f"{path}: no gold files (*.json) in this folder")
    merged: dict = {"contracts": {}, "riskier_than": []}
    for f in files:
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SettingsError(f"{f}: cannot read the gold file ({type(e).__name__}: {e}); {GOLD_FORMAT}")
        problem = _gold_problem(doc)
        if problem:
            raise SettingsError(f"{f}: not a gold file in the spec's format: {problem}; {GOLD_FORMAT}")
        merged["contracts"].update(doc["contracts"])
        merged["riskier_than"] += doc.get("riskier_than", [])
    return merged


def _gold_problem(doc) -> str | None:
    """What is wrong with a gold file's content, or None."""
    if not isinstance(doc, dict) or not isinstance(doc.get("contracts"), dict):
        return "no \"contracts\" object"
    for name, c in doc["contracts"].items():
        problem = _gold_contract_problem(c)
        if problem:
            return f"contract {name!r} {problem}"
    pairs = doc.get("riskier_than", [])
    if not (isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 and all(isinstance(n, str) for n in p)
                                            for p in pairs)):
        return "\"riskier_than\" is not a list of [name, name] pairs"
    return None


def _gold_contract_problem(c) -> str | None:
    if not isinstance(c, dict):
        return "is not an object"
    if not isinstance(c.get("sha256"), str):
        return "needs sha256 (the file's sha256 as text)"
    if not all(isinstance(c.get(role), (str, type(None))) for role in ("vendor", "customer")):
        return "has a vendor or customer that is not text or null"
    for key, fields in GOLD_ITEMS.items():
        items = c.get(key)
        if not (isinstance(items, list)
                and all(isinstance(i, dict) and all(isinstance(i.get(k), str) for k in fields) for i in items)):
            return f"needs {key}: a list of items each with {' and '.join(fields)} as text"
    cats = c.get("categories", {})
    if not (isinstance(cats, dict) and all(isinstance(cats.get(k, []), list) for k in ("present", "absent"))):
        return "has categories that are not {\"present\": [...], \"absent\": [...]}"
    terms = c.get("terms", {})
    if not (isinstance(terms, dict)
            and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in terms.values())):
        return "has terms that are not an object of term → number or null"
    return None
