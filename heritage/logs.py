"""One log line for the app and gunicorn alike: time, level, logger, request id, path, message (and traceback).

``LOG_FORMAT=text`` (the default) writes a line a person reads::

    2026-05-04T09:30:12.345Z ERROR django.request [3f2a9c… /monuments/] Internal Server Error: /monuments/

``LOG_FORMAT=json`` writes one JSON object per line, for a log collector: ``time``, ``level``, ``logger``,
``request_id``, ``path``, ``message``, plus ``traceback`` when there is one, and ``status`` and ``duration_ms`` on
gunicorn's access lines. Outside a request the id and path are ``-`` (text) or ``null`` (JSON).

The request id and path come from the request this thread is serving: heritage.requestid sets them when a
request comes in and clears them when its response is closed, so the lines Django writes after the middleware
(``Not Found: /x``) carry them too. gunicorn's access lines are written after that; they take the id from the
response's ``X-Request-ID`` header and the path from the request itself.

settings.LOGGING uses the formatters and the filter for the app; gunicorn.conf.py names ``gunicorn_logger`` as
gunicorn's logger class, so that gunicorn's own lines (in the master process too, before Django is set up) look
the same. This module needs neither Django nor the settings.
"""

import json
import logging
import logging.handlers
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime

from gunicorn import glogging

# (request id, path) of the request being served in this thread, or None.
_current_request = ContextVar("heritage_current_request", default=None)

# A path is the client's text: control characters would let it forge a line, and a line needs no 8 kB path.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PATH_MAX_CHARS = 200


def loggable_path(path):
    path = _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", path)
    return path if len(path) <= PATH_MAX_CHARS else path[:PATH_MAX_CHARS] + "…"


def set_request(request_id, path):
    _current_request.set((request_id, loggable_path(path)))


def clear_request():
    _current_request.set(None)


def current_request_id():
    current = _current_request.get()
    return current[0] if current else None


def _access_atoms(record):
    """gunicorn's access lines are logged with the request's "atoms" (status, path, headers...) as arguments."""
    if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
        return record.args
    return None


class RequestContextFilter(logging.Filter):
    """Puts ``request_id`` and ``request_path`` on every record a handler writes (None outside a request)."""

    def filter(self, record):
        atoms = _access_atoms(record)
        if atoms is not None:
            request_id = atoms.get("{x-request-id}o")
            path = atoms.get("U")
            record.request_id, record.request_path = request_id, loggable_path(path) if path else None
        else:
            record.request_id, record.request_path = _current_request.get() or (None, None)
        return True


def _time(record):
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    def format(self, record):
        request_id = getattr(record, "request_id", None) or "-"
        path = getattr(record, "request_path", None) or "-"
        line = f"{_time(record)} {record.levelname} {record.name} [{request_id} {path}] {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "path": getattr(record, "request_path", None),
            "message": record.getMessage(),
        }
        atoms = _access_atoms(record)
        if atoms is not None:
            status = str(atoms.get("s", ""))
            entry["status"] = int(status) if status.isdigit() else None
            entry["duration_ms"] = atoms.get("M")
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


def formatter_class(log_format):
    """The formatter for a LOG_FORMAT value; a clear error for anything else."""
    try:
        return FORMATTERS[log_format.strip().lower()]
    except KeyError:
        valid = " or ".join(FORMATTERS)
        raise ValueError(f"LOG_FORMAT={log_format!r} is not a log format: use {valid}.") from None


REQUEST_CONTEXT = RequestContextFilter()  # one instance, so that gunicorn's re-setup never stacks copies


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with our line on its error and access handlers.

    A logger class rather than ``logconfig_dict``: gunicorn still makes its handlers from ``accesslog``,
    ``errorlog`` and their command-line options (``--access-logfile``, bench/load.sh), reopens files on USR1
    and honours ``loglevel``; only their format changes. Syslog handlers keep gunicorn's syslog format.
    """

    log_format = "text"

    def setup(self, cfg):
        super().setup(cfg)
        formatter = formatter_class(self.log_format)()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(REQUEST_CONTEXT)
                if not isinstance(handler, logging.handlers.SysLogHandler):
                    handler.setFormatter(formatter)


def gunicorn_logger(log_format):
    """gunicorn's ``logger_class`` for a LOG_FORMAT value (checked now, so a typo stops gunicorn at start)."""
    formatter_class(log_format)
    return type("GunicornLogger", (GunicornLogger,), {"log_format": log_format})
