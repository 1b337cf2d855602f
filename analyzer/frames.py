"""Analyses and comparisons as pandas DataFrames (for Excel, CSV and notebooks)."""
from __future__ import annotations

from . import records
from .comparison import Comparison
from .cost import VENDOR, cost_rows
from .distinct import group
from .expected import by_code
from .model import TERM_KEYS, Analysis
from .vocabulary import SEVERITIES, TERM_LABELS, UNRANKED, Vocabulary, vocabulary


# every column of the tables above as a person reads it (the workbook's headers)
COLUMN_LABELS = {
    "rank": "排名", "vendor": "供应商", "risk_score": "风险分", "high": "高风险", "medium": "中风险", "low": "低风险",
    "regulatory": "法定义务", "protections": "保护性条款", "missing_terms": "缺失条款", "document_issues": "文件问题",
    "unranked": "未排名原因", "source": "文件", "issue": "问题序号", "severity": "严重程度", "flag": "风险代码",
    "label": "名称", "mutual": "双方对等", "clause_id": "条款代号", "clause": "条款", "quote": "原文",
    "explanation": "说明", "legal_basis": "法律依据", "rule": "规则", "details": "期限等细节", "start": "起始字符",
    "end": "结束字符", "id": "条款代号", "number": "编号", "path": "位置", "category": "类别", "categories": "兼属类别",
    "one_sidedness": "偏向（-1 有利客户 … +1 有利供应商）", "text": "条款原文", "code": "代码", "ask": "提出修改",
    "kind": "类型", "first": "条款一", "first_quote": "原文一", "second": "条款二", "second_quote": "原文二",
    "position": "立场", "status": "对照代码", "status_cn": "对照", "detail": "细节", "message": "说明",
    **TERM_LABELS,
}
YES = "是"


def for_people(df, words: Vocabulary | None = None):
    """A table as a person reads it: Chinese headers, severities and categories in words, yes/no
    as 是 or blank. The DataFrames of the API keep their codes; this is for the workbook."""
    w = words or vocabulary()
    out = df.copy()
    if "severity" in out:
        out["severity"] = [w.severity(str(v)) for v in out["severity"]]
    for col in ("category", "categories"):
        if col in out:
            out[col] = [", ".join(w.category(c) for c in str(v).split(", ") if c) for v in out[col]]
    for col in ("mutual", "regulatory"):
        if col in out and out[col].dtype == bool:
            out[col] = [YES if v else "" for v in out[col]]
    return out.rename(columns=lambda c: COLUMN_LABELS.get(c, c))


def _pd():
    import pandas as pd
    return pd


def _records(spec, items, a: Analysis, vendor: str | None):
    """One row per item, the vendor first, then the record's columns (``records``)."""
    return _pd().DataFrame(records.rows(spec, items, a, vendor=vendor or a.name), columns=["vendor"] + records.names(spec))


def clauses(a: Analysis, vendor: str | None = None):
    return _records(records.CLAUSE, a.clauses, a, vendor)


def findings(a: Analysis, vendor: str | None = None, words: Vocabulary | None = None):
    """One row per finding; ``issue`` numbers the distinct issue it belongs to (findings that
    restate one point share it), ``regulatory`` marks a restated legal duty."""
    w = words or vocabulary()
    issue_of = {i: k + 1 for k, g in enumerate(group(a.findings)) for i in g.members}
    df = _records(records.FINDING, a.findings, a, vendor)
    df.insert(1, "issue", [issue_of[i] for i in range(len(a.findings))])
    df.insert(df.columns.get_loc("flag") + 1, "label", [w.flag(f.flag) for f in a.findings])
    return with_severity_order(df)


def with_severity_order(df):
    """``severity`` as an ordered category (low < medium < high), so it sorts by severity."""
    pd = _pd()
    df["severity"] = pd.Categorical(df["severity"], categories=SEVERITIES, ordered=True)
    return df


def protections(a: Analysis, vendor: str | None = None, words: Vocabulary | None = None):
    df = _records(records.PROTECTION, a.protections, a, vendor)
    df.insert(2, "label", [(words or vocabulary()).flag(p.code) for p in a.protections])
    return df


def second_opinion(a: Analysis, vendor: str | None = None, words: Vocabulary | None = None):
    """What only the learned model found, with its confidence (for review; not counted)."""
    w = words or vocabulary()
    rows = [{"vendor": vendor or a.name, "kind": _kind(w, code), "code": code, "label": w.flag(code), "confidence": o.confidence, "clause_id": o.clause_id,
             "clause": a.clause(o.clause_id).label, "quote": o.quote}
            for o in a.second_opinion for code in [getattr(o, "flag", None) or o.code]]
    return _pd().DataFrame(rows, columns=["vendor", "kind", "code", "label", "confidence", "clause_id", "clause",
                                          "quote"])


