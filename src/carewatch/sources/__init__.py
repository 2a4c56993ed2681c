"""The input readers: SSDA903, the local extract, population, CIN census and the manifest.

``read_inputs(paths)`` is the one entry point (carewatch.sources.reader)::

    result = read_inputs([Path("exports/")])   # files and/or folders, read recursively
    result.tables     # schema.sql table name -> frame with exactly its schema.sql columns;
                      # only the tables that were sent (the CIN file gives all five cin_* tables)
    result.findings   # FINDINGS_SCHEMA frame: file.*, table.*, value.*, merge.* codes
    result.manifest   # manifest.json contents, {} if none
    result.files      # [{file, sha256, table_name, year, rows}]: one per CSV, sheet or XML file
    result.rejected   # True when any finding is a file_error

``_file`` is the path relative to the folder given (or the file's name), with ``#Sheet`` for a
workbook sheet; ``_row`` is the row a spreadsheet shows (header = 1). CIN findings give the XML
line as ``row``.
"""
from carewatch.sources.common import SCHEMA, empty_table
from carewatch.sources.reader import ReadResult, read_inputs

__all__ = ["ReadResult", "read_inputs", "SCHEMA", "empty_table"]
