"""path → Document. The only module that reads input files.

The format is decided by the file's content first (PDF, ZIP/DOCX, HTML, images) and its suffix
second; text is decoded from a BOM, strict UTF-8, UTF-8 mixed with GB18030 line by line, or the
encoding detected (see ``detect``).

Every reader is bounded in time and memory by the limits below, checked before the expensive
step: the file's size before it is read, the decompressed size of a .docx's XML and of a PDF's
streams before they are parsed, the pages and characters of a PDF as they are read, the nesting
of HTML as it is parsed. Past a limit the file is refused with an InputError that says what to do.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import codecs
import errno
import hashlib
import io
import os
import re
import stat
import threading
import zipfile
import zlib
from pathlib import Path

from .errors import InputError, NeedsOCR, UnsupportedFormat, printable
from .model import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

# The limits (the README's "Limits" section states them). The size limit is the caller's
# (``max_bytes``, --max-mb); the others hold whatever it is.
MAX_BYTES = 20 * 2**20
DOCX_MAX_EXPANDED = 200 * 2**20   # all parts of a .docx, decompressed (images included)
DOCX_MAX_XML = 32 * 2**20         # its XML parts (document.xml, styles, headers…), decompressed
PDF_MAX_PAGES = 2000
PDF_MAX_PAGE_CHARS = 100_000      # characters on one page
PDF_MAX_CHARS = 10_000_000        # characters in the whole PDF
PDF_MAX_OBJECTS = 3_000_000       # text runs, paths and images drawn, over all pages
PDF_MAX_INFLATED = 48 * 2**20     # all streams but images, decompressed
PDF_MAX_SLOW_FILTERS = 2**20      # LZW and RunLength data (legacy filters), compressed
HTML_MAX_DEPTH = 256              # nested elements; libxml2's own limit, which stops the parse

_IMAGE_MAGIC = {b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
                b"II*\x00": "TIFF image", b"MM\x00*": "TIFF image"}
_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))

# A Markdown note that wraps an original: YAML front matter, then the original in a fenced block.
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
FENCE_OPEN = re.compile(r"(?P<fence>```|~~~)[ \t]*[\w-]*[ \t]*")   # one whole line
FENCE_CLOSE = re.compile(r"(?P<fence>```|~~~)[ \t]*")              # one whole line
ORIGINAL_INTRO = re.compile(r"原始|原文|original|存档", re.I)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read one file into a Document, or raise an InputError that says what to do."""
    path = Path(path)
    source = printable(path)
    data = read_bounded(path, max_bytes=max_bytes)
    if not data:
        raise InputError(source, "is empty (0 bytes), it contains no text", "check that the export or copy worked")
    kind = sniff(data, path.suffix.lower(), source)
    reader = {"text": _read_text, "docx": _read_docx, "pdf": _read_pdf, "html": _read_html}[kind]
    text, fmt, meta = reader(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise InputError(source, "contains no text", "check that it is the contract and not an empty export")
    return Document(source=source, sha256=sha256_of(data), text=text, format=fmt, metadata=meta)


def read_bounded(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``: the size is checked before reading,
    and no more than ``max_bytes + 1`` bytes are ever read (a file may grow, or lie about its size).
    Pipes, devices and sockets are refused without being opened for long: they could block or
    never end."""
    source = printable(path)
    try:
        _check_regular(os.stat(path), source, max_bytes)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise _open_error(e, path) from None
    with open(fd, "rb") as fh:
        _check_regular(os.fstat(fd), source, max_bytes)  # the same file as the one stat'ed
        try:
            data = fh.read(max_bytes + 1)
        except OSError as e:
            raise _open_error(e, path) from None
    if len(data) > max_bytes:
        raise _too_big(source, len(data), max_bytes)
    return data


def _check_regular(st: os.stat_result, source: str, max_bytes: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(source, "is a folder", "pass the files in it, or use `analyzer compare DIR`")
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "a special file")
        raise InputError(source, f"is not a regular file ({what})", "save the contract to a file and pass that")
    if st.st_size > max_bytes:
        raise _too_big(source, st.st_size, max_bytes)


def _too_big(source: str, size: int, max_bytes: int) -> InputError:
    return InputError(source, f"is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit",
                      "split it, or raise the limit with --max-mb")


def _open_error(e: OSError, path: Path) -> InputError:
    source = printable(path)
    if e.errno == errno.ELOOP:
        return InputError(source, "is a symbolic link that loops (it leads back to itself)",
                          "fix or remove the link and pass the contract file")
    if e.errno == errno.ENOENT:
        if path.is_symlink():
            return InputError(source, "is a symbolic link to a file that does not exist", "fix the link")
        return InputError(source, "no such file", "check the path")
    if e.errno == errno.EISDIR:
        return InputError(source, "is a folder", "pass the files in it, or use `analyzer compare DIR`")
    return InputError(source, f"cannot be read ({e.strerror or type(e).__name__})",
                      "check that it exists and that you may read it")


def sniff(data: bytes, suffix: str, source: str = "<input>") -> str:
    """Decide the reader from magic bytes, then the suffix."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    for magic, what in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            raise NeedsOCR(source, f"is a {what}, not text",
                           "run OCR on it and pass the text or a searchable PDF")
    if suffix in PDF_SUFFIXES or suffix in DOCX_SUFFIXES:
        return "pdf" if suffix in PDF_SUFFIXES else "docx"
    lead = data[:512].lstrip().lower()
    if suffix in HTML_SUFFIXES or lead.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix in {".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf", ".odt", ".pages"}:
        raise UnsupportedFormat(source, f"{suffix} files are not read",
                                "save it as .docx, .pdf or .txt and pass that")
    return "text"


# ---------------------------------------------------------------------------------------------
# Text encodings

# The double-byte encodings of East Asian text, in order of preference on a tie, each with the
# ranges (first two bytes, inclusive) of its most common characters: a text in that encoding
# has nearly all its characters there, while the same bytes read in another of these encodings
# fall mostly outside (GBK read as Big5, Big5 read as GBK, Shift-JIS read as either).
COMMON_BLOCKS = {
    "gb18030": ((0xA1A1, 0xA3FE), (0xB0A1, 0xD7FE)),    # punctuation, full-width forms; level-1 Hanzi
    "big5": ((0xA140, 0xA3BF), (0xA440, 0xC67E)),       # symbols; frequent Hanzi (常用字)
    "shift_jis": ((0x8140, 0x84BE), (0x889F, 0x9872)),  # symbols, kana; level-1 Kanji
}
COMMON_SHARE = 0.5          # below this share no double-byte encoding is taken without charset-normalizer
_SAMPLE = 64 * 2**10        # bytes scored (and given to charset-normalizer) per candidate
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding): a BOM, then strict UTF-8, then UTF-8 lines mixed with GB18030
    lines, then UTF-16 without a BOM, then detection (``detect``). ValueError when none fits."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_lines(data)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    if _looks_utf16(data):
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                continue
    enc = detect(data)
    return data.decode(enc), enc


