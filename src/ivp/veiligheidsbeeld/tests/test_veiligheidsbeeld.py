"""The veiligheidsbeeld of Maasgouw (GM1641): page, PDF, half-year memo and CLI, and its numbers
against `ivp figures` for the same selection."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from ivp.core.tests.test_cli import run
from ivp.stats.store import StatsStore
from ivp.veiligheidsbeeld.periods import ReportPeriod
from ivp.veiligheidsbeeld.selectors import PEERS_KEY, latest_period, veiligheidsbeeld_get

pytestmark = pytest.mark.django_db

TYPES = ["1.1.1", "1.2.3", "1.4.5", "2.2.1", "2.5.2", "3.9.1"]
COMPARATORS = ["RE10", "VR23", "PV31", "NL01"]


class Cells(HTMLParser):
    """The figures of the tables: {(line key, data-figure or data-area): text}."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}
        self.line: str | None = None
        self.cell: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self.line = found.get("data-line")
        elif tag == "td" and self.line:
            self.cell = found.get("data-figure") or found.get("data-area")
            self.text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.line and self.cell:
            self.cells[(self.line, self.cell)] = self.text.strip()
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell:
            self.text += data


def cells_of(html: str) -> dict[tuple[str, str], str]:
    parser = Cells()
    parser.feed(html)
    return parser.cells


def dutch_int(text: str) -> int:
    return int(text.replace(".", ""))


def dutch_rate(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def figures_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "figures", *args, "--source", "demo_cube", "--per-1000", "--format", "json")
    assert code == 0, err
    return list(json.loads(out)["rows"])


