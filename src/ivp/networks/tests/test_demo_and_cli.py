"""`ivp setup`'s demo network and the `ivp network` commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from ivp.accounts.services import demo_accounts_create
from ivp.cli import main
from ivp.networks.demo import demo_network_create
from ivp.networks.selectors import round_view
from ivp.plans.importing import example_plans_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> Any:
    settings.IVP_DEMO_ACCOUNTS = True
    example_plans_load(data_dir=settings.DATA_DIR)
    demo_accounts_create()
    return demo_network_create(data_dir=settings.DATA_DIR)


def test_the_demo_network_of_limburg_has_a_first_round_over_the_example_plans(demo: Any) -> None:
    network = demo.network
    assert demo.created and network.members.count() == 31
    assert set(network.members.values_list("district", flat=True)) == {"Limburg-Noord", "Limburg-Zuid"}
    view = round_view(round=demo.round)
    assert view.members_with_input == 31
    assert {m.member.area.code for m in view.members if m.plan is not None} == {
        "GM1641",
        "GM1883",
        "GM0888",
        "GM0971",
    }
    assert 1 <= len(view.concepts) <= network.max_priorities
    assert network.steering_group.filter(is_chair=True).count() == 1
    again = demo_network_create(data_dir=settings.DATA_DIR)
    assert not again.created and again.network == network


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_network_commands_list_rounds_rank_write_the_memo_and_the_calendar(
    demo: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "network", "rounds", "RE10", "--format", "json")
    assert code == 0 and json.loads(out)[0]["id"] == demo.round.pk
    code, out, _err = run(capsys, "network", "ranking", str(demo.round.pk), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["rank"] == "1" and rows[0]["selected"] == "1"
    pdf = tmp_path / "memo.pdf"
    code, _out, _err = run(capsys, "network", "memo", str(demo.round.pk), "-o", str(pdf))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert code == 0 and "Maasgouw" in text
    ics = tmp_path / "kalender.ics"
    code, _out, _err = run(capsys, "network", "calendar", demo.network.name, "-o", str(ics))
    assert code == 0 and ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    code, _out, err = run(capsys, "network", "memo", str(demo.round.pk), "-o", str(tmp_path / "memo.txt"))
    assert code != 0 and ".pdf" in err
