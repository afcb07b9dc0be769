"""CBS StatLine tables (catalogue "opendata"), with CBS's own crime classification."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from ivp.core.errors import FileProblem

from ..constants import Classification
from .base import RawShapeError, Source, SourceInput
from .registry import register

MUNICIPAL_2022_FILE = "matthijsvz88_dashboard_crime_nl/data/dataframe.geojson"
MUNICIPAL_2022_DATA_DATE = dt.date(2023, 10, 1)  # Dashboard-crime-NL, October 2023


@register
class Cbs83648(Source):
    """Registered crime per CBS crime type and region, yearly. Its codes (T001161, CRI1000 …) are
    CBS's classification, never mixed with the politie codes."""

    key = "cbs_83648"
    table_id = "83648NED"
    title = "Geregistreerde criminaliteit; soort misdrijf, regio"
    classification = Classification.CBS
    catalogue = "opendata"
    measures: ClassVar = {
        "TotaalGeregistreerdeMisdrijven_1": "registered_crimes",
        "TotaalOpgehelderdeMisdrijven_4": "cleared_crimes",
        "RegistratiesVanVerdachten_6": "suspect_registrations",
    }
    licence = "CC BY 4.0, © CBS"

    def bundled_inputs(self, data_dir: Path) -> list[SourceInput]:
        return [
            SourceInput(
                name=MUNICIPAL_2022_FILE,
                path=data_dir / MUNICIPAL_2022_FILE,
                data_date=MUNICIPAL_2022_DATA_DATE,
            )
        ]

    def raw_from_file(self, con: duckdb.DuckDBPyConnection, item: SourceInput, raw: str) -> None:
        if item.name != MUNICIPAL_2022_FILE:
            super().raw_from_file(con, item, raw)
            return
        # Municipal totals for 2022 (rounded to multiples of 5 by CBS), kept as map properties.
        assert item.path is not None
        try:
            features = json.loads(item.path.read_text(encoding="utf-8"))["features"]
        except (ValueError, KeyError, TypeError) as exc:
            raise RawShapeError(
                [FileProblem(item.name, None, None, f"is not a GeoJSON FeatureCollection ({exc})")]
            ) from exc
        names = {
            "TotaalGeregistreerdeMisdrijven_1": "Geregistreerde Misdrijven",
            "TotaalOpgehelderdeMisdrijven_4": "Opgehelderde Misdrijven",
            "RegistratiesVanVerdachten_6": "Registraties Van Verdachten",
        }
        records = []
        for feature in features:
            props = feature.get("properties") or {}
            record: dict[str, Any] = {
                "SoortMisdrijf": "T001161",
                "RegioS": props.get("statcode"),
                "Perioden": "2022JJ00",
            }
            for key, name in names.items():
                value = props.get(name)
                record[key] = None if value is None else (int(value) if float(value).is_integer() else value)
            records.append(record)
        self.raw_from_records(con, SourceInput(name=item.name, records=records), raw)