@pytest.fixture
def page_html(demo_store: StatsStore, client: Client) -> str:
    response = client.get("/veiligheidsbeeld/GM1641/?period=2023", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_of_maasgouw_2023_shows_trends_comparisons_findings_and_sources(page_html: str) -> None:
    assert "Veiligheidsbeeld Maasgouw 2023" in page_html
    for heading in ("Wat valt op", "Kerncijfers", "Ontwikkeling", "Per maand", "Grootste veranderingen",
                    "Per soort misdrijf", "Overlast", "Vergelijkbare gemeenten", "Bronnen en werkwijze"):  # fmt: skip
        assert heading in page_html, heading
    # Compared with the police unit, the safety region, the province, the country and the peers.
    for name in ("Limburg (politie-eenheid)", "Limburg (provincie)", "Limburg-Noord", "Nederland",
                 "Vergelijkbare gemeenten", "Steenbergen"):  # fmt: skip
        assert name in page_html, name
    # Three charts (trend, month, main groups), each with its text alternative.
    assert page_html.count('data-vega-spec="') == 3 and page_html.count('role="img" aria-label="') == 3
    # Sources with table, period and data date; demonstration data said plainly.
    assert (
        "DEMO-47013NED" in page_html
        and "1 maart 2024" in page_html
        and "januari 2018 tot en met december 2023" in page_html
    )
    assert "Demonstratiegegevens" in page_html and page_html.count("demonstratiegegevens") >= 5
    assert "Totaal misdrijven: per 1.000 inwoners lager dan in Nederland" in page_html


def test_the_numbers_on_the_page_equal_ivp_figures_for_the_same_selection(
    page_html: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cells = cells_of(page_html)
    areas = ["--area", "GM1641", *[a for code in COMPARATORS for a in ("--area", code)]]
    crimes = [a for code in ["0.0.0", *TYPES] for a in ("--crime", code)]
    rows = figures_json(capsys, *areas, *crimes, "--from", "2022", "--to", "2023", "--per", "year")
    by = {(r["area_code"], r["crime_code"], r["period"]): r for r in rows}
    for crime in ["0.0.0", *TYPES]:
        own_2023, own_2022 = by[("GM1641", crime, "2023JJ00")], by[("GM1641", crime, "2022JJ00")]
        assert dutch_int(cells[(crime, "current")]) == own_2023["count"], crime
        assert dutch_int(cells[(crime, "previous")]) == own_2022["count"], crime
        assert dutch_rate(cells[(crime, "per_1000")]) == round(float(own_2023["per_1000"]), 1)  # type: ignore[arg-type]
        for code in ("RE10", "NL01"):
            assert dutch_rate(cells[(crime, code)]) == round(
                float(by[(code, crime, "2023JJ00")]["per_1000"]), 1
            )  # type: ignore[arg-type]
    for code in COMPARATORS:
        assert dutch_rate(cells[("0.0.0", code)]) == round(
            float(by[(code, "0.0.0", "2023JJ00")]["per_1000"]), 1
        )  # type: ignore[arg-type]
    # The peer group: its members' counts summed over their populations summed.
    picture = veiligheidsbeeld_get(area_code="GM1641", period=ReportPeriod(2023))
    assert picture.peer_group is not None
    peers = figures_json(capsys, *[a for c in picture.peer_group.codes for a in ("--area", c)], "--crime", "0.0.0",
                         "--from", "2023", "--to", "2023", "--per", "year")  # fmt: skip
    rate = sum(int(r["count"]) for r in peers) * 1000 / sum(int(r["population"]) for r in peers)  # type: ignore[call-overload]
    assert dutch_rate(cells[("0.0.0", PEERS_KEY)]) == round(rate, 1)


def test_the_half_year_memo_compares_the_same_months_of_the_year_before(
    demo_store: StatsStore, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    html = client.get("/veiligheidsbeeld/GM1641/?period=2023-H1", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Halfjaarrapportage veiligheidsbeeld Maasgouw, eerste halfjaar 2023" in html
    assert "januari\u2013juni 2023" in html and "januari\u2013juni 2022" in html
    cells = cells_of(html)
    for first, last, cell in (("2023-01", "2023-06", "current"), ("2022-01", "2022-06", "previous")):
        rows = figures_json(capsys, "--area", "GM1641", "--crime", "0.0.0", "--crime", "1.1.1", "--from", first,
                            "--to", last, "--per", "quarter")  # fmt: skip
        for crime in ("0.0.0", "1.1.1"):
            assert dutch_int(cells[(crime, cell)]) == sum(
                int(r["count"]) for r in rows if r["crime_code"] == crime
            )  # type: ignore[call-overload]


def test_what_stands_out_is_only_what_is_significant_and_never_withheld(demo_store: StatsStore) -> None:
    picture = veiligheidsbeeld_get(area_code="GM1641", period=ReportPeriod(2023))
    assert picture.findings, "Maasgouw 2023 differs clearly from the Netherlands"
    rows = {r.line.key: r for r in picture.rows}
    for finding in picture.findings:
        assert finding.p_value < 0.05
        row = rows[finding.line_key]
        assert not row.line.excluded and row.change.current.usable
        if finding.kind == "change":
            assert row.change.notable and abs(row.change.change_pct or 0) >= 10
    withheld = rows["1.4.1"]
    assert withheld.change.current.status == "suppressed" and withheld.change.test is None
    assert all("Zedenmisdrijf" not in f.text for f in picture.findings)
    assert rows["G1"].line.excluded == ("1.4.1 Zedenmisdrijf",)


def test_the_pdf_is_the_same_report_with_sources_and_the_demonstration_label(
    demo_store: StatsStore, client: Client
) -> None:
    response = client.get("/veiligheidsbeeld/GM1641/?period=2023&format=pdf", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="veiligheidsbeeld-GM1641-2023.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Veiligheidsbeeld Maasgouw 2023", "Wat valt op", "Kerncijfers", "Ontwikkeling",
                     "Grootste veranderingen", "DEMO-47013NED", "1 maart 2024", "DEMONSTRATIEGEGEVENS",
                     "Limburg-Noord", "Vergelijkbare gemeenten"):  # fmt: skip
        assert expected in text, expected
    picture = veiligheidsbeeld_get(area_code="GM1641", period=ReportPeriod(2023))
    assert str(picture.row_total.change.current.count) in text
    # Every page says it is demonstration data.
    assert all("DEMONSTRATIEGEGEVENS" in page.extract_text() for page in reader.pages)


def test_a_period_without_figures_says_so(demo_store: StatsStore, client: Client) -> None:
    html = client.get("/veiligheidsbeeld/GM1641/?period=2025-H1", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Er zijn nog geen cijfers over eerste halfjaar 2025." in html
    assert client.get("/veiligheidsbeeld/GM1641/?period=2025-H3").status_code == 404
    assert client.get("/veiligheidsbeeld/RE10/").status_code == 404


def test_the_index_opens_the_chosen_municipality(demo_store: StatsStore, client: Client) -> None:
    # The latest period is that of the crime figures per type, not of the burglary map (to 2026).
    assert latest_period() == ReportPeriod(2023)
    html = client.get("/veiligheidsbeeld/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'value="GM1641"' in html and 'value="2023-H1"' in html
    response = client.get("/veiligheidsbeeld/?area=gm1641&period=2023-H2")
    assert response.status_code == 302 and response["Location"] == "/veiligheidsbeeld/GM1641/?period=2023-H2"


def test_the_cli_writes_one_pdf_or_html_and_a_region_with_a_progress_bar(
    demo_store: StatsStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "report", "veiligheidsbeeld", "Maasgouw", "--period", "2023", "-o",
                         str(tmp_path / "maasgouw.pdf"))  # fmt: skip
    assert code == 0, err
    assert "maasgouw.pdf" in out and (tmp_path / "maasgouw.pdf").read_bytes().startswith(b"%PDF")
    code, out, err = run(capsys, "report", "veiligheidsbeeld", "GM1641", "--period", "2023-H1", "-o",
                         str(tmp_path / "memo.html"))  # fmt: skip
    html = (tmp_path / "memo.html").read_text(encoding="utf-8")
    assert code == 0 and "<style>" in html and "Halfjaarrapportage" in html and "<svg" in html
    code, out, err = run(capsys, "report", "veiligheidsbeeld", "--region", "VR23", "--period", "2023", "--limit",
                         "2", "--workers", "1", "--format", "html", "-o", str(tmp_path / "region"))  # fmt: skip
    assert code == 0, err
    assert len(list((tmp_path / "region").glob("veiligheidsbeeld-GM*-2023.html"))) == 2
    code, _out, err = run(capsys, "report", "veiligheidsbeeld", "GM1641", "--period", "2023", "-o", "x.docx")
    assert code == 2 and ".pdf" in err
    code, _out, err = run(capsys, "report", "veiligheidsbeeld", "--period", "2023")
    assert code == 2
