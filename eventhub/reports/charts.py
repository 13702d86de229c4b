"""Server-rendered SVG charts: no scripts, no external files, printable, readable on a phone
(one bar per line under its label, a narrow view box that a phone shows at about its own
size). Each chart names itself (<title>, <desc>) for screen readers; the page puts the table
of its numbers beside it. Pure: numbers in, markup out."""

import uuid
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 360
LABEL_H = 16
BAR_H = 14
GAP = 10
# colour-blind-safe (Okabe–Ito) with a grey for "not stated"; print as distinct greys too
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
NOT_STATED = "#9a9a9a"


def _text(x: float, y: float, text: str, *, size: int = 13, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="#222">{escape(text)}</text>'
    )


def _frame(title: str, desc: str, height: float, body: list[str]) -> Markup:
    ident = "c" + uuid.uuid4().hex[:8]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(series: Sequence[tuple[str, str]], y: float) -> tuple[list[str], float]:
    out, x = [], 0.0
    for name, colour in series:
        width = 22 + 7.2 * len(name)
        if x + width > WIDTH and x > 0:
            x, y = 0.0, y + 18
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(x + 16, y, name, size=12))
        x += width + 10
    return out, y + 14


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    not_stated_last: bool = True,
) -> Markup:
    """One bar per category, split by the series (e.g. persons by region, split by sex); the
    last series is "not stated" (grey) when `not_stated_last`."""
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    if not_stated_last and series:
        colours[-1] = NOT_STATED
    body, y = _legend([(name, colours[i]) for i, (name, _v) in enumerate(series)], 14)
    totals = [sum(s[1][i] for s in series) for i in range(len(categories))]
    top = max(totals + [1])
    scale = (WIDTH - 48) / top
    desc_parts = []
    for i, label in enumerate(categories):
        y += GAP
        body.append(_text(0, y + 12, label))
        y += LABEL_H + 2
        x = 0.0
        parts = []
        for k, (name, values) in enumerate(series):
            value = values[i]
            if value:
                w = value * scale
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}" fill="{colours[k]}">'
                    f"<title>{escape(label)} — {escape(name)}: {value}</title></rect>"
                )
                x += w
                parts.append(f"{name} {value}")
        body.append(_text(x + 4, y + 12, str(totals[i]), size=12, weight="bold"))
        desc_parts.append(f"{label}: {totals[i]}" + (f" ({', '.join(parts)})" if parts else ""))
        y += BAR_H
    return _frame(title, "; ".join(desc_parts), y + 8, body)


def paired_bars(
    title: str, categories: Sequence[str], first: tuple[str, Sequence[int]], second: tuple[str, Sequence[int]]
) -> Markup:
    """Two bars per category (e.g. registered and attended per event, in date order)."""
    colours = (PALETTE[0], PALETTE[2])
    body, y = _legend([(first[0], colours[0]), (second[0], colours[1])], 14)
    top = max(list(first[1]) + list(second[1]) + [1])
    scale = (WIDTH - 48) / top
    desc_parts = []
    for i, label in enumerate(categories):
        y += GAP
        body.append(_text(0, y + 12, label))
        y += LABEL_H + 2
        for k, (name, values) in enumerate((first, second)):
            value = values[i]
            w = value * scale
            body.append(
                f'<rect x="0" y="{y:.1f}" width="{w:.1f}" height="{BAR_H - 3}" fill="{colours[k]}">'
                f"<title>{escape(label)} — {escape(name)}: {value}</title></rect>"
            )
            body.append(_text(w + 4, y + 10, str(value), size=11))
            y += BAR_H - 1
        desc_parts.append(f"{label}: {first[0]} {first[1][i]}, {second[0]} {second[1][i]}")
    return _frame(title, "; ".join(desc_parts), y + 8, body)
