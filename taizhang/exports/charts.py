"""Charts for the 通报 as PNG bytes (pure): matplotlib's Agg canvas, no pyplot and no global state,
Chinese labels in a CJK font from Debian's fonts-noto-cjk."""

from __future__ import annotations

from io import BytesIO

from taizhang.errors import ConfigurationError
from taizhang.exports.rows import Chart, RankedUnit, SectionCounts

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")
STATES = (("completed", "已完成", "#2E75B6"), ("on_track", "达进度", "#70AD47"), ("behind", "欠进度", "#ED7D31"),
          ("overdue", "逾期", "#C00000"), ("unrated", "暂无评价", "#BFBFBF"))
DPI = 200


def cjk_font() -> str:
    """The first installed CJK font family, or a ConfigurationError naming the package to install."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in installed:
            return family
    raise ConfigurationError("缺少中文字体，无法绘制通报中的图表：请安装 fonts-noto-cjk（sudo apt-get install fonts-noto-cjk）。")


def _figure(height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.2, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white",
                   metadata={"Software": None})
    return buffer.getvalue()


def progress_chart(sections: tuple[SectionCounts, ...], caption: str) -> Chart:
    """Stacked horizontal bars: each section's tasks by state."""
    font = cjk_font()
    labels = [s.title for s in sections][::-1]
    figure = _figure(0.45 * len(labels) + 1.4)
    axes = figure.add_subplot()
    left = [0] * len(labels)
    for key, label, colour in STATES:
        values = [getattr(s.counts, key) for s in sections][::-1]
        if not any(values):
            continue
        bars = axes.barh(labels, values, left=left, color=colour, label=label, height=0.6)
        for bar, value in zip(bars, values, strict=True):
            if value:
                axes.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                          ha="center", va="center", color="white", fontsize=9, family=font)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("任务数（项）", family=font)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for tick in axes.get_yticklabels():
        tick.set_family(font)
    axes.legend(prop={"family": font, "size": 9}, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.22),
                frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return Chart(caption=caption, png=_png(figure))


def score_chart(ranking: tuple[RankedUnit, ...], caption: str) -> Chart:
    """Horizontal bars of each unit's score, best at the top."""
    font = cjk_font()
    shown = ranking[::-1]
    figure = _figure(min(8.5, 0.2 * len(shown) + 1.0))
    axes = figure.add_subplot()
    scores = [float(u.score) for u in shown]
    colours = ["#C00000" if s < 0 else "#2E75B6" for s in scores]
    axes.barh([u.name for u in shown], scores, color=colours, height=0.6)
    for y, score in enumerate(scores):
        axes.text(score, y, f" {score:g} " if score >= 0 else f" {score:g} ", va="center",
                  ha="left" if score >= 0 else "right", fontsize=8, family=font)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel("考核得分", family=font)
    for tick in axes.get_yticklabels():
        tick.set_family(font)
        tick.set_fontsize(9)
    axes.spines[["top", "right"]].set_visible(False)
    return Chart(caption=caption, png=_png(figure))