def detect(data: bytes) -> str:
    """The encoding of bytes that are neither UTF-8 nor UTF-16. charset-normalizer confuses the
    East Asian double-byte encodings on short texts (GBK read as Big5 or cp949), so among those
    the one whose characters lie most in its own common block wins (COMMON_BLOCKS): Big5 is read
    as Big5, GBK as GB18030, Shift-JIS as Shift-JIS. Bytes that none of them reads well enough go
    to charset-normalizer; what it cannot read either, to the best double-byte reading left.
    ValueError when nothing decodes."""
    scored = sorted(((share, -rank, enc) for rank, enc in enumerate(COMMON_BLOCKS)
                     if (share := common_share(data, enc)) is not None), reverse=True)
    from charset_normalizer import from_bytes
    best = from_bytes(data[:_SAMPLE]).best()
    guess = [best.encoding] if best is not None else []
    candidates = ([enc for share, _, enc in scored if share >= COMMON_SHARE] + guess
                  + [enc for share, _, enc in scored if share < COMMON_SHARE])
    for enc in candidates:
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    raise ValueError("undecodable")


def common_share(data: bytes, encoding: str) -> float | None:
    """Share of the non-ASCII characters of ``data`` that are in ``encoding``'s common block;
    None when the bytes are not text in that encoding."""
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(data[:_SAMPLE], final=len(data) <= _SAMPLE)
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ch >= "\x80"]
    if not wide:
        return None
    blocks = COMMON_BLOCKS[encoding]
    common = sum(1 for ch in wide if _in_blocks(ch.encode(encoding), blocks))
    return common / len(wide)


