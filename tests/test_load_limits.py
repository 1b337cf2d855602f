"""Issue 13, the loader's part: hostile inputs are read in bounded time and memory, or refused in
one line that names the file and what to do. Every input is a real file the test writes."""
import importlib
import io
import os
import re
import resource
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from analyzer.errors import InputError, NeedsOCR
from analyzer.load import decode, fenced_blocks, load, unwrap_note
from analyzer.pipeline import analyze_many

from .pdfs import pdf

loader = importlib.import_module("analyzer.load")  # the module: `analyzer.load` is also a function

ROOT = Path(__file__).resolve().parent.parent
GOOD = "服务协议\n甲方：某某贸易有限公司\n乙方：某某通信有限公司\n一、乙方向甲方提供呼叫中心服务。\n二、已付费用不予退还。\n"


def refused(path, *, match, **kwargs) -> str:
    """load(path) raises an InputError of one line: the file, what is wrong; what to do."""
    with pytest.raises(InputError) as e:
        load(path, **kwargs)
    message = str(e.value)
    assert "\n" not in message and message.startswith(str(path)) and "; " in message, message
    assert re.search(match, message), message
    assert "OCR" not in message or isinstance(e.value, NeedsOCR)
    return message


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. quadratic time ------------------------------------------------------------------------

def test_fence_lines_take_linear_time(tmp_path):
    p = tmp_path / "fence.txt"
    p.write_text("原文\n" + "```x\n" * 20_000, encoding="utf-8")  # 15 s with the old pattern
    t = time.perf_counter()
    d = load(p)
    assert time.perf_counter() - t < 3
    assert d.format == "text" and d.text.count("```x") == 20_000


# the pattern the loader used before: the reference the one-pass scan must agree with
OLD_FENCE = re.compile(r"^(?P<fence>```|~~~)[ \t]*(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
                       re.S | re.M)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["```", "~~~", "```text", "~~~ md", "``` ", "````", "原文", "x", "", " ", "\t",
                                 "```x y", "-"]), max_size=14))
def test_fence_scan_finds_what_the_old_pattern_found(lines):
    text = "\n".join(lines)
    expected = [(m.start(), m.start("body"), m.end("body")) for m in OLD_FENCE.finditer(text)]
    assert fenced_blocks(text) == expected


def test_note_with_fenced_original_still_unwraps():
    note = "---\ntitle: x\n---\n总结\n\n## 原文\n\n```text\n" + GOOD + "```\n"
    text, meta = unwrap_note(note)
    assert text == GOOD.rstrip("\n") and meta["front_matter"] == "title: x"


@pytest.mark.parametrize("depth", [8_000, 100_000])
def test_deeply_nested_html_is_refused_at_once(tmp_path, depth):
    p = tmp_path / f"nested{depth}.html"
    p.write_text("<html><body>" + "<div>" * depth + "第一条" + "</div>" * depth + "</body></html>",
                 encoding="utf-8")
    t = time.perf_counter()
    refused(p, match=f"more than {loader.HTML_MAX_DEPTH} deep")
    assert time.perf_counter() - t < 2  # 8 s and over 3 minutes before


def test_html_nested_within_the_limit_is_read(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<html><body>" + "<div>" * 200 + "<p>第一条 乙方向甲方提供服务。</p><h2>第二条</h2>"
                 + "</div>" * 200 + "</body></html>", encoding="utf-8")
    assert load(p).text.split("\n") == ["第一条 乙方向甲方提供服务。", "第二条"]


def test_html_blocks_are_read_once(tmp_path):
    p = tmp_path / "c.html"
    p.write_text("<html><body><div><h1>服务协议</h1></div><ul><li><h3>第一条</h3>乙方提供服务。</li></ul>"
                 "<table><tr><td>项目</td><td>单价 <b>0.1元</b></td></tr></table>"
                 "<p>第二条<br>费用不予退还。</p><!-- 注释 --></body></html>", encoding="utf-8")
    assert load(p).text.split("\n") == ["服务协议", "第一条乙方提供服务。", "项目\t单价 0.1元", "第二条", "费用不予退还。"]


