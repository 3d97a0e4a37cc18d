"""Progress of a long management command: a bar redrawn in place on a terminal, plain lines now and then otherwise.

One implementation for every command that runs for minutes (``generate_sample``, ``rebuild_search``,
``rebuild_map_cells``). A carriage return only makes sense on a terminal: written to a log file, a pipe, cron's
mail or a CI job it leaves one unreadable line of overwritten bars. So when the output is not a terminal the
command writes a plain line at every further tenth of the work (every ``LINE_SECONDS`` when the total is not
known) and one at the end, and never a ``\\r``.
"""

import time

from django.core.management.base import OutputWrapper
from django.utils.translation import gettext as _

BAR_WIDTH = 30
LINE_SECONDS = 30


def _isatty(out):
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Counts work done out of ``total`` (``None``: unknown) and reports it on ``out`` (``None``: nowhere).

    Call ``step(n)`` after each batch; the last step (``done`` reaching ``total``) finishes by itself, otherwise
    call ``finish()``. ``rate`` is items per second since the start.
    """

    def __init__(self, label, total, out=None):
        self.label, self.total, self.out = label, total, out
        self.start = time.monotonic()
        self.done = 0
        self.tty = out is not None and _isatty(out)
        self._drawn = False  # a bar is on the screen (tty)
        self._reported = 0  # items done when the last plain line was written (not a tty)
        self._last_line = self.start
        self._finished = False

    @property
    def rate(self):
        return self.done / max(time.monotonic() - self.start, 1e-6)

    def step(self, n=1):
        self.done += n
        if self.out is not None and not self._finished:
            if self.tty:
                self._write("\r" + self._bar())
                self._drawn = True
            elif self._line_due():
                self._line()
        if self.total is not None and self.done >= self.total:
            self.finish()

    def finish(self):
        """End the report: the bar's line is closed, or a last plain line says how much was done."""
        if self._finished or self.out is None:
            return
        self._finished = True
        if self.tty and self._drawn:
            self._write("\n")
        elif not self.tty and self.done and self._reported != self.done:
            self._line()

    def _line_due(self):
        if self.total:
            # The first line at 10 %, then at every further tenth.
            return int(10 * self.done / self.total) > int(10 * self._reported / self.total)
        return time.monotonic() - self._last_line >= LINE_SECONDS

    def _line(self):
        self._write(self._text() + "\n")
        self._reported, self._last_line = self.done, time.monotonic()

    def _text(self):
        values = {"label": self.label, "done": f"{self.done:,}", "rate": f"{self.rate:,.0f}"}
        if self.total:
            values.update(total=f"{self.total:,}", percent=int(100 * self.done / self.total))
            return _("%(label)s: %(done)s of %(total)s (%(percent)d%%), %(rate)s a second") % values
        return _("%(label)s: %(done)s, %(rate)s a second") % values

    def _bar(self):
        rate = f"{self.rate:>9,.0f}/s"
        if not self.total:
            return f"{self.label:<10} {self.done:>11,} {rate}"
        filled = min(BAR_WIDTH, int(BAR_WIDTH * self.done / self.total))
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return f"{self.label:<10} [{bar}] {self.done:>11,}/{self.total:,} {rate}"

    def _write(self, text):
        if isinstance(self.out, OutputWrapper):
            self.out.write(text, ending="")  # OutputWrapper would add a newline after every redraw
        else:
            self.out.write(text)
        self.out.flush()
