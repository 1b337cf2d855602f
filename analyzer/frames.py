"""Analyses and comparisons as pandas DataFrames (for Excel, CSV and notebooks)."""
from __future__ import annotations

from .comparison import Comparison
from .cost import VENDOR, cost_rows
from .distinct import group
from .expected import by_code
from .playbook import STATUS_CN
from .model import TERM_KEYS, Analysis
from .rules import SEVERITIES, SEVERITY_CN, rulebook
from .taxonomy import load_taxonomy

TERM_LABELS = {"contract_amount": "合同金额（元）", "rate_per_minute": "通话资费（元/分钟）",
               "sms_rate": "短信资费（元/条）", "minimum_spend": "最低消费（元/年）",
               "term_months": "合同期限（月）", "penalty_pct_max": "最高违约金（合同金额%）"}


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


def for_people(df):
    """A table as a person reads it: Chinese headers, severities and categories in words, yes/no
    as 是 or blank. The DataFrames of the API keep their codes; this is for the workbook."""
    tax = load_taxonomy()
    out = df.copy()
    if "severity" in out:
        out["severity"] = [SEVERITY_CN.get(str(v), v) for v in out["severity"]]
    for col in ("category", "categories"):
        if col in out:
            out[col] = [", ".join(_category_label(tax, c) for c in str(v).split(", ") if c) for v in out[col]]
    for col in ("mutual", "regulatory"):
        if col in out and out[col].dtype == bool:
            out[col] = [YES if v else "" for v in out[col]]
    return out.rename(columns=lambda c: COLUMN_LABELS.get(c, c))


def _category_label(tax, code: str) -> str:
    try:
        return tax.label(code)
    except StopIteration:  # not a category code (already a label)
        return code


def _pd():
    import pandas as pd
    return pd


def clauses(a: Analysis, vendor: str | None = None):
    rows = [{"vendor": vendor or a.name, "id": c.id, "number": c.number, "path": c.label,
             "category": c.category, "categories": ", ".join(c.categories),
             "one_sidedness": a.clause_scores.get(c.id, 0.0), "start": c.start, "end": c.end, "text": c.text}
            for c in a.clauses]
    return _pd().DataFrame(rows, columns=["vendor", "id", "number", "path", "category", "categories",
                                          "one_sidedness", "start", "end", "text"])


def findings(a: Analysis, vendor: str | None = None):
    """One row per finding; ``issue`` numbers the distinct issue it belongs to (findings that
    restate one point share it), ``regulatory`` marks a restated legal duty."""
    book = rulebook()
    issue_of = {i: k + 1 for k, g in enumerate(group(a.findings)) for i in g.members}
    rows = [{"vendor": vendor or a.name, "issue": issue_of[i], "severity": f.severity, "flag": f.flag,
             "label": book.label(f.flag), "mutual": f.mutual, "regulatory": f.regulatory, "clause_id": f.clause_id,
             "clause": a.clause(f.clause_id).label,
             "quote": f.quote, "explanation": f.explanation, "legal_basis": f.legal_basis, "rule": f.rule,
             "details": "; ".join(f"{k}={v}" for k, v in f.details.items()), "start": f.start, "end": f.end}
            for i, f in enumerate(a.findings)]
    cols = ["vendor", "issue", "severity", "flag", "label", "mutual", "regulatory", "clause_id", "clause", "quote",
            "explanation", "legal_basis", "rule", "details", "start", "end"]
    return with_severity_order(_pd().DataFrame(rows, columns=cols))


def with_severity_order(df):
    """``severity`` as an ordered category (low < medium < high), so it sorts by severity."""
    pd = _pd()
    df["severity"] = pd.Categorical(df["severity"], categories=SEVERITIES, ordered=True)
    return df


def protections(a: Analysis, vendor: str | None = None):
    book = rulebook()
    rows = [{"vendor": vendor or a.name, "code": p.code, "label": book.label(p.code), "clause_id": p.clause_id,
             "clause": a.clause(p.clause_id).label, "quote": p.quote} for p in a.protections]
    return _pd().DataFrame(rows, columns=["vendor", "code", "label", "clause_id", "clause", "quote"])


def second_opinion(a: Analysis, vendor: str | None = None):
    """What only the learned model found, with its confidence (for review; not counted)."""
    book = rulebook()
    rows = [{"vendor": vendor or a.name, "kind": book.flags[code].kind if code in book.flags else "",
             "code": code, "label": book.label(code), "confidence": o.confidence, "clause_id": o.clause_id,
             "clause": a.clause(o.clause_id).label, "quote": o.quote}
            for o in a.second_opinion for code in [getattr(o, "flag", None) or o.code]]
    return _pd().DataFrame(rows, columns=["vendor", "kind", "code", "label", "confidence", "clause_id", "clause",
                                          "quote"])


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


def issues(a: Analysis, vendor: str | None = None):
    rows = [{"vendor": vendor or a.name, "code": i.code, "message": i.message} for i in a.issues]
    return _pd().DataFrame(rows, columns=["vendor", "code", "message"])


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
    return with_severity_order(_concat(findings(a, n) for a, n in zip(c.analyses, c.names)))


def all_protections(c: Comparison):
    return _concat(protections(a, n) for a, n in zip(c.analyses, c.names))


def all_missing_terms(c: Comparison):
    return _concat(missing_terms(a, n) for a, n in zip(c.analyses, c.names))


def all_contradictions(c: Comparison):
    return _concat(contradictions(a, n) for a, n in zip(c.analyses, c.names))


def all_issues(c: Comparison):
    return _concat(issues(a, n) for a, n in zip(c.analyses, c.names))


def cost_table(c: Comparison):
    """Vendors in rank order as rows, the like-for-like cost as columns (see ``cost``), as shown:
    a disputed amount as "5000 或 3500？", an unknown as 未约定."""
    return _pd().DataFrame(cost_rows(c.costs)).set_index(VENDOR)


def positions_table(c: Comparison):
    """One row per vendor and position of the playbook: MATCH / DEVIATION / MISSING, where and why."""
    rows = [{"vendor": n, "position": p.label, "status": p.status, "status_cn": STATUS_CN[p.status],
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
    tax = load_taxonomy()

    def v(cell):
        return {"score": cell.score, "findings": len(cell.findings), "clauses": len(cell.clause_ids)}[value]

    return pd.DataFrame([[v(c.matrix[(cat, n)]) for n in c.names] for cat in c.categories],
                        index=pd.Index([tax.label(x) for x in c.categories], name="category"), columns=list(c.names))


UNRANKED = "未排名"


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
