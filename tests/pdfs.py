"""A PDF written by hand, for the tests and benchmarks that need PDFs no writer would make
(decompression bombs, one stream drawn on every page)."""


def pdf(contents: list[bytes], *, filters: bytes = b"", shared: int = 0) -> bytes:
    """A PDF written by hand: one page per content stream (or ``shared`` pages on the first)."""
    pages = shared or len(contents)
    first = 4 + pages
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + i) for i in range(pages)), pages),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
             b" /Contents %d 0 R >>" % (first + (0 if shared else i)) for i in range(pages)]
    objs += [b"<< /Length %d %s >>\nstream\n" % (len(c), filters) + c + b"\nendstream" for c in contents]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for k, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
