"""Hostile inputs against the loader: time and peak memory of each (a benchmark, not a test).

    python benchmarks/hostile.py              # load() of each input, in a fresh process
    python benchmarks/hostile.py --analyze    # analyzer.pipeline.analyze() instead
    python benchmarks/hostile.py --only fence,fifo

Builds, in a temporary folder, the inputs of issue 13 (items 1 and 2): a note of 20,000 fence
lines; 8,000 and 100,000 nested divs; a 10 MB PDF with one huge page; a PDF whose compressed
stream expands ~1000×; a .docx whose document.xml is 190 MB; a file over the size limit (sparse,
3 GB); a FIFO; /dev/zero. And inputs just under the limits, which must be read: 20 MB of flat
HTML, 20 MB of GBK text, a PDF of 2,000 text pages, a PDF with 46 MB of content (and the same
stream drawn on 2,000 pages), a .docx with 30 MB of XML. Each runs in a fresh subprocess (os.wait4 gives that process's own peak RSS); the
goal is ≤ 5 s and ≤ 1 GiB for every input under the size limit.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pdfs import pdf  # noqa: E402  (the same hand-written PDFs as the tests)

FLATE = b"/Filter /FlateDecode"
CLAUSE = "第{n}条 乙方向甲方提供呼叫中心服务，费用按月结算，已付费用不予退还。\n"
LINE = b"BT /F1 10 Tf 72 720 Td (abcdefghij) Tj ET\n"

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from analyzer.errors import InputError
from analyzer.{module} import {func} as run
t = time.perf_counter()
try:
    doc = run(sys.argv[1])
    text = getattr(doc, "text", None) or doc.document.text
    print(f"analyzed: {{len(text):,}} characters")
except InputError as e:
    print(f"refused: {{e}}")
print(f"{{time.perf_counter() - t:.2f}}", file=sys.stderr)
"""


def deflate_repeated(unit: bytes, total: int) -> bytes:
    z, chunk, out = zlib.compressobj(9), unit * (2**20 // len(unit)), []
    for _ in range(total // len(chunk)):
        out.append(z.compress(chunk))
    return b"".join(out) + z.flush()


def page_text(lines: int, seed: int) -> bytes:
    ops = [b"BT /F1 9 Tf 40 %d Td (Clause %d.%d: the provider shall supply the service; fees are final.) Tj ET"
           % (780 - 12 * k, seed, k) for k in range(lines)]
    return b"\n".join(ops)


def docx_with_xml(path: Path, xml_mb: int) -> None:
    """A .docx whose document.xml holds xml_mb MB of varied paragraphs (it compresses ~11×)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            n, written = 0, 0
            while written < xml_mb * 2**20:
                n += 1
                p = (f'<w:p><w:pPr><w:spacing w:after="{n % 97}"/></w:pPr><w:r><w:rPr><w:sz w:val="{20 + n % 7}"/>'
                     f'</w:rPr><w:t>{CLAUSE.format(n=n).strip()}</w:t></w:r></w:p>').encode()
                fh.write(p)
                written += len(p)
            fh.write(b"</w:body></w:document>")


def build(d: Path) -> dict[str, Path]:
    """name → path of each hostile input."""
    out = {}

    def put(name: str, data: bytes | str) -> None:
        p = d / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        out[name] = p

    put("fence.txt", "原文\n" + "```x\n" * 20_000)
    put("nested-8000.html", "<html><body>" + "<div>" * 8_000 + "第一条 服务" + "</div>" * 8_000 + "</body></html>")
    put("nested-100000.html", "<html><body>" + "<div>" * 100_000 + "第一条" + "</div>" * 100_000 + "</body></html>")
    moving = b"\n".join(b"BT /F1 1 Tf %d %d Td (abcdefghij) Tj ET" % (k % 600, k // 600 % 790)
                        for k in range(10 * 2**20 // 40))
    put("one-huge-page.pdf", pdf([moving]))
    put("one-huge-page-same-spot.pdf", pdf([LINE * (10 * 2**20 // len(LINE))]))
    put("compressed-stream.pdf", pdf([deflate_repeated(b" ", 1536 * 2**20)], filters=FLATE))
    put("compressed-text-stream.pdf", pdf([deflate_repeated(LINE, 1536 * 2**20)], filters=FLATE))
    docx_with_xml(d / "huge-document-xml.docx", 190)
    out["huge-document-xml.docx"] = d / "huge-document-xml.docx"
    sparse = d / "over-limit-3GB.txt"
    with open(sparse, "wb") as fh:
        fh.truncate(3 * 2**30)
    out[sparse.name] = sparse
    put("over-limit-21MB.txt", CLAUSE.format(n=1) * (21 * 2**20 // len(CLAUSE.format(n=1).encode())))
    fifo = d / "fifo.txt"
    os.mkfifo(fifo)
    out[fifo.name] = fifo
    out["dev-zero"] = Path("/dev/zero")
    # just under the limits: these must be read
    put("flat-20MB.html", "<html><body>" + "<p>第一条 乙方服务</p>" * (19 * 2**20 // 34) + "</body></html>")
    put("gbk-19MB.txt", "".join(CLAUSE.format(n=k) for k in range(19 * 2**20 // 100)).encode("gbk"))
    put("pages-2000.pdf", pdf([zlib.compress(page_text(60, k)) for k in range(2000)], filters=FLATE))
    put("content-46MB.pdf", pdf([deflate_repeated(LINE, 46 * 2**20)], filters=FLATE))
    put("one-stream-on-2000-pages.pdf", pdf([deflate_repeated(LINE, 46 * 2**20)], filters=FLATE, shared=2000))
    docx_with_xml(d / "xml-30MB.docx", 30)
    out["xml-30MB.docx"] = d / "xml-30MB.docx"
    return out


def run(path: Path, *, analyze: bool, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, outcome) of one fresh process reading path."""
    module, func = ("pipeline", "analyze") if analyze else ("load", "load")
    code = CHILD.format(root=str(ROOT), module=module, func=func)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    outcome = out.strip() or f"crashed (exit {proc.returncode}): {err.strip().splitlines()[-1:]}"
    if proc.returncode == -9:
        outcome = f"killed after {timeout:.0f} s"
    return wall, usage.ru_maxrss / 1024, outcome


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--analyze", action="store_true", help="run pipeline.analyze instead of load")
    ap.add_argument("--only", default="", help="comma-separated input names")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        inputs = build(Path(tmp))
        names = [n for n in inputs if not args.only or n in args.only.split(",")]
        print(f"{'input':30} {'size':>10} {'seconds':>8} {'peak MiB':>9}  outcome")
        for name in names:
            p = inputs[name]
            size = p.stat().st_size if p.is_file() else 0
            wall, rss, outcome = run(p, analyze=args.analyze, timeout=args.timeout)
            flag = "" if (wall <= 5 and rss <= 1024) else "  <-- over 5 s or 1 GiB"
            outcome = outcome.replace(str(p), p.name)
            print(f"{name:30} {size / 2**20:8.1f}MB {wall:8.2f} {rss:9.0f}  {outcome[:150]}{flag}", flush=True)


if __name__ == "__main__":
    main()
