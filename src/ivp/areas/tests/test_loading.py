from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from ivp.areas.constants import AreaKind
from ivp.areas.loading import (
    ALIASES_FILE,
    MUNICIPALITIES_FILE,
    NATIONAL_POPULATION_FILE,
    POPULATION_2022_FILE,
    REGION_CODES_FILE,
    SAFETY_REGIONS_FILE,
    reference_data_load,
)
from ivp.areas.models import Area, AreaMembership, Population
from ivp.core.errors import DataFileError

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    areas = list(
        Area.objects.order_by("code").values_list("code", "name", "kind", "search_text", "boundary_since")
    )
    links = list(
        AreaMembership.objects.order_by("region__code", "member__code").values_list(
            "region__code", "member__code"
        )
    )
    pops = list(
        Population.objects.order_by("area__code", "year").values_list(
            "area__code", "year", "inhabitants_count"
        )
    )
    return areas, links, pops


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of just the files the loader reads."""
    for name in (
        MUNICIPALITIES_FILE,
        REGION_CODES_FILE,
        SAFETY_REGIONS_FILE,
        POPULATION_2022_FILE,
        ALIASES_FILE,
        NATIONAL_POPULATION_FILE,
    ):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(settings.DATA_DIR / name, target)
    return tmp_path


def test_bundled_data_holds_every_municipality_of_2024_and_every_region() -> None:
    counts = {kind: Area.objects.filter(kind=kind).count() for kind in AreaKind.values}
    assert counts == {
        "country": 1, "province": 12, "police_unit": 10, "safety_region": 25, "municipality": 342, "group": 0,
    }  # fmt: skip
    nl = Area.objects.get(code="NL01")
    assert nl.members.count() == 342


def test_every_municipality_is_in_exactly_one_province_police_unit_and_safety_region() -> None:
    for kind in (AreaKind.PROVINCE, AreaKind.POLICE_UNIT, AreaKind.SAFETY_REGION):
        links = AreaMembership.objects.filter(region__kind=kind)
        assert links.count() == 342
        assert links.values("member").distinct().count() == 342


def test_maasgouw_belongs_to_limburg_police_unit_limburg_and_limburg_noord() -> None:
    maasgouw = Area.objects.get(code="GM1641")
    assert maasgouw.name == "Maasgouw"
    assert sorted(maasgouw.regions.values_list("code", flat=True)) == [
        "NL01",
        "PV31",
        "RE10",
        "VR23",
    ]
    assert Area.objects.get(code="VR23").name == "Limburg-Noord"
    assert Area.objects.get(code="RE10").name == "Limburg"
    assert Population.objects.get(area=maasgouw, year=2024).inhabitants_count == 24400


def test_police_unit_member_counts_match_the_published_numbers() -> None:
    assert Area.objects.get(code="RE02").members.count() == 76  # Oost-Nederland
    assert Area.objects.get(code="RE03").members.count() == 38  # Midden-Nederland
    assert Area.objects.get(code="RE10").members.count() == 31  # Limburg = the province


def test_official_names_are_used_and_local_spellings_become_aliases() -> None:
    nuenen = Area.objects.get(code="GM0820")
    assert nuenen.name == "Nuenen, Gerwen en Nederwetten"
    assert "nuenen gerwen en nederwetten" in nuenen.search_text
    assert Area.objects.get(code="PV21").name == "Fryslân"


def test_population_2022_is_kept_only_where_the_boundary_did_not_change_since() -> None:
    amsterdam = Area.objects.get(code="GM0363")  # Weesp joined on 24 March 2022
    assert amsterdam.boundary_since is not None and amsterdam.boundary_since.isoformat() == "2022-03-24"
    assert not Population.objects.filter(area=amsterdam, year=2022).exists()
    assert Population.objects.get(area__code="GM1641", year=2022).inhabitants_count == 24028


def test_loading_twice_gives_the_same_result() -> None:
    before = snapshot()
    result = reference_data_load(data_dir=settings.DATA_DIR)
    assert not result.changed
    assert result.populations_written == 0
    assert snapshot() == before


def test_loading_restores_a_changed_name_and_membership() -> None:
    Area.objects.filter(code="GM1641").update(name="Verkeerd")
    AreaMembership.objects.filter(member__code="GM1641", region__code="VR23").delete()
    result = reference_data_load(data_dir=settings.DATA_DIR)
    assert result.areas_updated == 1 and result.memberships_created == 1
    assert Area.objects.get(code="GM1641").regions.filter(code="VR23").exists()


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (MUNICIPALITIES_FILE, "GM1641,Maasgouw", "GX1641,Maasgouw", "row 263, field 'gm_code': 'GX1641' is not a valid municipality code"),
        (MUNICIPALITIES_FILE, "GM1641,Maasgouw,Limburg,24400", "GM1641,Maasgouw,Limburg,veel", "field 'inwoners_2024_som_buurten': 'veel' is not a number"),
        (MUNICIPALITIES_FILE, "GM1641,Maasgouw,Limburg", "GM1641,Maasgouw,Lombardije", "field 'provincie': unknown province 'Lombardije'"),
        (MUNICIPALITIES_FILE, ",VR23,Limburg-Noord,Limburg,RE10", ",VR99,Limburg-Noord,Limburg,RE10", "field 'veiligheidsregio_code': VR99 is not a known safety_region"),
        (MUNICIPALITIES_FILE, "gm_code,", "code,", "row 1, field 'gm_code': required column(s) missing"),
        (SAFETY_REGIONS_FILE, '"VR13"', '"VR1"', "field 'Security_region_code': 'VR1' is not a valid safety_region code"),
        (ALIASES_FILE, "GM0518,Den Haag", "GM9999,Den Haag", "field 'code': unknown area code 'GM9999'"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_rejected_naming_file_row_and_field_and_nothing_is_stored(
    data_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    Area.objects.filter(code="GM1641").update(name="Was hier al")
    before = snapshot()
    _replace_in(data_copy / file, old, new)
    with pytest.raises(DataFileError) as caught:
        reference_data_load(data_dir=data_copy)
    message = str(caught.value)
    assert file in message
    assert expected in message
    assert "nothing was stored" in message
    assert snapshot() == before


def test_a_file_that_is_not_utf8_is_rejected(data_copy: Path) -> None:
    (data_copy / SAFETY_REGIONS_FILE).write_bytes(b'"","Security_region_code"\n"1","\xff\xfe"\n')
    with pytest.raises(DataFileError, match="not valid UTF-8 CSV"):
        reference_data_load(data_dir=data_copy)


def test_a_missing_file_is_rejected(data_copy: Path) -> None:
    (data_copy / POPULATION_2022_FILE).unlink()
    with pytest.raises(DataFileError, match=r"pop\.csv: cannot be read"):
        reference_data_load(data_dir=data_copy)


def test_a_row_with_too_few_fields_is_reported(data_copy: Path) -> None:
    path = data_copy / MUNICIPALITIES_FILE
    path.write_text(path.read_text(encoding="utf-8") + "GM9998,Nergenshuizen\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="row 344: wrong number of fields"):
        reference_data_load(data_dir=data_copy)


def test_all_problems_are_reported_at_once(data_copy: Path) -> None:
    _replace_in(data_copy / MUNICIPALITIES_FILE, "GM1641,Maasgouw", "GX1641,Maasgouw")
    _replace_in(data_copy / ALIASES_FILE, "GM0518,Den Haag", "GM9999,Den Haag")
    with pytest.raises(DataFileError) as caught:
        reference_data_load(data_dir=data_copy)
    assert len(caught.value.problems) == 2


def test_the_national_population_is_stored_per_year_for_national_rates() -> None:
    nl = Population.objects.filter(area__code="NL01")
    assert nl.count() == 30 and nl.get(year=2012).inhabitants_count == 16749973
    assert Population.objects.get(area__code="NL01", year=2023).reference_date.isoformat() == "2023-07-01"
