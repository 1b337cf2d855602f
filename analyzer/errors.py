"""Typed errors of the library. Only the CLI turns them into a message and an exit code."""
from __future__ import annotations

import os
import re

# what cannot stand in one line of valid UTF-8 text: control characters, line separators and the
# lone surrogates by which Python keeps the bytes of a file name that were not UTF-8
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")


def printable(name) -> str:
    """A file name (or a message naming one) as one line of valid text for any output.

    Bytes that were not UTF-8 show as ``\\xff``, control characters as ``\\n``, ``\\x07``…;
    everything else is kept: ``b"\\xff\\xfe.txt"`` → ``\\xff\\xfe.txt``."""
    text = os.fsdecode(name) if isinstance(name, bytes) else str(name)
    return _UNPRINTABLE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return m.group().encode("unicode_escape").decode("ascii")


class AnalyzerError(Exception):
    """Base class of every error the analyzer raises on purpose."""


class InputError(AnalyzerError):
    """A file cannot be analyzed. The message names the file, the problem and what to do."""

    def __init__(self, path: str, problem: str, remedy: str):
        self.path, self.problem, self.remedy = printable(path), problem, remedy
        super().__init__(f"{self.path}: {problem}; {remedy}")


class UnsupportedFormat(InputError):
    """The file is of a kind the analyzer does not read."""


class NeedsOCR(InputError):
    """A PDF (or image) without a text layer."""


class SettingsError(AnalyzerError):
    """An option or a settings key is wrong; the message lists the valid choices."""


class ResourceError(AnalyzerError):
    """A packaged data file (taxonomy, rules, ...) is malformed."""


class OutputError(AnalyzerError):
    """The output folder cannot be used as asked; the message says why and what to do."""
