"""A contract → the vendor's own Word file, marked up for the negotiation.

For each distinct issue (``brief.issue_points``) a Word comment on the words of its finding says
what it is (label, severity), why it matters, the legal basis, the ask and, when the contract is
compared with others, how the other vendors treat the point. The ask is also proposed as a
tracked change: the finding's words deleted (``w:del``), the ask inserted after them (``w:ins``),
so that accepting every change in Word gives the customer's proposed contract. A clause that
only restates the law gets a comment and no change. The fallback position is never written:
the file goes to the vendor.

A .docx is marked up in a copy of itself: only the runs holding a finding's words are split
(each piece keeps its formatting) and wrapped; numbering, tables, styles and every other
paragraph stay as they were. Other sources (.txt, .md, .pdf, .html) become a new .docx, one
paragraph per line of the analysed text, marked up the same way.

Finding words: plain functions over the paragraphs' texts (``Index``, ``locate``, ``plan``),
then the marks are made (``mark``). Words are matched whitespace-insensitively, the n-th
occurrence in the paragraphs for the n-th in the analysed text. Words that run over several
paragraphs are marked in one: the one that holds the sentence (a clause's heading often comes
first in a quote), and the result says so.
"""
from __future__ import annotations

import bisect
import copy
import io
import itertools
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .brief import issue_points
from .comparison import NO_RANK_EMPTY, Comparison, compare
from .errors import InputError, OutputError, SettingsError, printable
from .load import sha256_of
from .normalize import invisible_pattern
from .pipeline import analyze
from .rules import SEVERITY_CN

# what a comment says, in order, as the briefs title it (the fallback stays with the customer)
COMMENT_FIELDS = (("why", "为什么重要"), ("legal", "法律依据"), ("ask", "提出修改"), ("reference", "市场参照"))
REGULATORY = "法定义务"
REGULATORY_NOTE = "该句复述法律法规，不可谈判，不作修改。"
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # no XML can hold these
NOT_SPACE = re.compile(r"\S")
SENTENCE_MARKS = frozenset("，。；！？,;!?")  # a paragraph part with one holds a sentence, not a heading
FIELD_TAGS = ("fldChar", "instrText")  # a run holding one is part of a Word field: never deleted
TEXT_TAGS = ("t", "tab", "br", "cr", "noBreakHyphen", "ptab")  # run children with text, as python-docx reads it
MAX_SOURCE = 1 << 30  # bytes read back from a .docx; its content must be the analysed one anyway

FIELD_IN_WORDS = "its words hold a Word field (a page number, a reference…); comment only, no change"
WORDS_NOT_FOUND = ("its words are not in the document's paragraphs (a text box, header, footnote or "
                   "content control holds them)")


@dataclass(frozen=True)
class Note:
    """One issue whose marks did not all go as planned, and why."""

    label: str
    clause: str
    why: str


@dataclass(frozen=True)
class RedlineResult:
    out: str
    comments: int  # one per issue anchored
    changes: int  # tracked changes made: words deleted and the ask inserted after them (once a clause)
    unanchored: tuple[Note, ...] = ()  # issues with no comment: their words were not found
    notes: tuple[Note, ...] = ()  # issues marked on part of their words, or with no change


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of one paragraph's text (the text of its runs)."""

    para: int
    start: int
    end: int


@dataclass(frozen=True)
class Change:
    span: Span
    asks: tuple[str, ...]  # inserted after the deleted words, in order; none: a deletion only
    issues: tuple[int, ...]  # the issues that propose it (indexes into the points)


@dataclass(frozen=True)
class Plan:
    anchors: tuple[tuple[int, Span], ...]  # (index of the issue, the words its comment is on)
    changes: tuple[Change, ...]
    unanchored: tuple[Note, ...]
    notes: tuple[Note, ...]


