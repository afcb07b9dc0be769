"""The documentation in docs/ must keep up with the code: these tests compare the two.

They fail when a CLI command or option, an environment variable, a bundled data file or one of
the core documents is missing from docs/. No database is needed.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivp import cli
from ivp.areas import loading

REPO = Path(__file__).resolve().parents[4]
DOCS = REPO / "docs"
ENV_VAR = re.compile(r'"(IVP_[A-Z_]+|DATABASE_URL)"')
ADR_SECTIONS = ("Status", "Context", "Decision", "Consequences")


def _read(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    return path.read_text(encoding="utf-8")


def _mentions(text: str, word: str) -> bool:
    """`word` occurs in `text` as a whole token (IVP_DEBUG does not match IVP_DEBUG_X)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


# --- CLI ----------------------------------------------------------------------------------


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Yield (command path, the words its documentation must contain) for every (sub)command."""
    words: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _walk(subparser, (*path, name))
        elif isinstance(action, argparse._HelpAction):
            continue
        elif action.option_strings:
            words.extend(action.option_strings)
            words.extend(str(choice) for choice in action.choices or [])
        else:  # a positional argument, documented by its name
            words.append(str(action.metavar or action.dest))
    yield path, words


def _sections(markdown: str) -> dict[str, str]:
    """Markdown headings mapped to the text under them (up to the next heading)."""
    parts = re.split(r"^(#{1,6} .*)$", markdown, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _cli_commands() -> list[tuple[tuple[str, ...], list[str]]]:
    return [(path, words) for path, words in _walk(cli.build_parser()) if path]


def test_the_parser_walk_finds_the_known_commands_and_options() -> None:
    found = dict(_cli_commands())
    assert ("areas", "list") in found
    assert {"--region", "--kind", "--format", "police_unit", "csv"} <= set(found["areas", "list"])
    assert "code" in found["areas", "show"]


@pytest.mark.parametrize(("path", "words"), _cli_commands(), ids=[" ".join(p) for p, _ in _cli_commands()])
def test_every_cli_command_and_option_is_documented(path: tuple[str, ...], words: list[str]) -> None:
    command = " ".join(("ivp", *path))
    doc = _read(DOCS / "cli.md")
    assert command in doc, f"docs/cli.md does not mention the command `{command}`"
    if not words:
        return
    heading = next((h for h in _sections(doc) if f"`{command}`" in h), None)
    assert heading, f"docs/cli.md has no heading for `{command}` to document {', '.join(words)}"
    section = _sections(doc)[heading].lower()
    missing = [w for w in words if not _mentions(section, w.lower())]
    assert not missing, f"docs/cli.md, section {heading!r}: not documented: {', '.join(missing)}"


def test_every_dev_py_command_is_documented() -> None:
    commands = re.findall(r'add_parser\(\s*"([\w-]+)"', _read(REPO / "dev.py"))
    assert {"setup", "start", "test", "lint", "messages"} <= set(commands)
    doc = _read(DOCS / "cli.md")
    missing = [c for c in commands if f"dev.py {c}" not in doc]
    assert not missing, f"docs/cli.md does not document: {', '.join(f'python3 dev.py {c}' for c in missing)}"


# --- settings -----------------------------------------------------------------------------


def _environment_variables() -> set[str]:
    files = [
        *sorted(p for p in (REPO / "src" / "ivp").rglob("*.py") if "tests" not in p.parts),
        REPO / "dev.py",
        Path(cli.__file__),
    ]
    return {name for f in files for name in ENV_VAR.findall(_read(f))}


def test_every_environment_variable_is_documented() -> None:
    names = _environment_variables()
    assert {"DATABASE_URL", "IVP_SECRET_KEY", "IVP_TEST_POSTGRES_URL"} <= names  # the scan itself works
    doc = _read(DOCS / "settings.md")
    missing = sorted(n for n in names if not _mentions(doc, n))
    assert not missing, f"docs/settings.md does not document: {', '.join(missing)}"


def test_every_settings_module_is_documented() -> None:
    doc = _read(DOCS / "settings.md")
    modules = [f"ivp.conf.{p.stem}" for p in (REPO / "src" / "ivp" / "conf").glob("*.py")]
    expected = [m for m in modules if m.rsplit(".", 1)[1] not in {"__init__", "base", "urls", "wsgi"}]
    assert "ivp.conf.production" in expected
    missing = sorted(m for m in expected if m not in doc)
    assert not missing, f"docs/settings.md does not describe: {', '.join(missing)}"


# --- data ---------------------------------------------------------------------------------


def test_every_data_file_read_at_run_time_is_documented() -> None:
    constants = {name: getattr(loading, name) for name in dir(loading) if name.endswith("_FILE")}
    assert "MUNICIPALITIES_FILE" in constants
    doc = _read(DOCS / "data.md")
    missing = [
        f"{name} ({path})" for name, path in sorted(constants.items()) if name not in doc or path not in doc
    ]
    assert not missing, f"docs/data.md does not document: {', '.join(missing)}"


# --- core documents -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["architecture.md", "glossary.md", "cli.md", "settings.md", "data.md"])
def test_core_document_exists(name: str) -> None:
    assert _read(DOCS / name).strip(), f"docs/{name} is empty"


def test_there_are_at_least_four_decision_records_with_the_standard_sections() -> None:
    records = sorted((DOCS / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert len(records) >= 4, f"docs/adr holds {len(records)} ADRs (NNNN-title.md); expected at least 4"
    for record in records:
        headings = set(_sections(_read(record)))
        missing = [s for s in ADR_SECTIONS if f"## {s}" not in headings]
        assert not missing, f"{record.relative_to(REPO)} lacks the section(s) {', '.join(missing)}"
