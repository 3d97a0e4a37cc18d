"""The threaded import pipeline: a ``pipelined`` importer checks chunk N+1 in a second thread while chunk N is
written, all SQL on one connection in one transaction; on PostgreSQL the checking thread also makes the COPY text
of new rows and their versions ahead (``copy_ahead``: ``reserve`` in ``prepare()``, ``copy_new`` in ``check()``).
``TableImport`` (``heritage.transfer.importer``) mixes this in; the thread switch interval is
``heritage.transfer.process.quick_thread_switches``.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.utils import translation

from heritage.transfer import versions
from heritage.transfer.bulk import copy_data, reserve_ids


def _no_queries(execute, sql, params, many, context):
    raise RuntimeError(f"An import's checking thread may not query the database; load it in prepare(): {sql}")


class Pipeline:
    """``TableImport``'s chunks in turn or in two threads, and the COPY text made ahead in the checking thread."""

    @property
    def offline(self):
        """True in the checking thread: caches hold all there is (``prepare()``), and no query may be made."""
        return self.checking_thread == threading.get_ident()

    def prepared(self, chunk):
        """``prepare()``, then which slugs the chunk's new rows would take (``prefetch_slugs``), now that the
        records its rows name by natural keys are known."""
        self.prepare(chunk)
        if self.copy_ahead:
            records = getattr(self, "by_pk", None)  # with those named by natural keys (MonumentImport, …)
            self.prefetch_search_related((records if records is not None else self.existing).values())
            # Keys only for the rows that may be new: a row naming an existing record by its key or a natural key
            # is that record (an update file reserves none).
            existing = self.existing
            self.reserve(
                self.model,
                sum(1 for _n, raw in chunk if raw.get(self.key) not in existing and not self.names_existing(raw)),
            )
        self.prefetch_slugs(chunk)

    def _checked_in_turn(self, rows):
        while chunk := self._read_chunk(rows):
            self.prepared(chunk)
            yield self.check(chunk)

    def _checked_in_parallel(self, rows):
        """Check chunk N+1 in a second thread while this one writes chunk N (``pipelined``).

        All SQL stays on this thread's connection, in the import's one transaction: the checking thread gets
        only what ``prepare()`` loaded, and a query there is refused (``_no_queries``). It also reads the next
        chunk of the file. psycopg2 lets go of the GIL while it waits for PostgreSQL, so reading and checking
        run while the database writes, on the second core.
        """
        alias = router.db_for_write(self.model)
        language = translation.get_language()

        def check_then_read(chunk):
            self.checking_thread = threading.get_ident()
            with connections[alias].execute_wrapper(_no_queries), translation.override(language):
                return self.check(chunk), self._read_chunk(rows)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as pool:
            chunk = self._read_chunk(rows)
            future = None
            if chunk:
                self.prepared(chunk)
                future = pool.submit(check_then_read, chunk)
            while future is not None:
                checked, chunk = future.result()
                future = None
                if chunk:
                    self.prepared(chunk)
                    future = pool.submit(check_then_read, chunk)
                yield checked  # written by the caller while the next chunk is checked

    def copy_new_extra(self, checked):
        """``copy_new()`` for the new records ``write_extra()`` writes."""

    def reserve(self, model, count):
        """In ``prepare()`` (``copy_ahead``): keys for up to ``count`` new ``model`` records of the chunk."""
        self.reserved[model] = reserve_ids(model, count)
        ContentType.objects.get_for_model(model)  # cached for the checking thread's versions

    def copy_new(self, checked, model, objects, search=None, links=None):
        """In the checking thread (``copy_ahead``): give new records the keys ``reserve()`` took, and make the
        COPY text of their rows and of their versions, so that writing them is sending text. ``links``:
        many-to-many name -> the ids each record will be linked to, in order."""
        if not objects:
            return
        reserved = self.reserved.pop(model, [])
        if len(reserved) < len(objects):  # more new records than prepare() foresaw: written the usual way
            return
        for obj, pk in zip(objects, reserved, strict=False):
            obj.pk = pk
        data = copy_data(model, objects, search)
        if data is None:  # written the usual way
            for obj in objects:
                obj.pk = None
            return
        checked.copies[model] = data
        lines = versions.version_lines(model, objects, links or {})
        if lines is not None:
            checked.versions[model] = ({obj.pk for obj in objects}, lines)