def redline(source, out, *, comparison: Comparison | None = None, name: str | None = None,
            author: str = "analyzer") -> RedlineResult:
    """Write ``out``: the contract ``source`` with a comment on each issue and its ask as a tracked
    change by ``author`` (the name Word shows). ``comparison``: a comparison holding the contract
    (``name`` picks it; by default the one read from ``source``), so comments say how the other
    vendors treat each point; without one the contract is analysed alone. The source is never
    written to: InputError when ``out`` is the source, or the source is not a readable contract."""
    source, out = Path(source), Path(out)
    refuse_overwrite(source, out)
    comp, name = _compared(source, comparison, name)
    a = comp.analysis(name)
    if comp.unranked.get(name) == NO_RANK_EMPTY:
        raise InputError(str(source), "holds no contract clauses to mark up", "pass the contract itself")
    data = _source_bytes(source, a.document.sha256)
    document = _open_docx(data, source) if a.document.format == "docx" else text_docx(a.document.text)
    paras = paragraphs(document)
    points = issue_points(comp, name)
    p = plan(points, a.findings, a.document.text, [paragraph_text(x) for x in paras])
    made, refused = mark(document, paras, p, [pt for _, pt in points], author=author,
                         compared=len(comp.names) > 1)
    if a.document.format != "docx":
        document.core_properties.title = f"{source.name}（修订建议）"
        document.core_properties.author = author
    save(document, out)
    return RedlineResult(str(out), len(p.anchors), made, p.unanchored, p.notes + refused)


# -- the inputs ------------------------------------------------------------------------------

def refuse_overwrite(source: Path, out: Path) -> None:
    """InputError when ``out`` is the source itself (the same path, a link to it, a hard link)."""
    same = out.resolve() == source.resolve()
    if not same and out.exists() and source.exists():
        same = os.path.samefile(out, source)
    if same:
        raise InputError(str(out), f"is the contract being marked up ({printable(source)}), which is never "
                                   "overwritten", f"write the marked-up copy to another file, e.g. "
                                                  f"{printable(source.stem)}-redline.docx")


def _compared(source: Path, comparison: Comparison | None, name: str | None) -> tuple[Comparison, str]:
    """The comparison and the name of the contract to mark up in it."""
    if comparison is None:
        if name is not None:
            raise SettingsError("name= picks a contract of comparison=; pass both, or neither")
        comp = compare([analyze(source)])
        return comp, comp.names[0]
    if name is not None:
        if name not in comparison.names:
            raise SettingsError(f"name {name!r} is not one of the compared contracts: {', '.join(comparison.names)}")
        return comparison, name
    here = source.resolve()
    found = [n for n in comparison.names if Path(comparison.analysis(n).document.source).resolve() == here]
    if not found:
        raise InputError(str(source), "is not one of the compared contracts",
                         f"pass name= one of {', '.join(comparison.names)}, or compare it first")
    return comparison, found[0]


def _source_bytes(source: Path, sha256: str) -> bytes:
    """The bytes of the source, which must be those analysed."""
    try:
        st = os.stat(source)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SOURCE:
            raise InputError(str(source), "is not a regular contract file", "pass the contract file itself")
        data = source.read_bytes()
    except OSError as e:
        raise InputError(str(source), f"cannot be read ({e.strerror or type(e).__name__})",
                         "check that it exists and that you may read it") from None
    if sha256_of(data) != sha256:
        raise InputError(str(source), "is not the contract that was analysed (its content differs)",
                         "compare the file again, then mark it up")
    return data


def _open_docx(data: bytes, source: Path):
    import docx
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 -- python-docx raises many kinds on damaged parts
        raise InputError(str(source), f"is a damaged .docx ({type(e).__name__})",
                         "open it in Word and save it again") from None


def text_docx(text: str):
    """A new Word document with one paragraph per line of ``text``."""
    import docx
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(XML_UNSAFE.sub("", line))
    return document


def paragraphs(document) -> list:
    """The document's paragraphs (``w:p``) in order, table cells included, text boxes left out."""
    from docx.oxml.ns import qn
    box = qn("w:txbxContent")
    return [p for p in document.element.body.iter(qn("w:p"))
            if not any(up.tag == box for up in p.iterancestors())]


