"""Charts of a comparison. Each function returns a matplotlib Figure (never shows it).

Chinese renders on any machine: the package ships a subset of Noto Sans CJK SC (OFL) and
registers it with matplotlib before drawing.
"""
from __future__ import annotations

import functools
import re

from ..comparison import Comparison
from ..model import TERM_KEYS
from .webfont import font_path

NOT_COVERED = "#bdbdbd"  # a category the contract does not address: grey, unlike the pale yellow of neutral
SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#f1c40f"}


@functools.lru_cache(maxsize=1)
def font_family() -> str:
    """Register the shipped CJK font with matplotlib; returns its family name."""
    from matplotlib import font_manager
    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chinese_style():
    """A matplotlib context in which text is drawn with the shipped CJK font (the user's own
    settings are back as they were when it ends): ``with chinese_style(): df.plot()``."""
    import matplotlib
    return matplotlib.rc_context({"font.family": [font_family(), "DejaVu Sans"], "axes.unicode_minus": False,
                                  "svg.fonttype": "path"})


def styled(chart):
    """A chart function drawn in ``chinese_style``: every text it makes keeps the font."""
    @functools.wraps(chart)
    def draw(*args, **kwargs):
        with chinese_style():
            return chart(*args, **kwargs)
    return draw


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


# where a label may break: at brackets and separators, after a place name, before a company form
SOFT_BREAK = re.compile(r"(?=[（(《【])|(?<=[）)》】/_\s，、])(?![）)》】])|(?<=[省市区县])(?![）)])|(?=有限公司|股份|集团)")


