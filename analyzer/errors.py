"""Typed errors of the library. Only the CLI turns them into a message and an exit code."""
from __future__ import annotations


class AnalyzerError(Exception):
    """Base class of every error the analyzer raises on purpose."""


class InputError(AnalyzerError):
    """A file cannot be analyzed. The message names the file, the problem and what to do."""

    def __init__(self, path: str, problem: str, remedy: str):
        self.path, self.problem, self.remedy = str(path), problem, remedy
        super().__init__(f"{path}: {problem}; {remedy}")


class UnsupportedFormat(InputError):
    """The file is of a kind the analyzer does not read."""


class NeedsOCR(InputError):
    """A PDF (or image) without a text layer."""


class SettingsError(AnalyzerError):
    """An option or a settings key is wrong; the message lists the valid choices."""


class ResourceError(AnalyzerError):
    """A packaged data file (taxonomy, rules, ...) is malformed."""