def runs_of(p) -> list:
    """The runs whose text is the paragraph's text (as python-docx and ``load`` read it)."""
    return p.xpath("./w:r | ./w:hyperlink/w:r")


def paragraph_text(p) -> str:
    return "".join(r.text for r in runs_of(p))


# -- finding the words (plain functions over texts) ------------------------------------------

@dataclass(frozen=True)
class Index:
    """The characters of some texts that count (``counted``), each with its text and offset there."""

    chars: str
    texts: tuple[int, ...]
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, texts) -> Index:
        found = [(i, j, c) for i, t in enumerate(texts) for j, c in counted(t)]
        return cls("".join(c for _, _, c in found), tuple(i for i, _, _ in found), tuple(j for _, j, _ in found))

    def find_all(self, words: str) -> list[int]:
        out, at = [], self.chars.find(words)
        while at >= 0:
            out.append(at)
            at = self.chars.find(words, at + 1)
        return out

    def spans(self, at: int, n: int) -> list[Span]:
        """The characters at..at+n, as one span per text they lie in."""
        out: list[Span] = []
        for i, j in zip(self.texts[at:at + n], self.offsets[at:at + n]):
            if out and out[-1].para == i:
                out[-1] = Span(i, out[-1].start, j + 1)
            else:
                out.append(Span(i, j, j + 1))
        return out


def counted(text: str) -> list[tuple[int, str]]:
    """(offset, character) of each character that counts when words are matched: not whitespace,
    not invisible (``normalize.invisible_pattern``, which the analysis drops from its quotes),
    not one that XML cannot hold."""
    hidden = {m.start() for pattern in (invisible_pattern(), XML_UNSAFE) for m in pattern.finditer(text)}
    return [(m.start(), m.group()) for m in NOT_SPACE.finditer(text) if m.start() not in hidden]


def bare(text: str) -> str:
    """The characters of ``text`` that count when words are matched (``counted``)."""
    return "".join(c for _, c in counted(text))


def locate(quote: str, start: int, doc: Index, paras: Index) -> list[Span]:
    """Where a finding's words (``quote``, at ``start`` in the analysed text) are in the
    paragraphs: the same occurrence, in characters that count; [] when they are not there."""
    words = bare(quote)
    hits = paras.find_all(words) if words else []
    if not hits:
        return []
    before = bisect.bisect_left(doc.offsets, start)
    k = sum(1 for at in doc.find_all(words) if at < before)
    return paras.spans(hits[min(k, len(hits) - 1)], len(words))


def main_part(parts: list[Span], texts) -> Span:
    """The part of words over several paragraphs to mark: the longest that holds a sentence."""
    def weight(s: Span):
        part = texts[s.para][s.start:s.end]
        return any(c in SENTENCE_MARKS for c in part), len(bare(part))
    return max(parts, key=weight)


def plan(points, findings, doc_text: str, texts) -> Plan:
    """Where each issue's comment goes and which words each change replaces.

    The comment is on the words of the issue's first finding found; every finding of the issue gets a
    change, its clause's first one the ask and the others a deletion (the ask stands once in a
    clause). Changes whose words overlap are one change with every ask; a comment on words a
    change replaces covers the whole change, so that it stays on the ask once changes are
    accepted."""
    doc, paras = Index.of([doc_text]), Index.of(texts)
    anchors, changes, unanchored, notes = [], [], [], []
    for n, (g, p) in enumerate(points):
        places = [locate(findings[i].quote, findings[i].start, doc, paras) for i in g.members]
        first = next((parts for parts in places if parts), None)
        if first is None:
            unanchored.append(Note(p.label, p.clause, WORDS_NOT_FOUND))
            continue
        span = main_part(first, texts)
        if len(first) > 1:
            notes.append(Note(p.label, p.clause, _over_paragraphs(first, span, texts)))
        anchors.append((n, span))
        if p.regulatory:
            continue
        if not p.ask:
            notes.append(Note(p.label, p.clause, "no wording to propose for this point; comment only"))
            continue
        changes += _changes(n, p.ask, [findings[i].clause_id for i in g.members], places, texts)
    merged = merge(changes)
    return Plan(tuple((n, widen(s, merged)) for n, s in anchors), merged, tuple(unanchored), tuple(notes))


