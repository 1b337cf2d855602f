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
import sys
from importlib import import_module, machinery, resources, util
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
# Joins texts cut together in one call: both segmenters read a line end as a token of its own that
# no word runs across.
TEXT_GAP = "\n"
ODD_TOKENS_KEPT = 4096  # how many tokens that are not words as they are a tokenizer remembers the words of


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
            # the few tokens that are not words as they are (punctuation, runs to split) recur
            token_words = functools.lru_cache(maxsize=ODD_TOKENS_KEPT)(functools.partial(_token_words, seg))
            self.segmenter, self._cut = COMPILED, functools.partial(_cut_as_jieba, seg)
            self._words = functools.partial(_compiled_words, seg, token_words)
            self._words_each = functools.partial(_compiled_words_each, seg, token_words)
        else:  # not installed, or a word kept apart (frequency 0), which only jieba's HMM knows
            self.segmenter, self._cut = FALLBACK, _jieba_cut(path)
            self._words = functools.partial(_meaningful_cut, self._cut)
            self._words_each = None

    def cut(self, text: str) -> list[str]:
        """All tokens, punctuation and spaces included, in order."""
        return self._cut(text)

    def words(self, text: str) -> list[str]:
        """Tokens that carry meaning: no spaces or punctuation."""
        return self._words(text)

    def words_each(self, texts: list[str]) -> list[list[str]]:
        """``words`` of each text; faster than one call per text for the many short texts of a
        contract (one call to the compiled segmenter for all of them)."""
        if self._words_each is None:
            return [self._words(t) for t in texts]
        return self._words_each(texts)

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
    """The compiled segmenter's module, or None when it is not importable.

    Importing the rjieba package builds a default segmenter with the whole dictionary (0.08 s)
    that the analyzer never uses: it makes its own, with the user dictionary. Where the package is
    not imported yet, its compiled module (which holds ``Jieba``) is loaded on its own, under the
    name the package gives it, so a later ``import rjieba`` finds it loaded."""
    loaded = sys.modules.get(COMPILED, False)
    if loaded is None:  # the import is blocked
        return None
    if loaded is False:
        alone = _extension_alone(f"{COMPILED}.{COMPILED}")
        if alone is not None:
            return alone
    try:
        return import_module(COMPILED)
    except ImportError:
        return None


def _extension_alone(name: str):
    """The extension module ``package.module`` loaded without running its package's
    ``__init__``; None where it cannot be found or loaded that way."""
    if name in sys.modules:
        return sys.modules[name]
    package, _, module = name.rpartition(".")
    spec = util.find_spec(package)
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        for suffix in machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"{module}{suffix}"
            if path.is_file():
                return _load_extension(name, path)
    return None


def _load_extension(name: str, path: Path):
    try:
        spec = util.spec_from_file_location(name, path)
        loaded = util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
    except (ImportError, OSError):
        return None
    sys.modules[name] = loaded
    return loaded


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


def _compiled_words(seg, token_words, text: str) -> list[str]:
    """``_meaningful(_cut_as_jieba(seg, text))``, in one pass over rjieba's tokens where the text
    has no Chinese character outside jieba's range. ``token_words``: ``_token_words`` of a token."""
    if OTHER_HAN.search(text) is not None:
        return _meaningful(_cut_as_jieba(seg, text))
    out = []
    for t in seg.cut(text, True):
        if t.isalnum():
            out.append(t)
        else:
            out.extend(token_words(t))
    return out


def _token_words(seg, token: str) -> tuple[str, ...]:
    """The words ``_compiled_words`` makes of one rjieba token: the token if it carries meaning,
    an unknown run split as in ``_split_unknown_runs``."""
    if token.isalnum():
        return (token,)
    if len(token) > 1 and not seg.has_word(token):
        return tuple(_meaningful(UNKNOWN_RUN.split(token)))
    return (token,) if _WORD.search(token) else ()


def _compiled_words_each(seg, token_words, texts: list[str]) -> list[list[str]]:
    """``_compiled_words`` of each text, the texts cut together (see ``TEXT_GAP``) where that
    reads each one as alone: when none holds a gap or a Chinese character outside jieba's range,
    and rjieba gives back one gap token per gap (a text ending in "\\r" would not: "\\r\\n" is
    one token); else one by one."""
    if not all(texts):  # an empty text has no words; the others are cut together
        rest = iter(_compiled_words_each(seg, token_words, [t for t in texts if t]))
        return [next(rest) if t else [] for t in texts]
    joined = TEXT_GAP.join(texts)
    if joined.count(TEXT_GAP) == len(texts) - 1 and OTHER_HAN.search(joined) is None:
        out = _words_between_gaps(seg.cut(joined, True), token_words)
        if len(out) == len(texts):
            return out
    return [_compiled_words(seg, token_words, t) for t in texts]


def _words_between_gaps(tokens: list[str], token_words) -> list[list[str]]:
    """The words of each text from the tokens of the texts joined by ``TEXT_GAP``: in one pass,
    where most tokens are words as they are (and the others are looked up in ``token_words``)."""
    out, words = [], []
    for t in tokens:
        if t.isalnum():
            words.append(t)
        elif t == TEXT_GAP:
            out.append(words)
            words = []
        else:
            words.extend(token_words(t))
    out.append(words)
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
