"""Error types shared by every app. Each names what is wrong and where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied


class IvpError(Exception):
    """Base class for errors that are shown to the user as they are."""


class NotFoundError(IvpError):
    """A requested object (an area, a plan, ...) does not exist."""


class AccessDenied(PermissionDenied):
    """The user may not do this. Rendered as HTTP 403; the CLI reports it."""


class ValidationFailed(IvpError):
    """Input was refused; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class FileProblem:
    """One problem in an input file: the file, the row (1 = header line) and the field."""

    path: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class DataFileError(IvpError):
    """An input file was rejected; nothing from it was stored."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the input; nothing was stored:\n{shown}{more}")

    @classmethod
    def single(cls, path: Path | str, row: int | None, field: str | None, message: str) -> DataFileError:
        return cls([FileProblem(str(path), row, field, message)])