def wrap_label(name: str, width: int = 10) -> str:
    """A label on lines of at most ``width`` characters, broken where ``SOFT_BREAK`` allows,
    mid-word only where one piece is longer than a line."""
    lines = [""]
    for piece in filter(None, SOFT_BREAK.split(name)):
        if lines[-1].strip() and len(lines[-1].rstrip()) + len(piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
        while len(lines[-1].strip()) > width:
            line = lines.pop().strip()
            lines += [line[:width], line[width:]]
    return "\n".join(x.strip() for x in lines if x.strip()) or name


def luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as 0–1 floats."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21)."""
    hi, lo = sorted((luminance(one), luminance(other)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def to_rgb(colour) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb as rgb
    return rgb(colour)


def ink(background) -> str:
    """Black or white text, whichever contrasts more with ``background`` (at least 4.58:1)."""
    return "black" if contrast((0, 0, 0), background) >= contrast((1, 1, 1), background) else "white"


def _labels(comp: Comparison) -> list[str]:
    return [comp.words.category(c) for c in comp.categories]


@styled
def risk_heatmap(comp: Comparison):
    """Category × vendor, coloured by the most one-sided clause (−1 favours the customer … +1)."""
    import numpy as np
    from matplotlib import colormaps
    silent = np.array([[not comp.matrix[(cat, n)].clause_ids for n in comp.names] for cat in comp.categories])
    data = np.ma.masked_array([[comp.matrix[(cat, n)].score for n in comp.names] for cat in comp.categories],
                              mask=silent)
    fig = _figure(2.0 + 1.6 * len(comp.names), 9.5)
    ax = fig.add_subplot()
    im = ax.imshow(data, cmap=colormaps["RdYlGn_r"].with_extremes(bad=NOT_COVERED), vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(comp.names)), [wrap_label(n) for n in comp.names], fontsize=8)
    ax.set_yticks(range(len(comp.categories)), _labels(comp), fontsize=8)
    for i, cat in enumerate(comp.categories):
        for j, name in enumerate(comp.names):
            n = len(comp.matrix[(cat, name)].findings)
            if silent[i, j]:
                ax.text(j, i, "未约定", ha="center", va="center", fontsize=6, color=ink(to_rgb(NOT_COVERED)))
            elif n:
                ax.text(j, i, f"{n}", ha="center", va="center", fontsize=8, color=ink(im.cmap(im.norm(data[i, j]))))
    ax.set_title("条款偏向热力图（数字为风险发现数；灰色为合同未约定）", fontsize=10)
    fig.colorbar(im, ax=ax, shrink=0.6, label="偏向：−1 有利客户 … +1 有利供应商")
    return fig


MISSING_COLOUR = "#9e9e9e"


def _points(comp: Comparison, name: str, what: str, d: dict) -> float:
    """Risk points of one vendor's distinct issues of one severity (or of its missing terms)."""
    a = comp.analysis(name)
    if what == "missing":
        return d["missing_term_weight"] * len(a.missing)
    return sum(d["severity_weights"][g.severity] * (d["mutual_factor"] if g.mutual else 1.0)
               for g in comp.issues[name] if g.severity == what and not a.findings[g.first].regulatory)


@styled
def risk_bars(comp: Comparison):
    """Risk score per vendor (0–100), each bar split in proportion to where its points come from:
    distinct issues by severity, and the expected terms the contract leaves out."""
    d = comp.words.scoring
    fig = _figure(8, 1.2 + 0.7 * len(comp.names))
    ax = fig.add_subplot()
    order = list(comp.names)[::-1]
    parts = {n: {k: _points(comp, n, k, d) for k in RISK_PARTS} for n in order}
    left = [0.0] * len(order)
    for key, label in RISK_PARTS.items():
        widths = [_share(comp.analysis(n).risk_score, parts[n], key) for n in order]
        ax.barh(range(len(order)), widths, left=left, color=SEVERITY_COLOURS.get(key, MISSING_COLOUR), label=label)
        left = [x + w for x, w in zip(left, widths)]
    for i, n in enumerate(order):
        ax.text(comp.analysis(n).risk_score + 1, i, f"风险分 {comp.analysis(n).risk_score:g}", va="center", fontsize=8)
    ax.set_yticks(range(len(order)), [wrap_label(n, 16) + ("\n（未排名）" if n in comp.unranked else "") for n in order],
                  fontsize=8)
    ax.set_xlabel("风险分（0–100，越高越不利；色段按来源分摊：各严重程度的风险点与缺失的必备条款）")
    ax.set_title("各供应商风险分", fontsize=10)
    ax.legend(title="来源", fontsize=8, loc="lower right")
    ax.set_xlim(0, 118)
    return fig


RISK_PARTS = {"high": "高风险", "medium": "中风险", "low": "低风险", "missing": "缺失条款"}


def _share(score: float, parts: dict, key: str) -> float:
    """The part of ``score`` that ``key`` brings, in proportion to its points."""
    total = sum(parts.values())
    return score * parts[key] / total if total else 0.0


TERM_CHART = (("rate_per_minute", "通话资费（元/分钟）"), ("contract_amount", "合同金额（元）"),
              ("term_months", "合同期限（月）"))


@styled
def terms_chart(comp: Comparison):
    """Rate per minute, contract amount and term, side by side; 未约定 where the contract is silent."""
    fig = _figure(4 + 3.2 * len(comp.names) / 2, 4.2)
    axes = fig.subplots(1, len(TERM_CHART))
    for ax, (key, title) in zip(axes, TERM_CHART):
        values = [getattr(comp.analysis(n).terms, key) for n in comp.names]
        ax.bar(range(len(comp.names)), [v or 0 for v in values], color="#2e86c1")
        for i, v in enumerate(values):
            ax.text(i, (v or 0), "未约定" if v is None else f"{v:g}", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(comp.names)), [wrap_label(n, 6) for n in comp.names], fontsize=6)
        ax.set_title(title, fontsize=9)
    fig.suptitle("商务条款对比", fontsize=10)
    return fig


@styled
def coverage_chart(comp: Comparison):
    """Which categories each vendor's contract addresses at all."""
    import numpy as np
    data = np.array([[1 if comp.matrix[(cat, n)].clause_ids else 0 for n in comp.names] for cat in comp.categories])
    fig = _figure(2.0 + 1.4 * len(comp.names), 9)
    ax = fig.add_subplot()
    im = ax.imshow(data, cmap="Blues", vmin=-0.2, vmax=1.2, aspect="auto")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            ax.text(j, i, "✓" if data[i, j] else "未约定", ha="center", va="center", fontsize=8 if data[i, j] else 6,
                    color=ink(im.cmap(im.norm(data[i, j]))))
    ax.set_xticks(range(len(comp.names)), [wrap_label(n) for n in comp.names], fontsize=8)
    ax.set_yticks(range(len(comp.categories)), _labels(comp), fontsize=8)
    ax.set_title("条款覆盖（✓ 表示合同有此类条款，未约定表示没有）", fontsize=10)
    return fig


CHARTS = {"heatmap": risk_heatmap, "risk": risk_bars, "terms": terms_chart, "coverage": coverage_chart}
assert set(k for k, _ in TERM_CHART) <= set(TERM_KEYS)