def _in_blocks(b: bytes, blocks) -> bool:
    code = int.from_bytes(b, "big") if len(b) == 2 else -1
    return any(lo <= code <= hi for lo, hi in blocks)


def _decode_lines(data: bytes) -> str | None:
    """Text whose lines are partly UTF-8 and partly GBK (files pasted together): line by line.

    A line that reads both ways is UTF-8 only when most of its non-ASCII characters are beyond
    U+07FF (Hanzi and the like): GBK bytes that happen to be valid UTF-8 read as Latin, Greek or
    Cyrillic letters. None unless both kinds are really there."""
    lines = data.split(b"\n")
    out, utf8, gbk = [], 0, 0
    for line in lines:
        try:
            text = line.decode("utf-8")
            wide = [ch for ch in text if ch >= "\x80"]
            if wide and sum(ch < "\u0800" for ch in wide) * 2 >= len(wide) and _gb18030(line) is not None:
                raise UnicodeDecodeError("utf-8", line, 0, len(line), "GBK read as UTF-8")
            out.append(text)
            utf8 += bool(wide)
        except UnicodeDecodeError:
            text = _gb18030(line)
            if text is None:
                return None
            out.append(text)
            gbk += 1
    return "\n".join(out) if utf8 and gbk else None


def _gb18030(line: bytes) -> str | None:
    try:
        return line.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    return max(zeros_even, zeros_odd) > len(sample) // 6


def readable_text(text: str) -> bool:
    """Most characters of a contract are Hanzi, letters, digits, punctuation and spaces."""
    if not text:
        return False
    return len(_UNREADABLE.findall(text)) / len(text) < 0.02


# control characters other than line breaks and tabs, private-use characters, replacement marks
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")


def _read_text(data: bytes, source: str) -> tuple[str, str, dict]:
    try:
        text, enc = decode(data)
    except ValueError:
        raise InputError(source, "is not text in any encoding the analyzer knows",
                         "save it as UTF-8 text, .docx or .pdf")
    if not text.replace("\x00", "").strip():
        raise InputError(source, "contains no text", "check that it is the contract and not an empty export")
    if not readable_text(text.replace("\x00", "")):
        raise InputError(source, "does not look like text (binary content)",
                         "pass the contract as .txt, .docx or .pdf")
    meta: dict = {"encoding": enc}
    fmt = "text"
    wrapped = unwrap_note(text)
    if wrapped is not None:
        text, meta2 = wrapped
        meta.update(meta2)
        fmt = "markdown-note"
    return text, fmt, meta


# ---------------------------------------------------------------------------------------------
# Markdown notes

