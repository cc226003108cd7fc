"""What the importer reports: problems that name the row, column and value, and a refusal."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row a spreadsheet shows (header rows counted); None for the whole file
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = [f"row {self.row}" if self.row is not None else "file"]
        if self.column:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.message}"


class Rejected(Exception):
    """The file cannot be imported as it is; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:3]))
        self.problems = problems


def file_problem(message: str, column: str | None = None, value: str | None = None) -> Rejected:
    return Rejected([Problem(None, column, value, message)])
