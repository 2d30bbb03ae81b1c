"""Ids that lost their leading zeros: the mark of a file opened and saved in a spreadsheet.

Excel reads an id made of digits as a number and saves it without its leading
zeros: 0008392 becomes 8392. Its rows then no longer join the other files'
rows, and every figure built on them is wrong (a student's absences counted
without their enrollment). A row's id is judged lost when another file writes
it with more leading zeros and this file never does (so a second file saved
from Excel does not hide the first); a DESE code when it is digits shorter
than DESE's 8. The run stops (rule id_leading_zeros)
and the message says what to do: export again without Excel, or set the
settings' id_width so ids are padded as they are read.

Each file is judged on its own rows only, so the file that lost the zeros is
the one named: an enrollment saved from Excel, not the attendance that joins it.
"""

from __future__ import annotations

from sezp_roadmap.extracts import DESE_CODE_WIDTH, EXTRACTS, ID_KINDS, Column, Extract
from sezp_roadmap.findings import ERROR

RULE = "id_leading_zeros"


def compared_with(extract: Extract, kind: str) -> list[tuple[str, str]]:
    """The (extract, column) pairs whose ids this extract's ids of the kind must join.

    The source of a kind of id (enrollment for students, schools for schools)
    is compared with every other file that uses it; every other file with the source.
    """
    source = ID_KINDS[kind]
    return [
        (other.name, column.name)
        for other in EXTRACTS.values()
        if other.name != extract.name and (extract.name == source or other.name == source)
        for column in other.columns
        if column.identifies == kind
    ]


def _digits_only(text: str) -> str:
    """SQL: `text` is digits only (regexp_full_match(text, '[0-9]+')), without a regular expression: DuckDB
    tests it on every row of the scan, tens of millions at state size, at a tenth of the pattern's cost."""
    return f"({text} <> '' and ltrim({text}, '0123456789') = '')"


def _theirs_sql(pairs: list[tuple[str, str]]) -> str:
    """Every distinct id of digits the other files write, with the extract that writes it.

    Distinct per table first: one column, so the aggregate stays cheap when a
    table is attendance at state size (tens of millions of rows).
    """
    union = " union all ".join(
        f'select distinct "{column}" as id, \'{name}\' as source from staging.{name} where "{column}" is not null'
        for name, column in pairs
    )
    return f"select id, min(source) as source from ({union}) where {_digits_only('id')} group by id"


def _joined_ids_rule(extract: Extract, column: Column, pairs: list[tuple[str, str]]) -> tuple:
    value = f'"{column.name}"'
    # The distinct ids of the rows read (staging's and their repeats), straight from the tables: through
    # _rows, every row's school year was worked out first (tens of millions of rows at state size).
    distinct_ids = " union ".join(
        f"select {value} as id from staging.{table} where {value} is not null"
        for table in (extract.name, f"{extract.name}_repeats")
    )
    sql = (
        f"with theirs as ({_theirs_sql(pairs)}), "
        # Not tested for digits: only an id of digits matches one of theirs (all digits) once both lose their
        # leading zeros, and DuckDB would test every row, not every distinct id.
        f"mine as (select id from ({distinct_ids}) where ltrim(id, '0') <> ''), "
        # Another file writes the id with more leading zeros, and this file never does.
        "lost as (select m.id, min(t.id) as restored, arg_min(t.source, t.id) as source from mine as m "
        "join theirs as t on ltrim(t.id, '0') = ltrim(m.id, '0') and length(t.id) > length(m.id) "
        "where t.id not in (select id from mine) group by m.id), "
        # The files of the extract that writes the id with its zeros, as the message names them.
        "files as (select extract, string_agg(file_name, ', ' order by file_name) as names, count(*) as n "
        "from meta.load_files group by extract) "
        f"select r._source_file, r._source_row, '{column.name}', r.{value}, "
        "'''' || l.restored || ''', as ' || coalesce(f.names, 'the ' || l.source || ' extract') "
        "|| case when f.n > 1 then ' write it' else ' writes it' end, "
        "?, r._school_id, r._school_year "
        f"from _rows as r join lost as l on r.{value} = l.id left join files as f on f.extract = l.source"
    )
    return (RULE, ERROR, sql, ["this id lost its leading zeros: the other files write it with more"])


def _dese_code_rule(column: Column) -> tuple:
    value = f'"{column.name}"'
    sql = (
        f"select _source_file, _source_row, '{column.name}', {value}, "
        f"'''' || lpad({value}, ?, '0') || ''' (DESE codes have ' || ?::varchar || ' digits)', ?, _school_id, _school_year "
        f"from _rows where regexp_full_match({value}, '[0-9]+') and length({value}) < ?"
    )
    reason = f"this DESE code is shorter than {DESE_CODE_WIDTH} digits: it lost its leading zeros"
    return (RULE, ERROR, sql, [DESE_CODE_WIDTH, DESE_CODE_WIDTH, reason, DESE_CODE_WIDTH])


def leading_zero_rules(extract: Extract) -> list[tuple]:
    """The rule's queries over _rows for every id column of the extract (findings.record_many parts)."""
    parts = []
    for column in extract.columns:
        if column.identifies == "dese_code":
            parts.append(_dese_code_rule(column))
        elif column.identifies is not None and (pairs := compared_with(extract, column.identifies)):
            parts.append(_joined_ids_rule(extract, column, pairs))
    return parts
