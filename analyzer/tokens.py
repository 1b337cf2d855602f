"""The project's own jieba tokenizer: a private ``jieba.Tokenizer`` with a contract user dictionary.

The tokenizer is built once per process (``tokenizer()``); jieba's prefix dictionary is cached
in the user's cache directory so later processes start fast.
"""
from __future__ import annotations

import functools
import logging
import os
import re
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[\w\u4e00-\u9fff]")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "analyzer"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile
        path = Path(tempfile.gettempdir())
    return path


class Tokenizer:
    """Contract-aware word segmentation. Callable: ``Tokenizer()(text) → list of tokens``."""

    def __init__(self, *, userdict: str | Path | None = None):
        import jieba
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._tk = jieba.Tokenizer()
        self._tk.tmp_dir = str(cache_dir())
        path = userdict or resources.files("analyzer") / "resources" / "userdict.txt"
        self._tk.initialize()
        with open(path, "rb") as fh:
            self._tk.load_userdict(fh)

    def cut(self, text: str) -> list[str]:
        """All tokens, punctuation and spaces included, in order."""
        return self._tk.lcut(text, HMM=True)

    def words(self, text: str) -> list[str]:
        """Tokens that carry meaning: no spaces or punctuation."""
        return [w for w in self._tk.lcut(text, HMM=True) if w.isalnum() or _WORD.search(w)]

    __call__ = words


@functools.lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    """The process's one tokenizer."""
    return Tokenizer()