def unwrap_note(text: str) -> tuple[str, dict] | None:
    """A note with front matter and the original in a fenced block → (original, metadata).

    The note's own words (an AI summary, to-dos) are kept as metadata and never analyzed.
    Returns None when the text is not such a note.
    """
    text = text.replace("\r\n", "\n")
    fm = FRONT_MATTER.match(text)
    blocks = fenced_blocks(text)
    if not blocks:
        return None
    start, body_start, body_end = max(blocks, key=lambda b: b[2] - b[1])
    # the fenced block must be the original: the largest part of the note, or introduced as such
    before = text[:start]
    intro = ORIGINAL_INTRO.search(before[-300:])
    if not (fm or intro) or (body_end - body_start < 0.3 * len(text) and not intro):
        return None
    meta = {
        "front_matter": fm.group(1) if fm else "",
        "summary": before[fm.end() if fm else 0:].strip(),
        "wrapper_offset": body_start,
    }
    return text[body_start:body_end], meta


def fenced_blocks(text: str) -> list[tuple[int, int, int]]:
    """Fenced blocks as (start, body start, body end) offsets, in one pass over the lines.

    A block opens on a line holding only ``` or ~~~ and maybe a language, and closes on the first
    line after the next one that holds only the same fence; the next block is sought after it."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    closing: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if m := FENCE_CLOSE.fullmatch(line):
            closing.setdefault(m["fence"], []).append(i)
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE_OPEN.fullmatch(lines[i])
        ends = closing.get(m["fence"], []) if m else []
        k = bisect.bisect_left(ends, i + 2)
        if k == len(ends):
            i += 1
            continue
        j = ends[k]
        blocks.append((starts[i], starts[i + 1], starts[j] - 1))
        i = j + 1
    return blocks


# ---------------------------------------------------------------------------------------------
# DOCX

def _check_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """The archive, once its decompressed sizes are known to be within the limits: those its
    headers declare, and for the XML parts those that really come out of them."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _damaged_docx(source, "not a valid ZIP archive")
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise _damaged_docx(source, "compressed in a way Word does not use")
    total = sum(i.file_size for i in infos)
    if total > DOCX_MAX_EXPANDED or any(i.compress_size and i.file_size / i.compress_size > 200 for i in infos
                                        if i.file_size > 10 * 2**20):
        raise _docx_bomb(source, total)
    if "word/document.xml" not in {i.filename for i in infos}:
        raise UnsupportedFormat(source, "is a ZIP archive but not a Word document",
                                "unpack it and pass the contract inside")
    xml = [i for i in infos if i.filename.lower().endswith((".xml", ".rels"))]
    if sum(i.file_size for i in xml) > DOCX_MAX_XML:
        raise _docx_xml_too_big(source, sum(i.file_size for i in xml))
    streamed = 0
    try:
        for info in xml:
            with zf.open(info) as part:
                while chunk := part.read(2**20):
                    streamed += len(chunk)
                    if streamed > DOCX_MAX_XML:
                        raise _docx_xml_too_big(source, streamed)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        raise _damaged_docx(source, f"a part cannot be unpacked: {type(e).__name__}")
    return zf


def _damaged_docx(source: str, why: str) -> InputError:
    return InputError(source, f"is a damaged .docx ({why})", "open it in Word and save it again, or pass a PDF")


def _docx_bomb(source: str, size: int) -> InputError:
    return InputError(source, f"expands to {size / 2**20:.0f} MB (a ZIP bomb or not a document)",
                      "check where it came from; pass the contract as .docx or .pdf")


def _docx_xml_too_big(source: str, size: int) -> InputError:
    return InputError(source, f"holds over {size / 2**20:.0f} MB of Word XML, over the "
                              f"{DOCX_MAX_XML / 2**20:g} MB limit (not a contract, or bloated by its editor)",
                      "save it again from Word, or pass it as PDF or text")


def _read_docx(data: bytes, source: str) -> tuple[str, str, dict]:
    _check_zip(data, source)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds on damaged parts
        raise _damaged_docx(source, type(e).__name__)
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = cell.text.replace("\n", " ").strip()
                    if not cells or cells[-1] != t:  # merged cells repeat their text
                        cells.append(t)
                lines.append("\t".join(cells))
    return "\n".join(lines), "docx", {}


