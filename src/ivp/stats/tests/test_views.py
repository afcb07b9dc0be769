from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from ivp.core.errors import DataFileError
from ivp.stats.models import IngestRun
from ivp.stats.services import source_load
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db


def test_the_data_page_lists_every_loaded_source(bundled_store: StatsStore, client: Client) -> None:
    body = client.get("/data/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for text in ("47025NED", "83648NED", "47018NED", "politie_mik", "Geladen statistieken"):
        assert text in body


def test_a_failed_load_shows_every_problem_with_file_row_and_field(
    store: StatsStore, client: Client, tmp_path: Path
) -> None:
    broken = tmp_path / "export.csv"
    broken.write_text(
        '"SoortMisdrijf";"RegioS";"Perioden";"GeregistreerdeMisdrijven_1"\n"1.1.1 ";"GM1641";"2023MM13";"1"\n'
    )
    with pytest.raises(DataFileError):
        source_load(source_key="politie_47025", files=[broken], store=store)
    run = IngestRun.objects.get(status="failed")
    body = client.get(f"/data/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "export.csv" in body and "Perioden" in body and "2023MM13" in body
    assert client.get("/data/runs/999999/").status_code == 404
