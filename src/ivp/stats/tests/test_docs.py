"""The statistics documentation keeps up with the code."""

from __future__ import annotations

from pathlib import Path

from ivp.stats import schema, services
from ivp.stats.sources import base, cbs, politie
from ivp.stats.sources.registry import source_list

DOCS = Path(__file__).resolve().parents[4] / "docs"


def test_the_schema_document_is_generated_from_the_schema_module() -> None:
    assert (DOCS / "stats-schema.md").read_text(encoding="utf-8") == schema.docs_markdown(), (
        "docs/stats-schema.md is stale: run `python -m ivp.stats.schema > docs/stats-schema.md`"
    )


def test_every_bundled_statistics_file_and_source_is_documented() -> None:
    text = (DOCS / "data.md").read_text(encoding="utf-8")
    files = [v for m in (politie, cbs, base) for k, v in vars(m).items() if k.endswith("_FILE")]
    files += list(services.CLASSIFICATION_FILES.values())
    missing = [f for f in files if f not in text]
    assert not missing, f"docs/data.md does not mention {missing}"
    keys = [s.key for s in source_list() if not s.is_demo]
    assert not [k for k in keys if f"`{k}`" not in text and k not in text], (
        "a source key is missing from docs/data.md"
    )
