"""Keep the Dutch translation complete and compiled.

    python -m ivp.core.i18n_check update       extract messages (GNU gettext) and compile the .mo
    python -m ivp.core.i18n_check check        extract into a scratch copy; fail on any untranslated,
                                               fuzzy or stale message, or a .mo that lags its .po
    python -m ivp.core.i18n_check check-files  the same without extraction (no gettext needed)

Compiling uses polib (pure Python), so running ivp never needs GNU gettext.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/ivp
LOCALES = ["nl"]


def po_path(locale: str) -> Path:
    return PACKAGE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po"


def extract(locale: str) -> None:
    """Run Django's makemessages for the package (needs xgettext and msgmerge)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "ivp.conf.dev"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", locale, "--no-location", "--no-obsolete",
         "--ignore=tests/*", "--ignore=static/*"],
        cwd=PACKAGE_DIR, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def compile_mo(locale: str) -> None:
    po = polib.pofile(str(po_path(locale)))
    po.save_as_mofile(str(po_path(locale).with_suffix(".mo")))


def problems_in(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check and remove the flag): {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def mo_problems(locale: str) -> list[str]:
    mo_file = po_path(locale).with_suffix(".mo")
    if not mo_file.exists():
        return [f"{mo_file} is missing: run `python3 dev.py messages`"]
    compiled = {
        (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(mo_file))
    }
    source = {
        (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(po_path(locale)))
        if e.translated() and not e.obsolete
    }
    return (
        []
        if source <= compiled
        else [f"{mo_file} is out of date with its .po: run `python3 dev.py messages`"]
    )


def check(locale: str, *, with_extraction: bool) -> list[str]:
    original = po_path(locale)
    problems = problems_in(polib.pofile(str(original)))
    if with_extraction:
        with tempfile.TemporaryDirectory() as scratch:
            backup = Path(scratch) / "django.po"
            shutil.copy2(original, backup)
            try:
                extract(locale)
                fresh = polib.pofile(str(original))
            finally:
                shutil.copy2(backup, original)
        known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(original)) if not e.obsolete}
        new = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known]
        gone = known - {(e.msgctxt, e.msgid) for e in fresh}
        problems += [f"not in the .po file yet: {m!r} (run `python3 dev.py messages`)" for m in new]
        problems += [
            f"no longer used, remove it (run `python3 dev.py messages`): {m!r}"
            for _c, m in sorted(gone, key=str)
        ]
    return problems + mo_problems(locale)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for locale in LOCALES:
            extract(locale)
            compile_mo(locale)
            left = problems_in(polib.pofile(str(po_path(locale))))
            print(f"{po_path(locale)}: {len(left)} message(s) still need a translation.")
        return 0
    if command in {"check", "check-files"}:
        failures = [p for locale in LOCALES for p in check(locale, with_extraction=command == "check")]
        for problem in failures:
            print(f"translation: {problem}")
        if not failures:
            print("Translations: complete and compiled.")
        return 1 if failures else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