def _over_paragraphs(parts: list[Span], marked: Span, texts) -> str:
    rest = " / ".join(texts[s.para][s.start:s.end].strip() for s in parts if s != marked)
    rest = rest if len(rest) <= 30 else rest[:30] + "…"
    return f"its words run over {len(parts)} paragraphs; marked in the one holding the sentence, not in 「{rest}」"


def _changes(issue: int, ask: str, clause_ids, places, texts) -> list[Change]:
    out, asked = [], set()
    for clause_id, parts in zip(clause_ids, places):
        if parts:
            out.append(Change(main_part(parts, texts), () if clause_id in asked else (ask,), (issue,)))
            asked.add(clause_id)
    return out


def merge(changes) -> tuple[Change, ...]:
    """Changes whose words overlap, as one: the words of all, the asks of all (each once)."""
    out: list[Change] = []
    for c in sorted(changes, key=lambda c: (c.span.para, c.span.start, c.span.end)):
        last = out[-1] if out else None
        if last and last.span.para == c.span.para and c.span.start < last.span.end:
            span = Span(c.span.para, last.span.start, max(last.span.end, c.span.end))
            out[-1] = Change(span, tuple(dict.fromkeys(last.asks + c.asks)),
                             tuple(dict.fromkeys(last.issues + c.issues)))
        else:
            out.append(c)
    return tuple(out)


def widen(span: Span, changes) -> Span:
    """The span, grown to cover every change whose words it overlaps."""
    for c in changes:
        s = c.span
        if s.para == span.para and s.start < span.end and span.start < s.end:
            span = Span(span.para, min(span.start, s.start), max(span.end, s.end))
    return span


# -- making the marks ------------------------------------------------------------------------

def mark(document, paras, p: Plan, points, *, author: str, compared: bool) -> tuple[int, tuple[Note, ...]]:
    """Add the plan's comments and changes to the document → (changes made, changes refused)."""
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run
    spans = [s for _, s in p.anchors] + [c.span for c in p.changes]
    for i in sorted({s.para for s in spans}):
        split_runs(paras[i], sorted({x for s in spans if s.para == i for x in (s.start, s.end)}))
    runs = {s: runs_in(paras[s.para], s) for s in spans}
    for n, s in p.anchors:
        paragraph = Paragraph(paras[s.para], document)
        document.add_comment([Run(r, paragraph) for r in runs[s]], text=comment_text(points[n], compared=compared),
                             author=author, initials=initials(author))
    ids = itertools.count(next_id(document))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    refused = [c for c in p.changes if any(_has_field(r) for r in runs[c.span])]
    for c in p.changes:
        if c not in refused:
            track_change(runs[c.span], c.asks, ids, author=author, date=stamp)
    return len(p.changes) - len(refused), tuple(Note(points[n].label, points[n].clause, FIELD_IN_WORDS)
                                                for c in refused for n in c.issues)


def comment_text(p, *, compared: bool) -> str:
    """What a comment says: what (label, severity, clause), why, legal basis, ask, reference."""
    kind = REGULATORY if p.regulatory else f"{SEVERITY_CN[p.severity]}风险"
    lines = [f"【{p.label}·{kind}】条款 {p.clause}"]
    for key, title in COMMENT_FIELDS:
        value = getattr(p, key)
        if value and (key != "reference" or compared):
            lines.append(f"{title}：{value}")
    if p.regulatory:
        lines.append(REGULATORY_NOTE)
    return XML_UNSAFE.sub("", "\n".join(lines))


def initials(author: str) -> str:
    return "".join(w[0] for w in author.split())[:3].upper()


def split_runs(p, cuts) -> None:
    """Split the paragraph's runs so that each offset of ``cuts`` falls between two runs."""
    for cut in cuts:
        at = 0
        for r in runs_of(p):
            n = len(r.text)
            if at < cut < at + n:
                split_run(r, cut - at)
                break
            at += n


