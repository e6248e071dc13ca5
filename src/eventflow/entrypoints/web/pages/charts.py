"""The geometry of the dashboard's SVG charts, worked out here so the templates only draw it.

Sizes are SVG user units. A chart's natural width fits a phone's screen (about 360 CSS pixels, so 11-unit text is
11 pixels there) and the stylesheet lets it grow a little on a desktop; a chart with many columns gets wider and
scrolls in its own box. Bars are coloured by how far they are from the north star, 100 % approved at J-7, and every
figure is also written as text (and in the data table behind the chart).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import frozen

from eventflow.core.rules import Compliance

Row = tuple[str, Compliance]
WIDTH = 360
#: Column chart: room for the value labels above, the plot, the month labels below.
TOP, PLOT, BOTTOM, LEFT = 18, 120, 34, 30
COLUMN = 28  # the narrowest a column gets
#: Bar chart: one row per key, the label on the left (cut to ``LABEL_CHARS``), the value on the right.
ROW, LABEL, VALUE = 26, 128, 44
LABEL_CHARS = 19


def grade(ratio: float | None) -> str:
    """How close to 100 %: ``good`` (90 % or more), ``fair`` (70 % or more), ``poor``, or ``none`` (nothing due)."""
    if ratio is None:
        return "none"
    return "good" if ratio >= 0.9 else "fair" if ratio >= 0.7 else "poor"


def percent(ratio: float | None) -> int | None:
    return None if ratio is None else round(100 * ratio)


@frozen
class Column:
    month: dt.date
    show_year: bool  # under the first column and each January
    x: float  # the column's middle
    top: float
    height: float
    percent: int | None
    grade: str


@frozen
class ColumnChart:
    columns: Sequence[Column]
    width: float
    height: float
    baseline: float
    bar_width: float
    grid: Sequence[tuple[float, int]]  # (y, percent) of the 0, 50 and 100 % lines
    left: float = LEFT


def column_chart(rows: Sequence[Row]) -> ColumnChart:
    """One column per row (a month, keyed ``YYYY-MM``), its height the share approved by J-7."""
    step = max(COLUMN, (WIDTH - LEFT - 4) / max(1, len(rows)))
    baseline = TOP + PLOT
    columns = []
    for i, (key, compliance) in enumerate(rows):
        height = PLOT * (compliance.ratio or 0)
        month = dt.date(int(key[:4]), int(key[5:7]), 1)
        columns.append(
            Column(
                month=month,
                show_year=i == 0 or month.month == 1,
                x=LEFT + step * (i + 0.5),
                top=baseline - height,
                height=height,
                percent=percent(compliance.ratio),
                grade=grade(compliance.ratio),
            )
        )
    grid = [(baseline - PLOT * share / 100, share) for share in (0, 50, 100)]
    return ColumnChart(columns, LEFT + step * len(rows) + 4, baseline + BOTTOM, baseline, step * 0.62, grid)


@frozen
class Bar:
    key: str
    y: float  # the row's middle
    width: float
    percent: int | None
    grade: str


@frozen
class BarChart:
    bars: Sequence[Bar]
    width: float
    height: float
    plot_left: float = LABEL
    plot_width: float = WIDTH - LABEL - VALUE


def bar_chart(rows: Sequence[Row]) -> BarChart:
    """One horizontal bar per row (a bar, a type, an assignee), its length the share approved by J-7."""
    plot = WIDTH - LABEL - VALUE
    bars = [
        Bar(
            key=key,
            y=ROW * (i + 0.5),
            width=plot * (compliance.ratio or 0),
            percent=percent(compliance.ratio),
            grade=grade(compliance.ratio),
        )
        for i, (key, compliance) in enumerate(rows)
    ]
    return BarChart(bars, WIDTH, ROW * max(1, len(rows)))
