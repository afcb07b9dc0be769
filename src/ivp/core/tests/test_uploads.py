"""The shared upload check: size, extension and content, naming the file and the problem."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ivp.core.uploads import UploadRefused, UploadValidator, upload_check


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_refusal_is_in_dutch_by_default() -> None:
    with translation.override("nl"), pytest.raises(UploadRefused, match=r"leeg\.csv: het bestand is leeg"):
        upload_check(SimpleUploadedFile("leeg.csv", b""), kinds=["csv"])


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["prioriteit", "thema"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _refusal(content: bytes, name: str, kinds: list[str], **kwargs: int) -> str:
    with pytest.raises(UploadRefused) as caught:
        upload_check(SimpleUploadedFile(name, content), kinds=kinds, **kwargs)
    return str(caught.value)


def test_csv_yaml_and_xlsx_that_are_what_they_claim_are_accepted(tmp_path: Path) -> None:
    assert (
        upload_check(
            SimpleUploadedFile("a.csv", "\ufeffcode;naam\nGM1641;Maasgouw\n".encode()), kinds=["csv"]
        )
        == "csv"
    )
    assert (
        upload_check(SimpleUploadedFile("plan.yaml", b"titel: Veilig Maasgouw\n"), kinds=["yaml"]) == "yaml"
    )
    assert upload_check(SimpleUploadedFile("p.xlsx", _xlsx_bytes()), kinds=["csv", "xlsx"]) == "xlsx"
    path = tmp_path / "x.CSV"
    path.write_bytes(b"a,b\n1,2\n")
    assert upload_check(path, kinds=["csv"]) == "csv"


def test_an_unaccepted_extension_is_refused_naming_the_allowed_ones() -> None:
    message = _refusal(b"a,b\n", "script.exe", ["csv", "xlsx"])
    assert "script.exe" in message and ".csv" in message and ".xlsx" in message


def test_a_file_above_the_limit_is_refused() -> None:
    assert "at most 0.0 MB" in _refusal(b"x" * 2048, "big.csv", ["csv"], max_bytes=1024)


def test_an_empty_file_is_refused() -> None:
    assert "empty" in _refusal(b"", "leeg.csv", ["csv"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7 ...", "binary"),
        (b"MZ\x90\x00", "binary"),
        (b"code;naam\nGM1641;Maas\x00gouw\n", "NUL"),
        (b"code;naam\nGM1641;Maasgouw \xe9\xe9n\n", "not UTF-8 text (byte 27)"),
        (_xlsx_bytes(), "binary"),  # a workbook renamed to .csv
    ],
)
def test_a_csv_whose_content_is_not_text_is_refused(content: bytes, expected: str) -> None:
    message = _refusal(content, "export.csv", ["csv"])
    assert message.startswith("export.csv: ") and expected in message


def test_a_multibyte_character_cut_at_the_sniff_limit_is_not_a_problem() -> None:
    content = b"a" * (64 * 1024 - 1) + "é".encode() + b"\n"
    assert upload_check(SimpleUploadedFile("long.csv", content), kinds=["csv"]) == "csv"


def test_a_renamed_or_damaged_or_foreign_zip_is_no_workbook() -> None:
    assert "not an Excel workbook" in _refusal(b"code;naam\n", "p.xlsx", ["xlsx"])
    assert "damaged" in _refusal(b"PK\x03\x04garbage", "p.xlsx", ["xlsx"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    assert "not an Excel workbook" in _refusal(buffer.getvalue(), "p.xlsx", ["xlsx"])


def test_a_zip_bomb_disguised_as_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert "too large to read" in _refusal(buffer.getvalue(), "bom.xlsx", ["xlsx"])


def test_the_validator_turns_a_refusal_into_a_form_error() -> None:
    class UploadForm(forms.Form):
        file = forms.FileField(validators=[UploadValidator(kinds=["csv"])])

    form = UploadForm(data={}, files={"file": SimpleUploadedFile("data.pdf", b"%PDF")})
    assert not form.is_valid()
    assert "data.pdf" in form.errors["file"][0]
    good = UploadForm(data={}, files={"file": SimpleUploadedFile("data.csv", b"a;b\n")})
    assert good.is_valid()