def split_run(r, k: int) -> None:
    """Split a run in two at character ``k`` of its text; both pieces keep its properties."""
    from docx.oxml.ns import qn
    right = copy.deepcopy(r)
    at = 0
    for mine, theirs in zip(list(r), list(right)):
        if mine.tag == qn("w:rPr"):
            continue
        n = len(_text_of(mine))
        if at + n <= k:
            right.remove(theirs)
        elif at >= k:
            r.remove(mine)
        else:  # a w:t across the cut
            text = mine.text
            mine.text, theirs.text = text[:k - at], text[k - at:]
            for t in (mine, theirs):
                t.set(qn("xml:space"), "preserve")
        at += n
    r.addnext(right)


def _text_of(child) -> str:
    """A run child's share of the run's text, as python-docx reads it (w:t, w:tab, w:br…)."""
    from docx.oxml.ns import qn
    return str(child) if child.tag in {qn(f"w:{t}") for t in TEXT_TAGS} else ""


def runs_in(p, s: Span) -> list:
    """The paragraph's runs whose text lies within the span (its runs are split at its ends)."""
    out, at = [], 0
    for r in runs_of(p):
        n = len(r.text)
        if s.start <= at and at + n <= s.end and (n or s.start < at < s.end):
            out.append(r)
        at += n
    return out


def _has_field(r) -> bool:
    from docx.oxml.ns import qn
    return any(r.find(qn(f"w:{t}")) is not None for t in FIELD_TAGS)


def next_id(document) -> int:
    """An id above every w:id of the body (comments, bookmarks, revisions)."""
    from docx.oxml.ns import qn
    key = qn("w:id")
    ids = [int(v) for e in document.element.body.iter() if (v := e.get(key)) is not None and v.isdigit()]
    return max(ids, default=0) + 1


def track_change(runs, asks, ids, *, author: str, date: str) -> None:
    """The runs as a tracked deletion, and the asks as a tracked insertion after them."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    stamp = {qn("w:author"): author, qn("w:date"): date}
    last = None
    for group in sibling_groups(runs):
        last = OxmlElement("w:del", attrs={qn("w:id"): str(next(ids)), **stamp})
        group[0].addprevious(last)
        for r in group:
            last.append(r)
            as_deleted(r)
    if asks and last is not None:
        ins = OxmlElement("w:ins", attrs={qn("w:id"): str(next(ids)), **stamp})
        ins.append(new_run(XML_UNSAFE.sub("", "".join(asks)), runs[0]))
        _in_paragraph(last).addnext(ins)


def sibling_groups(runs) -> list[list]:
    """The runs in groups of runs that follow each other directly."""
    groups: list[list] = []
    for r in runs:
        if groups and groups[-1][-1].getnext() is r:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def as_deleted(r) -> None:
    """A run's text as deleted text (w:t → w:delText)."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    for t in r.findall(qn("w:t")):
        gone = OxmlElement("w:delText")
        gone.text = t.text
        gone.set(qn("xml:space"), "preserve")
        r.replace(t, gone)


def new_run(text: str, model):
    """A run of ``text`` with the properties of ``model`` (less its own revision marks)."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    r = OxmlElement("w:r")
    if model.rPr is not None:
        props = copy.deepcopy(model.rPr)
        for mark_ in props.findall(qn("w:rPrChange")) + props.findall(qn("w:ins")) + props.findall(qn("w:del")):
            props.remove(mark_)
        r.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    r.append(t)
    return r


def _in_paragraph(element):
    """The element, or its ancestor that is a child of the paragraph (out of a hyperlink)."""
    from docx.oxml.ns import qn
    while element.getparent().tag != qn("w:p"):
        element = element.getparent()
    return element


def save(document, out: Path) -> None:
    """Write the document to ``out`` whole or not at all."""
    buffer = io.BytesIO()
    document.save(buffer)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{printable(out)}: cannot be written ({e.strerror or type(e).__name__}); "
                          "choose another output file") from None
