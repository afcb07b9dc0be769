"""Uploading local priorities (CSV/XLSX): every problem named with row and field, nothing stored."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from ivp.core.errors import DataFileError
from ivp.networks.constants import InputSource
from ivp.networks.models import PriorityRound
from ivp.networks.services_rounds import priorities_upload, round_create

from .factories import LimburgWorld, limburg_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> LimburgWorld:
    return limburg_world()


@pytest.fixture
def round(world: LimburgWorld) -> PriorityRound:
    return round_create(actor=world.coordinator, network=world.network, title="Ronde")


def _problems(
    world: LimburgWorld, round: PriorityRound, data: bytes, name: str = "p.csv"
) -> list[tuple[int | None, str | None, str]]:
    before = round.inputs.count()
    with pytest.raises(DataFileError) as caught:
        priorities_upload(actor=world.coordinator, round=round, file=io.BytesIO(data), name=name)
    assert round.inputs.count() == before  # nothing stored
    return [(p.row, p.field, p.message) for p in caught.value.problems]


def test_every_wrong_row_is_named_with_its_field_and_nothing_is_stored(
    world: LimburgWorld, round: PriorityRound
) -> None:
    data = (
        b"gemeente_code;thema;toelichting\n"
        b"GM0935;5.2;goed\n"
        b"GM9999;5.2;onbekende gemeente\n"
        b"GM0363;5.2;Amsterdam is geen lid\n"
        b"GM0917;9.9;onbekend thema\n"
        b";;leeg\n"
        b"GM0935;ondermijning en georganiseerde criminaliteit;dubbel via naam\n"
        b"GM1641;5.3;Maasgouw heeft een plan in ivp\n"
    )
    problems = _problems(world, round, data)
    assert [(row, field) for row, field, _m in problems] == [
        (3, "gemeente_code"), (4, "gemeente_code"), (5, "thema"), (6, "gemeente_code"), (6, "thema"), (7, "thema"),
    ]  # fmt: skip
    assert "GM9999" in problems[0][2] and "Amsterdam" in problems[1][2] and "9.9" in problems[2][2]
    assert "row 2" in problems[5][2]
    # Maasgouw's row is refused once the file itself is right
    only_plan = b"gemeente_code;thema\nGM1641;5.3\n"
    assert _problems(world, round, only_plan) == [
        (2, "gemeente_code", "the priorities of Maasgouw come from its plan in ivp")
    ]


def test_wrong_columns_are_named(world: LimburgWorld, round: PriorityRound) -> None:
    problems = _problems(world, round, b"gemeente;thema;opmerking\nGM0935;5.2;x\n")
    assert [(row, field) for row, field, _m in problems] == [
        (1, "gemeente_code"),
        (1, "gemeente"),
        (1, "opmerking"),
    ]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "p.csv", "empty"),
        (b"\n;;\n", "p.csv", "empty"),
        (b"gemeente_code;thema;toelichting\n", "p.csv", "no priorities"),
        ("gemeente_code;thema;toelichting\nGM0935;5.2;Overlast café\n".encode("cp1252"), "p.csv", "UTF-8"),
        (b"%PDF-1.4 binary", "p.csv", "binary"),
        (b"gemeente_code;thema\n", "p.pdf", "not accepted"),
        (b"PK\x03\x04 not really a workbook", "p.xlsx", "damaged"),
    ],
)
def test_a_broken_file_is_refused_with_the_reason(
    world: LimburgWorld, round: PriorityRound, data: bytes, name: str, expected: str
) -> None:
    problems = _problems(world, round, data, name)
    assert any(expected in message for _row, _field, message in problems), problems


def test_a_wrong_byte_is_named_by_its_row(world: LimburgWorld, round: PriorityRound) -> None:
    data = "gemeente_code;thema;toelichting\nGM0935;5.2;ok\nGM0917;5.2;café\n".encode("cp1252")
    problems = _problems(world, round, data)
    assert problems[0][0] == 3 and "UTF-8" in problems[0][2]


def test_an_xlsx_with_numeric_theme_codes_is_stored_and_replaces_earlier_uploads(
    world: LimburgWorld, round: PriorityRound
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["gemeente_code", "thema", "toelichting"])
    sheet.append(["GM0935", 5.2, "Ondermijning"])  # typed as a number in Excel
    sheet.append(["GM0917", "Digitale veiligheid en cybercrime", None])
    out = io.BytesIO()
    workbook.save(out)
    csv = b"gemeente_code,thema\nGM0935,3.2\n"  # comma-separated also works
    assert priorities_upload(actor=world.coordinator, round=round, file=io.BytesIO(csv), name="a.csv") == 1
    assert (
        priorities_upload(
            actor=world.coordinator, round=round, file=io.BytesIO(out.getvalue()), name="p.xlsx"
        )
        == 2
    )
    stored = {
        (i.area.code, i.theme.code)
        for i in round.inputs.filter(source=InputSource.UPLOAD).select_related("area", "theme")
    }  # type: ignore[union-attr]
    assert stored == {("GM0935", "5.2"), ("GM0917", "5.3")}  # Maastricht's earlier 3.2 was replaced


def test_a_members_coordinator_uploads_only_their_own_rows(world: LimburgWorld, round: PriorityRound) -> None:
    data = b"gemeente_code;thema\nGM0935;5.2\nGM0917;5.2\n"
    with pytest.raises(DataFileError) as caught:
        priorities_upload(actor=world.maastricht_editor, round=round, file=io.BytesIO(data), name="p.csv")
    assert [(p.row, p.field) for p in caught.value.problems] == [(3, "gemeente_code")]
    assert "Heerlen" in caught.value.problems[0].message
    assert (
        priorities_upload(
            actor=world.maastricht_editor, round=round, file=io.BytesIO(data[:-12]), name="p.csv"
        )
        == 1
    )
