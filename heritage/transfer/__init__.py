"""The import/export machinery, one job a module (no module imports an app of ours):

- ``files``: reading and writing CSV and XLSX files (``read_rows``, ``write_xlsx``), the project's one CSV writer
  (``csv_lines``) and its one formula guard (``csv_safe``/``csv_cells`` for public files, ``neutralise_text``/
  ``restore_text`` for files read back).
- ``exports``: the public exports' streamed CSV, JSON and GeoJSON responses.
- ``values``: cell text to field values and back (``parse_field``, ``format_value``), lists in a cell.
- ``results``: what an import reports (``RowError``, ``RowResult``, ``ImportResult``) and carries between steps.
- ``importer``: ``TableImport``, the base of every model's importer, and its run: check, write, index.
- ``pipeline``: the threaded pipeline (check the next chunk while this one is written), COPY text made ahead.
- ``slugs``: a name's slugs, and new records' slugs allocated without a query per row.
- ``bulk``: the one bulk writer, PostgreSQL ``COPY`` (and its staging table for search vectors), ``reserve_ids``;
  imports, history versions and ``generate_sample`` all write through it.
- ``versions``: django-reversion history versions in bulk; the one use of reversion's private API.
- ``process``: process-wide tweaks while an import runs (cycle collector, thread switch interval).
"""