# --- 2. memory: size, special files, PDF, DOCX ------------------------------------------------

def test_size_is_checked_before_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(3 * 2**30)  # sparse: 3 GB that the old loader read whole before refusing
    before = peak_mib()
    refused(p, match=r"is 3072\.0 MB, over the 20 MB limit; .*--max-mb")
    assert peak_mib() - before < 100


def test_read_stops_one_byte_past_the_limit(tmp_path, monkeypatch):
    p = tmp_path / "grows.txt"
    p.write_text("甲" * 1000, encoding="utf-8")
    real = os.stat
    monkeypatch.setattr(loader.os, "stat", lambda path, *a, **k: _shrunk(real(path, *a, **k)))
    monkeypatch.setattr(loader.os, "fstat", lambda fd: _shrunk(real(fd)))
    refused(p, match="over the", max_bytes=100)  # the size it claims is 10 bytes: the read tells


def _shrunk(st):
    return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                           st.st_atime, st.st_mtime, st.st_ctime))


def _in_thread(fn, seconds=10):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", _catch(fn)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked"
    return out["r"]


def _catch(fn):
    try:
        return fn()
    except Exception as e:  # returned to the test's thread
        return e


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    e = _in_thread(lambda: load(fifo))
    assert isinstance(e, InputError) and "not a regular file (a named pipe (FIFO))" in str(e)
    assert "\n" not in str(e) and str(e).startswith(str(fifo))


def test_device_is_refused(tmp_path):
    e = _in_thread(lambda: load("/dev/zero"))
    assert isinstance(e, InputError) and "not a regular file (a character device)" in str(e)


