"""Whole-database backup and restore: `pg_dump` custom format for PostgreSQL, SQLite's online backup API for SQLite.

Both restores are all-or-nothing: PostgreSQL restores in one transaction, SQLite copies the backup over the live
database page by page under its lock. Once the restored data is committed the public page cache is cleared, so no
page drawn from the data before it is served after it. Uploaded media files are not in the database: back up
MEDIA_ROOT beside it.
"""

import os
import shutil
import sqlite3
import subprocess

from django.db import connections

from heritage import pagecache

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def default_extension(alias="default"):
    return "dump" if connections[alias].vendor == "postgresql" else "sqlite3"


def _pg_command(program, settings_dict):
    """The pg_dump/pg_restore command line and environment for a Django database, password in the environment."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    args = [path, "--no-password"]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{os.path.basename(args[0])} failed: {result.stderr.strip()}")


def backup(output, alias="default"):
    """Write the whole database to ``output`` (a path)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg_command("pg_dump", connection.settings_dict)
        _run([*args, "--format=custom", "--file", str(output), connection.settings_dict["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        # The backup API copies a consistent snapshot even while other connections write.
        with sqlite3.connect(output) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"No backup method for {connection.vendor}.")


def restore(path, alias="default"):
    """Replace the whole database with the backup at ``path``. All or nothing."""
    connection = connections[alias]
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL custom-format dump (made by `backup` on PostgreSQL).")
        connection.close()  # our own idle connection must not hold locks the restore needs
        args, env = _pg_command("pg_restore", connection.settings_dict)
        _run(
            [
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite database (made by `backup` on SQLite).")
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"No restore method for {connection.vendor}.")
    # pg_restore has committed in its own process, SQLite's backup copy is committed when it returns: pages
    # cached from the replaced data must go now (restore writes past the models, so no signal clears them).
    pagecache.invalidate()
