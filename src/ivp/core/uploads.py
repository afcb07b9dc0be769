"""Checks for uploaded files, shared by every app that accepts one (plans, priorities, data).

`upload_check(file, kinds=...)` refuses a file that is too large, has another extension than
the allowed kinds, or whose content is not what the extension claims (content sniffing):

- `csv` and `yaml`: text in UTF-8 (a BOM is allowed), no NUL bytes, not a known binary format;
- `xlsx`: a ZIP archive with `[Content_Types].xml` and a `xl/` workbook part, whose unpacked
  size stays within a limit (no ZIP bombs).

It raises `UploadRefused` (a `ValidationFailed`) naming the file and what is wrong; it never
reads more than the size limit. `UploadValidator` is the same check for a form's FileField.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .errors import ValidationFailed

KINDS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".txt"),
    "yaml": (".yaml", ".yml"),
    "xlsx": (".xlsx",),
}
SNIFF_BYTES = 64 * 1024
# Unpacked size of an XLSX: at most this many times the packed size, and at most this in total.
XLSX_MAX_RATIO = 100
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
BINARY_MAGIC = (
    b"PK\x03\x04",  # ZIP (also XLSX, DOCX)
    b"%PDF",
    b"\x7fELF",
    b"MZ",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # old Office (XLS, DOC)
    b"\x1f\x8b",  # gzip
)


class UploadRefused(ValidationFailed):
    """An uploaded file was refused; nothing from it was read into the application."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "IVP_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _size(handle: IO[bytes]) -> int:
    position = handle.tell()
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(position)
    return size


def _looks_like_text(head: bytes) -> str | None:
    """Why `head` (the start of a file) is not UTF-8 text, or None when it is."""
    if any(head.startswith(magic) for magic in BINARY_MAGIC):
        return _("the content is a binary file, not text")
    if b"\x00" in head:
        return _("the content contains NUL bytes, so it is not text")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # an incomplete last character at the cut is fine
    except UnicodeDecodeError as exc:
        return _("the content is not UTF-8 text (byte %(position)d)") % {"position": exc.start + 1}
    return None


def _xlsx_problem(handle: IO[bytes], size: int) -> str | None:
    head = handle.read(4)
    handle.seek(0)
    if head != b"PK\x03\x04":
        return _("the content is not an Excel workbook (.xlsx)")
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("the workbook is damaged (not a readable ZIP archive)")
    finally:
        handle.seek(0)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return _("the content is a ZIP archive but not an Excel workbook (.xlsx)")
    if unpacked > min(XLSX_MAX_UNPACKED, max(size, 1) * XLSX_MAX_RATIO):
        return _("the workbook unpacks to %(size)d MB, too large to read") % {"size": unpacked // 2**20}
    return None


def upload_check(
    file: Any, *, kinds: Iterable[str], name: str | None = None, max_bytes: int | None = None
) -> str:
    """Check an uploaded file (a Django UploadedFile, an open binary file or a Path); return
    its kind (`csv`, `yaml` or `xlsx`) or raise UploadRefused naming the file and the problem."""
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown upload kinds: {unknown}")
    if isinstance(file, Path):
        with file.open("rb") as opened:
            return upload_check(opened, kinds=kinds, name=name or file.name, max_bytes=max_bytes)
    name = name or str(getattr(file, "name", "") or _("the file"))
    shown = Path(name).name
    limit = max_bytes if max_bytes is not None else max_upload_bytes()

    def refuse(message: str) -> UploadRefused:
        return UploadRefused([_("%(file)s: %(problem)s") % {"file": shown, "problem": message}])

    suffix = Path(name).suffix.lower()
    kind = next((k for k in kinds if suffix in KINDS[k]), None)
    if kind is None:
        allowed = ", ".join(ext for k in kinds for ext in KINDS[k])
        raise refuse(_("files of this type are not accepted (allowed: %(allowed)s)") % {"allowed": allowed})
    handle: IO[bytes] = getattr(file, "file", file)
    size = int(getattr(file, "size", None) or _size(handle))
    if size > limit:
        raise refuse(
            _("the file is %(size).1f MB; at most %(limit).1f MB is accepted")
            % {"size": size / 2**20, "limit": limit / 2**20}
        )
    if size == 0:
        raise refuse(_("the file is empty"))
    handle.seek(0)
    if kind == "xlsx":
        problem = _xlsx_problem(handle, size)
    else:
        problem = _looks_like_text(handle.read(SNIFF_BYTES))
        handle.seek(0)
    if problem:
        raise refuse(problem)
    return kind


@deconstructible
class UploadValidator:
    """`FileField(validators=[UploadValidator(kinds=["csv", "xlsx"])])`."""

    def __init__(self, *, kinds: Iterable[str], max_bytes: int | None = None) -> None:
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, file: Any) -> None:
        try:
            upload_check(file, kinds=self.kinds, max_bytes=self.max_bytes)
        except UploadRefused as exc:
            raise ValidationError(exc.problems) from exc

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )

    def __hash__(self) -> int:
        return hash((self.kinds, self.max_bytes))
