"""What an import reports and carries between its steps: row results, the whole import's result, pending rows."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models

NEW, CHANGED, UNCHANGED, INVALID = "new", "changed", "unchanged", "invalid"
# A changed row of a published record from an importer who may not publish it: kept as a proposal, not written.
PROPOSED = "proposed"
PREVIEW_ROWS = 500  # rows kept for the preview table; the counts cover every row
MAX_REPORTED_ERRORS = 1000


class RowError(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class RowResult:
    number: int
    status: str
    key: str = ""
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what was adjusted to be stored ("rounded 40.123456789 to …")
    changes: list = field(default_factory=list)  # (column, stored value, value in the file) of a changed row


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0
    noted: int = 0  # rows with notes, all of them (``rows`` keeps the notes of the first PREVIEW_ROWS)
    sheet: str = ""  # the workbook sheet read, and the workbook's other sheets (``heritage.transfer.files``)
    other_sheets: list = field(default_factory=list)
    to_create: dict = field(default_factory=dict)  # what the import will create besides its rows: label -> names

    def add(self, row):
        self.counts[row.status] += 1
        if row.notes:
            self.noted += 1
        if len(self.rows) < PREVIEW_ROWS:
            self.rows.append(row)
        if row.status == INVALID and len(self.invalid) < MAX_REPORTED_ERRORS:
            self.invalid.append(row)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def has_errors(self):
        return bool(self.counts[INVALID] or self.file_errors)

    @property
    def rows_per_second(self):
        return self.total / self.seconds if self.seconds else 0.0


@dataclass
class Pending:
    """One valid row waiting to be written, with what to do after its record is saved."""

    obj: models.Model
    is_new: bool
    m2m: dict = field(default_factory=dict)  # relation name -> ids to add
    extra: dict = field(default_factory=dict)


@dataclass
class Checked:
    """A checked chunk: each row's result, the rows to write (with their numbers) and new rows' search texts."""

    rows: list = field(default_factory=list)
    pendings: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    search: list | None = None
    # The changed rows' search texts, when the checking thread could make them (``copy_ahead``), else None.
    changed_search: list | None = None
    proposed: list = field(default_factory=list)  # Pending rows to keep as proposals (``ProposedRows``)
    copies: dict = field(default_factory=dict)  # model -> CopyData of its new records (copy_ahead)
    versions: dict = field(default_factory=dict)  # model -> (pks, COPY lines of their versions without revision)
