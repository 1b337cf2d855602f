"""The project's own jieba tokenizer: a private ``jieba.Tokenizer`` with a contract user dictionary.

The tokenizer is built once per process (``tokenizer()``); jieba's prefix dictionary is cached
in the analyzer's cache folder (``cache_dir()``) so later processes start fast.
"""
from __future__ import annotations

import functools
import os
import re
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
CACHE_ENV = "ANALYZER_CACHE_DIR"
CACHE_OFF = ("", "off")  # values of ANALYZER_CACHE_DIR that keep nothing on disk


def cache_dir() -> Path | None:
    """The folder where the analyzer keeps what it computes once per machine (jieba's prefix
    dictionary, the fitted aligner), created if needed; None when nothing is to be kept.

    ``$ANALYZER_CACHE_DIR`` when set ("off" or empty: keep nothing), else
    ``$XDG_CACHE_HOME/analyzer`` or ``~/.cache/analyzer``. None as well when the folder cannot be
    made: the analyzer then works without a cache."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None and chosen.strip().lower() in CACHE_OFF:
        return None
    if chosen is not None:
        path = Path(chosen).expanduser()
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "analyzer"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


class Tokenizer:
    """Contract-aware word segmentation. Callable: ``Tokenizer()(text) → list of tokens``."""

    def __init__(self, *, userdict: str | Path | None = None):
        import jieba
        self._tk = jieba.Tokenizer()
        _initialize(self._tk, cache_dir())
        path = userdict or resources.files("analyzer") / "resources" / "userdict.txt"
        with open(path, "rb") as fh:
            self._tk.load_userdict(fh)

    def cut(self, text: str) -> list[str]:
        """All tokens, punctuation and spaces included, in order."""
        return self._tk.lcut(text, HMM=True)

    def words(self, text: str) -> list[str]:
        """Tokens that carry meaning: no spaces or punctuation."""
        return [w for w in self._tk.lcut(text, HMM=True) if w.isalnum() or _WORD.search(w)]

    __call__ = words


def _initialize(tk, folder: Path | None) -> None:
    """Load jieba's prefix dictionary: from the cache in ``folder`` (written the first time), or,
    with no cache folder, built in memory and written nowhere."""
    if folder is not None:
        tk.tmp_dir = str(folder)
        tk.initialize()
        return
    with tk.get_dict_file() as fh:
        tk.FREQ, tk.total = tk.gen_pfdict(fh)
    tk.initialized = True


@functools.lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    """The process's one tokenizer."""
    return Tokenizer()
