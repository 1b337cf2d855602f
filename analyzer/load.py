"""path → Document. The only module that reads input files.

The format is decided by the file's content first (PDF, ZIP/DOCX, HTML, images) and its suffix
second; text is decoded from BOM, UTF-8, or the encoding charset-normalizer detects.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from .errors import InputError, NeedsOCR, UnsupportedFormat
from .model import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

_IMAGE_MAGIC = {b"\x89PNG": "PNG image", b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image",
                b"II*\x00": "TIFF image", b"MM\x00*": "TIFF image"}

# A Markdown note that wraps an original: YAML front matter, then the original in a fenced block.
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
FENCE = re.compile(r"^(?P<fence>```|~~~)[ \t]*(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
                   re.S | re.M)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: str | Path, *, max_bytes: int = 20 * 2**20) -> Document:
    """Read one file into a Document, or raise an InputError that says what to do."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(source, "is a folder", "pass the files in it, or use `analyzer compare DIR`")
    except FileNotFoundError:
        raise InputError(source, "no such file", "check the path")
    except OSError as e:
        raise InputError(source, f"cannot be read ({e.strerror})", "check its permissions")
    if len(data) > max_bytes:
        raise InputError(source, f"is {len(data) / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit",
                         "split it, or raise the limit with --max-mb")
    if not data:
        raise InputError(source, "is empty (0 bytes), it contains no text", "check that the export or copy worked")
    kind = sniff(data, path.suffix.lower(), source)
    reader = {"text": _read_text, "docx": _read_docx, "pdf": _read_pdf, "html": _read_html}[kind]
    text, fmt, meta = reader(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise InputError(source, "contains no text", "check that it is the contract and not an empty export")
    return Document(source=source, sha256=sha256_of(data), text=text, format=fmt, metadata=meta)


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


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). BOMs first, then strict UTF-8, then detection."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
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
    for enc in ("gb18030",):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("undecodable")
    return str(best), best.encoding


def _decode_lines(data: bytes) -> str | None:
    """Text whose lines are partly UTF-8 and partly GBK (files pasted together): line by line.

    None unless both kinds are really there."""
    lines = data.split(b"\n")
    out, utf8, gbk = [], 0, 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            utf8 += any(b >= 0x80 for b in line)
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
                gbk += 1
            except UnicodeDecodeError:
                return None
    return "\n".join(out) if utf8 and gbk else None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    return max(zeros_even, zeros_odd) > len(sample) // 6


def _readable(text: str) -> bool:
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
    if not _readable(text.replace("\x00", "")):
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


def unwrap_note(text: str) -> tuple[str, dict] | None:
    """A note with front matter and the original in a fenced block → (original, metadata).

    The note's own words (an AI summary, to-dos) are kept as metadata and never analyzed.
    Returns None when the text is not such a note.
    """
    text = text.replace("\r\n", "\n")
    fm = FRONT_MATTER.match(text)
    fences = list(FENCE.finditer(text))
    if not fences:
        return None
    body = max(fences, key=lambda m: len(m.group("body")))
    # the fenced block must be the original: the largest part of the note, or introduced as such
    before = text[:body.start()]
    intro = re.search(r"原始|原文|original|存档", before[-300:], re.I)
    if not (fm or intro) or (len(body.group("body")) < 0.3 * len(text) and not intro):
        return None
    meta = {
        "front_matter": fm.group(1) if fm else "",
        "summary": before[fm.end() if fm else 0:].strip(),
        "wrapper_offset": body.start("body"),
    }
    return body.group("body"), meta


def _check_zip(data: bytes, source: str, limit: int = 200 * 2**20) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(source, "is a damaged .docx (not a valid ZIP archive)",
                         "open it in Word and save it again, or pass a PDF")
    total = sum(i.file_size for i in infos)
    if total > limit or any(i.compress_size and i.file_size / i.compress_size > 200 for i in infos
                            if i.file_size > 10 * 2**20):
        raise InputError(source, f"expands to {total / 2**20:.0f} MB (a ZIP bomb or not a document)",
                         "check where it came from; pass the contract as .docx or .pdf")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise UnsupportedFormat(source, "is a ZIP archive but not a Word document",
                                "unpack it and pass the contract inside")
    return zf


def _read_docx(data: bytes, source: str) -> tuple[str, str, dict]:
    _check_zip(data, source)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds on damaged parts
        raise InputError(source, f"is a damaged .docx ({type(e).__name__})",
                         "open it in Word and save it again, or pass a PDF")
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


def _read_pdf(data: bytes, source: str) -> tuple[str, str, dict]:
    import logging
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(source, "is an encrypted PDF", "remove the password and pass it again")
    except Exception as e:
        if "password" in str(e).lower() or "encrypt" in str(e).lower() or type(e).__name__ == "PdfminerException" \
                and "Password" in repr(e):
            raise InputError(source, "is an encrypted PDF", "remove the password and pass it again")
        raise InputError(source, f"is a damaged PDF ({type(e).__name__})",
                         "open and re-save it, or pass its text")
    if not "".join(pages).strip():
        raise NeedsOCR(source, f"is a PDF with no text layer ({len(pages)} page(s) of images)",
                       "run OCR on it (e.g. ocrmypdf) and pass the result")
    return "\n".join(pages), "pdf", {"pages": len(pages)}


def _read_html(data: bytes, source: str) -> tuple[str, str, dict]:
    from bs4 import BeautifulSoup
    try:
        text, enc = decode(data)
    except ValueError:
        raise InputError(source, "is HTML in an unknown encoding", "save it as UTF-8")
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = []
    for el in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "pre"]):
        if el.find(["p", "li", "tr", "div", "pre", "table"]):
            continue
        if el.name == "tr":
            blocks.append("\t".join(c.get_text(" ", strip=True) for c in el.find_all(["td", "th"])))
        else:
            blocks.append(el.get_text("", strip=False).strip())
    text = "\n".join(b for b in blocks if b) or soup.get_text("\n")
    return text, "html", {"encoding": enc}