def test_symlink_loop_and_dangling_link_say_so(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    refused(a, match="symbolic link that loops")
    gone = tmp_path / "gone.txt"
    gone.symlink_to(tmp_path / "missing.txt")
    refused(gone, match="symbolic link to a file that does not exist")


def test_a_fifo_next_to_a_good_file_loses_only_itself(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    done, failed = _in_thread(lambda: analyze_many([fifo, good]), seconds=120)
    assert [Path(a.document.source).name for a in done] == ["good.txt"]
    assert len(failed) == 1 and "not a regular file" in failed[0].message and "\n" not in failed[0].message


def text_ops(n: int) -> bytes:
    return b"\n".join(b"BT /F1 1 Tf %d %d Td (abcdefghij) Tj ET" % (k % 600, k // 600 % 790) for k in range(n))


def test_hand_written_pdf_is_read(tmp_path):
    p = tmp_path / "ok.pdf"
    p.write_bytes(pdf([b"BT /F1 12 Tf 72 720 Td (Clause 1: fees are final.) Tj ET"] * 2))
    d = load(p)
    assert d.metadata["pages"] == 2 and d.text.count("Clause 1: fees are final.") == 2


def test_pdf_page_with_too_many_characters_is_refused(tmp_path):
    p = tmp_path / "huge-page.pdf"
    p.write_bytes(pdf([text_ops(loader.PDF_MAX_PAGE_CHARS // 10 + 100)]))
    refused(p, match=r"characters on page 1, over the 100,000 per page limit")


def test_pdf_decompression_bomb_is_refused_before_parsing(tmp_path):
    p = tmp_path / "bomb.pdf"
    z = zlib.compressobj(9)
    body = b"".join(z.compress(b" " * 2**20) for _ in range(200)) + z.flush()  # 200 MB of content
    p.write_bytes(pdf([body], filters=b"/Filter /FlateDecode"))
    assert p.stat().st_size < 2**20
    before, t = peak_mib(), time.perf_counter()
    refused(p, match=r"decompresses to more than 48 MB \(a decompression bomb")
    assert time.perf_counter() - t < 3 and peak_mib() - before < 100


def test_pdf_bomb_behind_ascii85_is_refused(tmp_path):
    import base64
    p = tmp_path / "a85.pdf"
    body = base64.a85encode(zlib.compress(b"q Q\n" * (20 * 2**20), 9)) + b"~>"
    p.write_bytes(pdf([body], filters=b"/Filter [/ASCII85Decode /FlateDecode]"))
    refused(p, match="decompression bomb")


def lzw_encode(data: bytes) -> bytes:
    """PDF LZW (early change), a plain encoder for the tests."""
    table, width, codes, w = {bytes([i]): i for i in range(256)}, 9, [(256, 9)], b""
    for byte in data:
        wc = w + bytes([byte])
        if wc in table:
            w = wc
            continue
        codes.append((table[w], width))
        table[wc] = len(table) + 2
        w = bytes([byte])
        width = min(12, (len(table) + 2).bit_length())
        if len(table) + 2 >= 4000:
            codes.append((256, width))
            table, width = {bytes([i]): i for i in range(256)}, 9
    codes += [(table[w], width)] if w else []
    codes.append((257, width))
    bits = "".join(format(c, f"0{n}b") for c, n in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000) | st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=5),
                                            st.integers(1, 3000)))
def test_lzw_size_counts_what_pdfminer_decodes(data):
    from pdfminer.lzw import lzwdecode
    raw = lzw_encode(data)
    assert lzwdecode(raw) == data
    assert loader.lzw_size(memoryview(raw), 10**9)[0] == len(data)


def test_pdf_lzw_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PDF_MAX_INFLATED", 2**20)
    p = tmp_path / "lzw.pdf"
    p.write_bytes(pdf([lzw_encode(b" " * (3 * 2**20))], filters=b"/Filter /LZWDecode"))
    refused(p, match="decompression bomb")


def test_pdf_with_too_many_pages_is_refused(tmp_path):
    p = tmp_path / "pages.pdf"
    p.write_bytes(pdf([b"BT /F1 12 Tf 72 720 Td (x) Tj ET"], shared=loader.PDF_MAX_PAGES + 1))
    refused(p, match=r"has 2001 pages, over the 2000 page limit")


def test_pdf_drawing_too_much_over_its_pages_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PDF_MAX_OBJECTS", 1000)
    p = tmp_path / "shared.pdf"  # one stream drawn on every page: small file, much work
    p.write_bytes(pdf([text_ops(400)], shared=5))
    refused(p, match=r"draws over 1,000 objects by page 3")


def test_pdf_whose_page_tree_loops_is_broken_not_a_scan(tmp_path):
    p = tmp_path / "loop.pdf"
    good = pdf([b"BT /F1 12 Tf 72 720 Td (x) Tj ET"])
    p.write_bytes(good.replace(b"/Kids [4 0 R] /Count 1", b"/Kids [2 0 R] /Count 1"))
    refused(p, match=r"is a broken PDF \(page 1 of 1 cannot be read: its page tree .* loops\); open and re-save")
    p.write_bytes(good.replace(b"/Kids [4 0 R] /Count 1", b"/Kids [] /Count 0"))
    refused(p, match=r"is a (broken|damaged) PDF")


def test_pdf_whose_xref_loops_is_still_read(tmp_path):
    p = tmp_path / "xref.pdf"
    good = pdf([b"BT /F1 12 Tf 72 720 Td (Clause one) Tj ET"])
    start = int(good.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    p.write_bytes(good.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %d >>" % start))
    assert "Clause one" in load(p).text


def docx_bytes(document_xml: bytes, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def document_xml(mb: float) -> bytes:
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    paras, size, n = [], 0, 0
    while size < mb * 2**20:
        n += 1
        para = f"<w:p><w:r><w:t>第{n}条 乙方向甲方提供服务，费用按月结算。</w:t></w:r></w:p>".encode()
        paras.append(para)
        size += len(para)
    return head + b"".join(paras) + b"</w:body></w:document>"


def test_docx_is_read(tmp_path):
    p = tmp_path / "small.docx"
    p.write_bytes(docx_bytes(document_xml(0.001)))
    assert load(p).text.startswith("第1条 乙方向甲方提供服务")


def test_docx_whose_xml_is_too_large_is_refused_before_parsing(tmp_path):
    p = tmp_path / "bloated.docx"
    p.write_bytes(docx_bytes(document_xml(loader.DOCX_MAX_XML / 2**20 + 2)))
    assert p.stat().st_size < 5 * 2**20
    before, t = peak_mib(), time.perf_counter()
    refused(p, match=r"MB of Word XML, over the 32 MB limit")
    assert time.perf_counter() - t < 5 and peak_mib() - before < 200


def test_docx_whose_headers_lie_about_sizes_is_damaged(tmp_path):
    data = bytearray(docx_bytes(document_xml(2)))
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = data.find(sig + b"")
        while at >= 0:
            name_len = int.from_bytes(data[at + (26 if sig == b"PK\x03\x04" else 28):][:2], "little")
            start = at + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start:start + name_len]) == name:
                data[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at = data.find(sig, at + 4)
    p = tmp_path / "liar.docx"
    p.write_bytes(bytes(data))
    refused(p, match=r"damaged \.docx")


def test_docx_with_a_compression_word_does_not_use_is_refused(tmp_path):
    p = tmp_path / "bz.docx"
    p.write_bytes(docx_bytes(document_xml(0.01), compression=zipfile.ZIP_BZIP2))
    refused(p, match=r"damaged \.docx \(compressed in a way Word does not use\)")


# --- 3. encodings -----------------------------------------------------------------------------

BIG5 = ("服務合約\n甲方：台北市某某貿易股份有限公司\n乙方：某某電信股份有限公司\n"
        "第一條 乙方向甲方提供客服中心服務，服務期間為一年。\n第二條 甲方應於每月十日前支付服務費用，已付費用不予退還。\n"
        "第三條 因本合約所生之爭議，雙方同意以乙方所在地之地方法院為第一審管轄法院。\n")
SJIS = ("業務委託契約書\n株式会社甲（以下「甲」という）と株式会社乙（以下「乙」という）は、次のとおり契約を締結する。\n"
        "第1条 乙は甲に対し、コールセンター業務を提供する。\n第2条 既に支払われた料金は返還しない。\n")


@pytest.mark.parametrize("size", [8, 20, 60, None])
def test_big5_contract_is_read_as_big5(tmp_path, size):
    p = tmp_path / "big5.txt"
    p.write_bytes(BIG5[:size].encode("big5"))
    d = load(p)
    assert d.text == BIG5[:size] and d.metadata["encoding"] == "big5"


@pytest.mark.parametrize("size", [8, 30, None])
def test_shift_jis_text_is_read_as_shift_jis(tmp_path, size):
    p = tmp_path / "sjis.txt"
    p.write_bytes(SJIS[:size].encode("shift_jis"))
    assert load(p).text == SJIS[:size]


def _sample_texts():
    paths = sorted((ROOT / "data" / "contracts").iterdir()) + sorted((ROOT / "data" / "labeled" / "texts").iterdir())[:30]
    return [p.read_text(encoding="utf-8") for p in paths if p.suffix in (".txt", ".md")]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_is_never_taken_for_big5_short_or_long(encoding):
    checked = 0
    for text in _sample_texts():
        for start in (0, 300):
            for size in (6, 12, 40, 200, 2000, None):
                piece = text[start:start + size if size else None]
                try:
                    data = piece.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if data.isascii() or _is_utf8(data):
                    continue  # a GBK text that is valid UTF-8 (one 元 alone) is read as UTF-8, first
                assert decode(data)[0] == piece, (encoding, size, piece[:20])
                checked += 1
    assert checked > 200


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_gbk_lines_that_are_valid_utf8_by_chance_are_gbk():
    text = "重庆两江汽博支行\n账 号： 5000 1234\n"
    assert decode(text.encode("gbk"))[0] == text


def test_random_bytes_are_still_not_text(tmp_path):
    import random
    p = tmp_path / "noise.txt"
    p.write_bytes(random.Random(1).randbytes(4000))
    refused(p, match="not text in any encoding")
