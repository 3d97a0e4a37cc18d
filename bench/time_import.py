"""Time ``manage.py import_monuments FILE`` on PostgreSQL: wall clock, and the CPU of the import and of its backend.

Run it against a scratch database (it imports for real), from the project folder:
DATABASE_URL=postgres://…/scratch DEBUG=1 python bench/time_import.py bench/data/monuments.csv
On a machine shared with other work the wall clock mostly measures waiting for a core; the CPU sum does not.
The import checks the next chunk in a second thread while PostgreSQL writes the previous one, so on an idle
machine with two cores or more the wall clock is about the larger of the import's CPU time (its threads share
one core's worth) and PostgreSQL's plus the main thread's share, not their sum. See bench/README.md.
"""

import os
import sys
import time
from pathlib import Path


def backend_cpu(pid):
    """User + system CPU seconds of a local PostgreSQL backend, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with open(path, encoding="utf-8") as handle:
        rows = sum(1 for _line in handle) - 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    backend, own, started = backend_cpu(pid), time.process_time(), time.perf_counter()
    call_command("import_monuments", path, verbosity=0)
    wall, own, backend = time.perf_counter() - started, time.process_time() - own, backend_cpu(pid) - backend
    load = os.getloadavg()[0]
    print(
        f"{rows:,} rows: wall {wall:.2f} s ({rows / wall:,.0f} rows/s); CPU: import {own:.2f} s, "
        f"PostgreSQL {backend:.2f} s, together {own + backend:.2f} s ({rows / (own + backend):,.0f} rows/CPU-second); "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main(sys.argv[1])
