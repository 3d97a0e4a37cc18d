"""Imports that overlap in one process (the threads of a web worker) leave no process-wide setting behind."""

import gc
import sys
import threading

import pytest
from django.db import connections

from heritage.transfer.files import read_rows
from monuments.importers import MonumentImport
from tests.heritage.test_imports import csv_file

pytestmark = pytest.mark.django_db

ORDERS = {
    "A-enter B-enter A-exit B-exit": ("A", "B"),
    "A-enter B-enter B-exit A-exit": ("B", "A"),
}


@pytest.mark.parametrize("order", ORDERS)
def test_two_overlapping_imports_restore_the_thread_switch_interval(order, monkeypatch):
    """Two monument imports in two threads of one process, forced (by events in ``prepare()``, which runs inside
    the import) to start in the order A, B and to end in the order the test names. Whatever the order, the
    shortened interval (and the paused cycle collector) hold while either still runs, and the original values
    come back when the last one ends."""
    first_out, last_out = ORDERS[order]
    original, collecting = sys.getswitchinterval(), gc.isenabled()
    inside = {name: threading.Event() for name in "AB"}
    ended = {name: threading.Event() for name in "AB"}
    seen, errors = {}, []
    prepare = MonumentImport.prepare

    def waiting_prepare(importer, chunk):
        name = importer.name
        inside[name].set()
        if name == "A":
            assert inside["B"].wait(10), "B never started"
        if name == last_out:
            assert ended[first_out].wait(30), f"{first_out} never ended"
            seen[f"interval while only {name} runs"] = sys.getswitchinterval()
            seen[f"collector on while only {name} runs"] = gc.isenabled()
        return prepare(importer, chunk)

    monkeypatch.setattr(MonumentImport, "prepare", waiting_prepare)

    def run_import(name):
        try:
            importer = MonumentImport()
            importer.name = name
            # Rows that name no existing type: the import checks them (inside the same block) and saves nothing.
            handle, file_name = csv_file(["name", "monument_type"], [[f"Monument {name}", "no-such-type"]])
            result = importer.run(read_rows(handle, file_name), dry_run=True)
            assert result.counts == {"invalid": 1}
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            ended[name].set()
            connections.close_all()

    a = threading.Thread(target=run_import, args=["A"])
    b = threading.Thread(target=run_import, args=["B"])
    a.start()
    assert inside["A"].wait(10)
    b.start()
    a.join(60)
    b.join(60)
    assert not errors, errors
    assert seen == {
        f"interval while only {last_out} runs": 0.0005,
        f"collector on while only {last_out} runs": False,
    }
    assert sys.getswitchinterval() == original and gc.isenabled() == collecting
