"""A report table's chart: a bar chart drawn on the server as SVG by pygal.

The chart is drawn from the rows as the table shows them, after suppression: a row whose
count is not shown has no bar, and its label says why ("fewer than 5", "not shown"), so
no suppressed value is ever in the chart, its data or its tooltips (pygal is never given
one). The table beside the chart is the accessible version: the SVG is hidden from screen
readers and holds no script and nothing to focus."""

from __future__ import annotations

import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

from webapp.reports.services import Remember, Report, Table

# GOV.UK Frontend's text, mid grey and blue.
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#b1b4b6",
    colors=("#1d70b8",),
    font_family='"GDS Transport", arial, sans-serif',
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    tooltip_font_size=14,
    no_data_font_size=16,
)

# About the width of half the page's column, so that text is drawn near its own size.
WIDTH = 480
ROW_HEIGHT = 32
MARGIN_HEIGHT = 60
MOST_AXIS_MARKS = 6


def _axis(top: int) -> list[int]:
    """Whole numbers from 0 to `top` or just past it, in steps of 1, 2 or 5 times a power
    of ten, at most MOST_AXIS_MARKS of them after 0."""
    step = 1
    while top > step * MOST_AXIS_MARKS:
        for multiple in (2, 5, 10):
            if top <= step * multiple * MOST_AXIS_MARKS or multiple == 10:
                step *= multiple
                break
    marks = -(-max(top, 1) // step)  # rounded up
    return [step * mark for mark in range(marks + 1)]


def _label(row) -> str:
    if row.figure.shown:
        return row.label
    return f"{row.label} ({row.figure.text})"


def bar_chart(table: Table) -> Markup:
    """The rows of `table` (its total aside) as horizontal bars, as inline SVG markup."""
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=WIDTH,
        height=MARGIN_HEIGHT + ROW_HEIGHT * len(table.rows),
        explicit_size=False,
        show_legend=False,
        print_values=True,
        js=[],  # no script of pygal's own
        disable_xml_declaration=True,
        value_formatter=lambda value: f"{value:,.0f}",
        no_data_text="No count here is shown",
        truncate_label=-1,  # labels in full
    )
    # pygal draws the first value at the bottom: reversed, the bars read as the table does.
    rows = list(reversed(table.rows))
    top = max((row.figure.value or 0 for row in rows if row.figure.shown), default=0)
    chart.config.y_labels = _axis(top)
    chart.x_labels = [_label(row) for row in rows]
    chart.add(table.heading, [row.figure.value if row.figure.shown else None for row in rows])
    svg = chart.render_tree()
    for node in list(svg.iter(etree.Comment, "{*}script", "script")):
        node.getparent().remove(node)
    for title in svg.iterfind("{*}title"):  # the chart's own, "Pygal" otherwise
        title.text = table.caption
    svg.set("aria-hidden", "true")
    svg.set("focusable", "false")
    svg.set("class", f"{svg.get('class', '')} app-report-chart__svg".strip())
    # Serialised by lxml, which escapes every label and value it holds.
    return Markup(etree.tostring(svg, encoding="unicode"))  # noqa: S704


def _shown(table: Table) -> tuple[tuple[str, str], ...]:
    return tuple((row.label, row.figure.text) for row in table.rows)


def for_report(report: Report, remember: Remember) -> dict[str, Markup]:
    """A chart for each of the report's tables but the summary, by the table's key; each
    kept (see webapp/reports/cache.py) for the rows it draws, as they are shown."""
    return {
        table.key: remember(
            report.scope,
            ("chart", table.key, table.caption, _shown(table)),
            lambda table=table: bar_chart(table),
        )
        for table in report.tables
    }
