"""The rows of the charts' tables, written in Python instead of a template loop.

A school page has about 16 chart tables with some 200 rows and a thousand
cells: most of its table cells. In a Jinja loop with autoescape every cell
costs a Markup object and the loop's own bookkeeping, which made these rows
the largest cost of rendering a page. Here each cell is escaped exactly as
autoescape escapes it (tests/test_reports.py checks it against markupsafe),
and the rows are laid out exactly as the chart_with_table macro laid them out.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def escaped(value) -> str:
    """The text autoescape prints for a value (markupsafe.escape's).

    Most cells are numbers and words with nothing to escape: those are
    returned as they are, without the Markup object escape() makes for each.
    """
    if value.__class__ is str and not ("&" in value or "<" in value or ">" in value or '"' in value or "'" in value):
        return value
    return str(escape(value))


def chart_table_rows(rows: list[list], keys: list[str]) -> Markup:
    """The <tr> elements of a chart's table: the first value heads the row, the others are its cells.

    keys: the data-cell attribute of each row (the metric and subgroup), or
    none at all for a table whose rows are not cells of the mart (months, bands).
    """
    if keys and len(keys) != len(rows):
        raise ValueError(f"a chart table has {len(rows)} rows but {len(keys)} keys")
    lines = []
    for position, (heading, *cells) in enumerate(rows):
        key = f' data-cell="{escaped(keys[position])}"' if keys else ""
        tds = "".join([f"<td>{escaped(v)}</td>" for v in cells])
        # The layout the macro's loop wrote: the row closes on the line of its cells.
        lines.append(f'        <tr{key}>\n          <th scope="row">{escaped(heading)}</th>{tds}        </tr>\n')
    return Markup("".join(lines))