# ---------------------------------------------------------------------------------------------
# PDF

STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
PDF_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
IMAGE_DICT = re.compile(rb"/Subtype\s*/Image\b")
PDF_SPACE = re.compile(rb"\s+")
_FLATE = {b"FlateDecode", b"Fl"}
_SLOW = {b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL"}
_PDFIUM = threading.Lock()  # PDFium is not thread-safe


class _TooLarge(Exception):
    pass


def _read_pdf(data: bytes, source: str) -> tuple[str, str, dict]:
    _check_pdf_streams(data, source)
    import pypdfium2 as pdfium
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            if "password" in str(e).lower():
                raise InputError(source, "is an encrypted PDF", "remove the password and pass it again")
            raise InputError(source, "is a damaged PDF (PDFium cannot open it)", "open and re-save it, or pass its text")
        try:
            pages = _pdf_pages(pdf, source)
        finally:
            pdf.close()
    if not pages:
        raise _broken_pdf(source, "it has no pages that can be read")
    if not "".join(pages).strip():
        raise NeedsOCR(source, f"is a PDF with no text layer ({len(pages)} page(s) of images)",
                       "run OCR on it (e.g. ocrmypdf) and pass the result")
    return "\n".join(pages), "pdf", {"pages": len(pages)}


def _broken_pdf(source: str, why: str) -> InputError:
    return InputError(source, f"is a broken PDF ({why}: its page tree or cross-reference table is damaged "
                              "or loops)", "open and re-save it (print to PDF), or pass its text")


def _pdf_pages(pdf, source: str) -> list[str]:
    """The text of each page, refusing the file past the page, object and character limits."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    if len(pdf) > PDF_MAX_PAGES:
        raise InputError(source, f"has {len(pdf)} pages, over the {PDF_MAX_PAGES} page limit",
                         "split it and pass the part that holds the contract")
    pages, total, drawn = [], 0, 0
    for n in range(len(pdf)):
        try:
            page = pdf[n]
        except pdfium.PdfiumError:
            raise _broken_pdf(source, f"page {n + 1} of {len(pdf)} cannot be read") from None
        try:
            drawn += pdfium_c.FPDFPage_CountObjects(page.raw)
            if drawn > PDF_MAX_OBJECTS:
                raise InputError(source, f"draws over {PDF_MAX_OBJECTS:,} objects by page {n + 1}, over the limit "
                                         "(not a contract)", "pass the contract's text, or a PDF of it printed again")
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            if chars > PDF_MAX_PAGE_CHARS:
                raise InputError(source, f"has {chars:,} characters on page {n + 1}, over the "
                                         f"{PDF_MAX_PAGE_CHARS:,} per page limit (not a contract page)",
                                 "pass the contract's text, or a PDF of it printed again")
            total += chars
            if total > PDF_MAX_CHARS:
                raise InputError(source, f"has over {PDF_MAX_CHARS:,} characters, over the limit",
                                 "split it and pass the part that holds the contract")
            pages.append(textpage.get_text_range() if chars else "")
            textpage.close()
        finally:
            page.close()
    return pages


def _check_pdf_streams(data: bytes, source: str) -> None:
    """Refuse a PDF whose streams (other than images, which are not decoded to read text)
    decompress to more than PDF_MAX_INFLATED bytes. Each stream is inflated in bounded steps and
    the output thrown away, so measuring costs neither the memory nor the time of a bomb. Every
    `stream` keyword is measured, even one inside another stream's data (objects may overlap)."""
    budget = [PDF_MAX_INFLATED, PDF_MAX_SLOW_FILTERS]
    view = memoryview(data)
    try:
        for m in STREAM_START.finditer(data):
            head = data[max(0, m.start() - 4096):m.start()]
            head = head[head.rfind(b"obj"):] if b"obj" in head else head
            if not IMAGE_DICT.search(head):
                _decode_bounded(view[m.end():], _filters(head), budget)
    except _TooLarge as e:
        raise InputError(source, f"decompresses to more than {e.args[0]} (a decompression bomb, "
                                 "or not a contract)", "pass the contract's text, or a PDF of it printed again")


def _filters(head: bytes) -> list[bytes]:
    m = FILTER.search(head)
    if m:
        return PDF_NAME.findall(m.group(1))
    return [b"FlateDecode"] if b"/Filter" in head else []  # an indirect filter: try inflating


def _decode_bounded(payload: memoryview, filters: list[bytes], budget: list[int]) -> None:
    """Decode a stream through its filters within the budget; _TooLarge past it. Only the output
    that feeds a further filter is kept."""
    for n, name in enumerate(filters):
        keep = n < len(filters) - 1
        if name in _FLATE:
            out = _inflate(payload, budget, keep)
        elif name in _SLOW:
            out = _slow_filter(payload, name, budget, keep)
        elif name in (b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"):
            out = _ascii_filter(payload, name, budget)
        else:
            return  # image codecs and the rest are not decoded to read text
        payload = memoryview(out)


def _inflate(payload: memoryview, budget: list[int], keep: bool) -> bytes:
    kept = []
    try:
        for out in _inflated_chunks(payload):
            _spend(budget, 0, len(out))
            if keep:
                kept.append(out)
    except zlib.error:
        pass  # not (or no longer) Flate data: PDFium stops there too
    return b"".join(kept)


def _inflated_chunks(payload: memoryview, step: int = 2**16, most: int = 2**20):
    """Flate data → its output, at most ``most`` bytes at a time, until the end of the data."""
    d = zlib.decompressobj()
    for at in range(0, len(payload), step):
        yield d.decompress(payload[at:at + step], most)
        while d.unconsumed_tail and not d.eof:
            yield d.decompress(d.unconsumed_tail, most)
        if d.eof:
            return


def _slow_filter(payload: memoryview, name: bytes, budget: list[int], keep: bool) -> bytes:
    """LZW and RunLength are measured in Python: their compressed bytes have a budget of their own."""
    raw = payload[:budget[1] + 1]
    size, used = (lzw_size if name.startswith(b"LZW") else rle_size)(raw, budget[0] + 1)
    _spend(budget, 1, used)
    _spend(budget, 0, size)
    if not keep:
        return b""
    from pdfminer.lzw import lzwdecode  # a chain that goes on after LZW or RunLength: rare
    from pdfminer.runlength import rldecode
    return (lzwdecode if name.startswith(b"LZW") else rldecode)(bytes(raw[:used]))


def _ascii_filter(payload: memoryview, name: bytes, budget: list[int]) -> bytes:
    """ASCIIHex or ASCII85 data up to its end mark (the bytes looked at are spent from the budget);
    the output is at most 4 times the input."""
    hexa = name.startswith(b"AH")
    mark = b">" if hexa else b"~>"
    end, step = len(payload), 2**16
    for at in range(0, len(payload), step):  # look for the end mark without copying the rest
        _spend(budget, 0, step)
        found = bytes(payload[at:at + step + 1]).find(mark)
        if found >= 0:
            end = at + found
            break
    body = PDF_SPACE.sub(b"", bytes(payload[:end]))
    try:
        return binascii.unhexlify(body + b"0" * (len(body) % 2)) if hexa else base64.a85decode(body)
    except (ValueError, binascii.Error):
        return b""


_BUDGETS = (f"{PDF_MAX_INFLATED / 2**20:g} MB", f"{PDF_MAX_SLOW_FILTERS / 2**20:g} MB of LZW or RunLength data")


def _spend(budget: list[int], which: int, amount: int) -> None:
    budget[which] -= amount
    if budget[which] < 0:
        raise _TooLarge(_BUDGETS[which])


def lzw_size(raw: bytes, limit: int) -> tuple[int, int]:
    """(decoded size, bytes used) of PDF LZW data (early change), counting lengths only."""
    size, lengths, prev, acc, nacc, width = 0, [1] * 256 + [0, 0], None, 0, 0, 9
    for used, byte in enumerate(raw, 1):
        acc, nacc = (acc << 8) | byte, nacc + 8
        while nacc >= width:
            nacc -= width
            code, acc = acc >> nacc, acc & ((1 << nacc) - 1)
            if code == 257:
                return size, used
            if code == 256:
                lengths, prev, width = lengths[:258], None, 9
                continue
            if prev is not None and len(lengths) < 4096:
                lengths.append(lengths[prev] + 1)
            if code >= len(lengths):
                return size, used  # damaged: PDFium stops there too
            size += lengths[code]
            if size > limit:
                return size, used
            prev = code
            width = min(12, max(9, (len(lengths) + 1).bit_length()))
    return size, len(raw)


def rle_size(raw: bytes, limit: int) -> tuple[int, int]:
    """(decoded size, bytes used) of RunLength data, counting lengths only."""
    size, i = 0, 0
    while i < len(raw) and raw[i] != 128 and size <= limit:
        n = raw[i]
        size, i = (size + n + 1, i + n + 2) if n < 128 else (size + 257 - n, i + 2)
    return size, min(i + 1, len(raw))


# ---------------------------------------------------------------------------------------------
# HTML

HTML_DROPPED = ("script", "style", "noscript", "template")
HTML_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "pre")
HTML_CONTAINERS = ("p", "li", "tr", "div", "pre", "table")  # a block holding one is read through it


def _read_html(data: bytes, source: str) -> tuple[str, str, dict]:
    from lxml import etree, html
    try:
        text, enc = decode(data)
    except ValueError:
        raise InputError(source, "is HTML in an unknown encoding", "save it as UTF-8")
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    try:
        root = etree.fromstring(text.encode("utf-8"), parser) if text.strip() else None
    except etree.LxmlError as e:
        raise InputError(source, f"is damaged HTML ({type(e).__name__})", "save it again, or pass it as text")
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if any("depth" in m for m in limits):
        raise InputError(source, f"nests HTML elements more than {HTML_MAX_DEPTH} deep (not a document a "
                                 "person wrote)", "save it as text or PDF from a browser and pass that")
    if limits:
        raise InputError(source, f"is beyond a limit of the HTML reader ({limits[0].strip()})",
                         "save it as text or PDF from a browser and pass that")
    if root is None:
        return "", "html", {"encoding": enc}
    for el in list(root.iter(*HTML_DROPPED)):
        el.drop_tree()  # keeps the text that follows it
    for br in list(root.iter("br")):
        br.tail = "\n" + (br.tail or "")
        br.drop_tree()
    blocks = html_blocks(root)
    return "\n".join(b for b in blocks if b) or "\n".join(root.itertext()), "html", {"encoding": enc}


def html_blocks(root) -> list[str]:
    """The text of each innermost block (a block holding no paragraph, item, row, div, pre or
    table), in document order; a block inside one already read is not read again. Linear in the
    number of elements, whatever their nesting."""
    outer = set()  # elements holding a container
    for el in root.iter(*HTML_CONTAINERS):
        for up in el.iterancestors():
            if up in outer:
                break  # its ancestors were marked with it
            outer.add(up)
    blocks, read = [], set()
    for el in root.iter(*HTML_BLOCKS):
        if el in outer or el in read:
            continue
        read.update(el.iter(*HTML_BLOCKS))
        if el.tag == "tr":
            blocks.append("\t".join(" ".join(s.strip() for s in c.itertext() if s.strip())
                                    for c in el.iter("td", "th")))
        else:
            blocks.append("".join(el.itertext()).strip())
    return blocks