def _kind(w: Vocabulary, code: str) -> str:
    return "finding" if code in w.findings else "protection" if code in w.flags else ""


def missing_terms(a: Analysis, vendor: str | None = None):
    """The expected terms the contract leaves out, with the ask for each."""
    known = by_code()
    rows = [{"vendor": vendor or a.name, "code": m, "label": known[m].label, "ask": known[m].ask} for m in a.missing]
    return _pd().DataFrame(rows, columns=["vendor", "code", "label", "ask"])


def contradictions(a: Analysis, vendor: str | None = None):
    rows = [{"vendor": vendor or a.name, "kind": k.kind, "label": k.label,
             "first": a.clause(k.first).label, "first_quote": k.first_quote,
             "second": a.clause(k.second).label, "second_quote": k.second_quote} for k in a.contradictions]
    return _pd().DataFrame(rows, columns=["vendor", "kind", "label", "first", "first_quote", "second", "second_quote"])


def issues(a: Analysis, vendor: str | None = None, words: Vocabulary | None = None):
    df = _records(records.ISSUE, a.issues, a, vendor)
    df.insert(2, "label", [(words or vocabulary()).issue(i.code) for i in a.issues])
    return df


def terms(a: Analysis):
    """One row per term: key, label, value."""
    return _pd().DataFrame([{"term": k, "label": TERM_LABELS[k], "value": v} for k, v in a.terms.values().items()])


def _concat(frames):
    pd = _pd()
    frames = list(frames)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def all_clauses(c: Comparison):
    return _concat(clauses(a, n) for a, n in zip(c.analyses, c.names))


def all_findings(c: Comparison):
    return with_severity_order(_concat(findings(a, n, c.words) for a, n in zip(c.analyses, c.names)))


def all_protections(c: Comparison):
    return _concat(protections(a, n, c.words) for a, n in zip(c.analyses, c.names))


def all_missing_terms(c: Comparison):
    return _concat(missing_terms(a, n) for a, n in zip(c.analyses, c.names))


def all_contradictions(c: Comparison):
    return _concat(contradictions(a, n) for a, n in zip(c.analyses, c.names))


def all_issues(c: Comparison):
    return _concat(issues(a, n, c.words) for a, n in zip(c.analyses, c.names))


def cost_table(c: Comparison):
    """Vendors in rank order as rows, the like-for-like cost as columns (see ``cost``), as shown:
    a disputed amount as "5000 或 3500？", an unknown as 未约定."""
    return _pd().DataFrame(cost_rows(c.costs)).set_index(VENDOR)


def positions_table(c: Comparison):
    """One row per vendor and position of the playbook: MATCH / DEVIATION / MISSING, where and why."""
    rows = [{"vendor": n, "position": p.label, "status": p.status, "status_cn": c.words.statuses[p.status],
             "clause": p.clause, "quote": p.quote, "detail": p.detail}
            for _, n, _ in c.ranking() for p in c.positions.get(n, ())]
    return _pd().DataFrame(rows, columns=["vendor", "position", "status", "status_cn", "clause", "quote", "detail"])


def terms_table(c: Comparison):
    """Vendors as rows, the spec's terms as columns (None where the contract is silent)."""
    pd = _pd()
    return pd.DataFrame([{k: getattr(a.terms, k) for k in TERM_KEYS} for a in c.analyses],
                        index=pd.Index(c.names, name="vendor"), columns=list(TERM_KEYS))


def matrix(c: Comparison, *, value: str = "score"):
    """Category × vendor: ``score`` (−1 … +1), ``findings`` (count) or ``clauses`` (count)."""
    pd = _pd()

    def v(cell):
        return {"score": cell.score, "findings": len(cell.findings), "clauses": len(cell.clause_ids)}[value]

    return pd.DataFrame([[v(c.matrix[(cat, n)]) for n in c.names] for cat in c.categories],
                        index=pd.Index([c.words.category(x) for x in c.categories], name="category"), columns=list(c.names))


def ranking(c: Comparison):
    pd = _pd()
    rows = []
    for rank, name, score in c.ranking():
        a, n = c.analysis(name), c.counts(name)
        rows.append({"rank": rank or UNRANKED, "vendor": name, "risk_score": score,
                     "high": n["high"], "medium": n["medium"], "low": n["low"], "regulatory": n["regulatory"],
                     "protections": n["protections"], "missing_terms": n["missing"],
                     "document_issues": n["document_issues"], "unranked": c.unranked.get(name, ""),
                     "source": a.document.source})
    return pd.DataFrame(rows).set_index("rank")
