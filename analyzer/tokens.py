"""The project's word segmentation: jieba's accurate mode (with its HMM for unknown words) and a
contract user dictionary, on a private segmenter (never jieba's global default one).

The segmenter is rjieba (jieba's algorithm and dictionary, compiled) where it is installed, else a
plain ``jieba.Tokenizer``. Both give the same tokens (see ``_cut_as_jieba``): on every real text;
only where two readings of a run are exactly as likely (费|费费 and 费费|费) may rounding pick the other.
``segmenter()`` names the one in use without loading it. The tokenizer is built once per process
(``tokenizer()``); plain jieba's prefix dictionary is cached in the analyzer's cache folder
(``cache_dir()``) so later processes start fast.
"""
from __future__ import annotations

import functools
import os
import re
from importlib import import_module, resources, util
from pathlib import Path

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
CACHE_ENV = "ANALYZER_CACHE_DIR"
CACHE_OFF = ("", "off")  # values of ANALYZER_CACHE_DIR that keep nothing on disk
COMPILED = "rjieba"  # the compiled segmenter, used when installed; plain jieba otherwise
FALLBACK = "jieba"

# A line of a user dictionary, as jieba reads it: the word, then an optional frequency and tag.
USERDICT_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")
# Chinese characters outside U+4E00–U+9FD5: jieba reads each as a token of its own and never as part
# of a word, where rjieba reads them as Chinese.
OTHER_HAN = re.compile("([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])")
# How jieba splits a run of characters that are neither Chinese nor a word it knows (a URL, a
# clause number such as 2.1.1, a hyphenated English word): letters and digits, with a decimal and a
# percent sign, apart from the symbols between them. rjieba keeps such a run whole.
UNKNOWN_RUN = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def cache_dir() -> Path | None:
    """The folder where the analyzer keeps what it computes once per machine (the fitted aligner,
    and plain jieba's prefix dictionary where jieba segments), created if needed; None when nothing
    is to be kept.

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


def segmenter() -> str:
    """The segmenter ``Tokenizer()`` uses and its version, e.g. "rjieba 0.2.2" or
    "jieba 0.42.1": found from the installed packages, without importing either."""
    from importlib import metadata  # only here: it costs `analyzer --help` a tenth of its time
    name = COMPILED if util.find_spec(COMPILED) is not None else FALLBACK
    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return name


class Tokenizer:
    """Contract-aware word segmentation. Callable: ``Tokenizer()(text) → list of tokens``.

    ``segmenter``: the package that segments ("rjieba" or "jieba")."""

    def __init__(self, *, userdict: str | Path | None = None):
        path = userdict or resources.files("analyzer") / "resources" / "userdict.txt"
        entries = userdict_entries(path)
        compiled = _compiled_module()
        if compiled is not None and all(freq != 0 for _, freq, _ in entries):
            seg = _compiled_segmenter(compiled, entries)
            self.segmenter, self._cut = COMPILED, functools.partial(_cut_as_jieba, seg)
            self._words = functools.partial(_compiled_words, seg)
        else:  # not installed, or a word kept apart (frequency 0), which only jieba's HMM knows
            self.segmenter, self._cut = FALLBACK, _jieba_cut(path)
            self._words = functools.partial(_meaningful_cut, self._cut)

    def cut(self, text: str) -> list[str]:
        """All tokens, punctuation and spaces included, in order."""
        return self._cut(text)

    def words(self, text: str) -> list[str]:
        """Tokens that carry meaning: no spaces or punctuation."""
        return self._words(text)

    __call__ = words


def _jieba_cut(userdict):
    """Plain jieba's cut, on a private ``jieba.Tokenizer`` with the user dictionary."""
    import jieba
    tk = jieba.Tokenizer()
    _initialize(tk, cache_dir())
    with open(userdict, "rb") as fh:
        tk.load_userdict(fh)
    return functools.partial(tk.lcut, HMM=True)


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


def _compiled_module():
    """The compiled segmenter's module, or None when it is not importable."""
    try:
        return import_module(COMPILED)
    except ImportError:
        return None


def _compiled_segmenter(module, entries):
    """A private instance of the compiled segmenter, with the user dictionary's words added one
    by one as jieba adds them (a word without a frequency gets the one jieba would suggest)."""
    seg = module.Jieba()
    for word, freq, tag in entries:
        seg.add_word(word, freq, tag)
    return seg


def userdict_entries(path) -> list[tuple[str, int | None, str | None]]:
    """(word, frequency or None, tag or None) for each line of a user dictionary."""
    entries = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            m = USERDICT_LINE.match(line.strip())
            if m:
                word, freq, tag = m.groups()
                entries.append((word, int(freq) if freq else None, tag))
    return entries


def _cut_as_jieba(seg, text: str) -> list[str]:
    """rjieba's tokens, brought to jieba's where the two read a text differently: a Chinese
    character outside jieba's range stands alone (the text is cut around it), and a run of
    unknown non-Chinese characters is split as jieba splits it."""
    if OTHER_HAN.search(text) is None:
        return _split_unknown_runs(seg, seg.cut(text, True))
    tokens = []
    for i, piece in enumerate(OTHER_HAN.split(text)):
        if i % 2:
            tokens.append(piece)
        elif piece:
            tokens.extend(_split_unknown_runs(seg, seg.cut(piece, True)))
    return tokens


def _meaningful(tokens) -> list[str]:
    """The tokens holding a word character or a Chinese one (what ``Tokenizer.words`` keeps)."""
    return [w for w in tokens if w.isalnum() or _WORD.search(w)]


def _meaningful_cut(cut, text: str) -> list[str]:
    return _meaningful(cut(text))


def _compiled_words(seg, text: str) -> list[str]:
    """``_meaningful(_cut_as_jieba(seg, text))``, in one pass over rjieba's tokens where the text
    has no Chinese character outside jieba's range."""
    if OTHER_HAN.search(text) is not None:
        return _meaningful(_cut_as_jieba(seg, text))
    out = []
    for t in seg.cut(text, True):
        if t.isalnum():
            out.append(t)
        elif len(t) > 1 and not seg.has_word(t):  # an unknown run, split as in _split_unknown_runs
            out.extend(_meaningful(UNKNOWN_RUN.split(t)))
        elif _WORD.search(t):
            out.append(t)
    return out


def _split_unknown_runs(seg, tokens: list[str]) -> list[str]:
    """Each token of several characters, not all letters, digits or Chinese, and not a dictionary
    word (such as C++), split as jieba's HMM splits an unknown run."""
    out = []
    for t in tokens:
        if len(t) > 1 and not t.isalnum() and not seg.has_word(t):
            out.extend(p for p in UNKNOWN_RUN.split(t) if p)
        else:
            out.append(t)
    return out


@functools.lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    """The process's one tokenizer."""
    return Tokenizer()
