"""The `ivp` command: thin over services and selectors.

ivp setup [--no-demo]                  migrate, load bundled data, demo account (local only)
ivp areas load [--data-dir DIR]        (re)load the bundled area reference data
ivp areas list [--region CODE] [--kind KIND] [--format table|csv|json]
ivp areas show CODE_OR_NAME [--format table|csv|json]
ivp manage ARGS...                     any Django management command
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ivp.areas.models import Area

EXIT_USAGE = 2


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivp.conf.dev")
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("IVP_LANGUAGE", settings.LANGUAGE_CODE))


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --- setup --------------------------------------------------------------------------------


def cmd_setup(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import gettext as _

    from ivp.accounts.services import demo_accounts_create, organisations_sync_from_areas
    from ivp.areas.loading import reference_data_load

    call_command("migrate", interactive=False, verbosity=0)
    _write(_("Database is up to date."))
    result = reference_data_load(data_dir=Path(args.data_dir or settings.DATA_DIR))
    _write(_area_load_summary(result))
    created = organisations_sync_from_areas()
    _write(_("Organisations: %(count)d created.") % {"count": created})
    from ivp.core.progress import ProgressBar
    from ivp.stats.services import bundled_sources_load

    with ProgressBar(label=_("statistics")) as bar:
        runs = bundled_sources_load(progress=bar.update)
    if settings.IVP_DEMO_ACCOUNTS and not args.no_demo:
        from ivp.stats.selectors import store_status
        from ivp.stats.synthetic import demo_cube_load

        if "demo_cube" not in store_status()["sources"]:
            with ProgressBar(label=_("demonstration data")) as bar:
                demo = demo_cube_load(progress=bar.update)
            _write(
                _("Demonstration data (demonstratiegegevens, synthetic): %(rows)d figures per municipality.")
                % {"rows": demo.rows_loaded}
            )
    _write(
        _(
            "Statistics: %(count)d source(s) loaded, %(rows)d figures; "
            "unchanged sources were left as they are."
        )
        % {"count": len(runs), "rows": sum(r.rows_loaded for r in runs)}
    )
    if settings.IVP_DEMO_ACCOUNTS and not args.no_demo:
        from ivp.plans.importing import example_plans_load

        loads = example_plans_load(data_dir=Path(args.data_dir or settings.DATA_DIR))
        created = sum(load.created for load in loads)
        _write(
            _("Example plans (fictional): %(created)d imported, %(present)d already present.")
            % {"created": created, "present": len(loads) - created}
        )
        for account in demo_accounts_create():
            _write(
                _("Demo account: user '%(user)s', password '%(password)s' (%(description)s).")
                % {
                    "user": account.username,
                    "password": account.password,
                    "description": account.description,
                }
            )
        from ivp.networks.demo import demo_network_create

        network = demo_network_create(data_dir=Path(args.data_dir or settings.DATA_DIR))
        _write(
            _("Demo network: %(name)s with %(members)d members (%(state)s).")
            % {
                "name": network.network.name,
                "members": network.network.members.count(),
                "state": _("created with a first priority-setting round")
                if network.created
                else _("already present"),
            }
        )


def _area_load_summary(result: Any) -> str:
    from django.utils.translation import gettext as _

    return _(
        "Areas: %(created)d created, %(updated)d updated; memberships: %(mcreated)d added, "
        "%(mremoved)d removed; population figures written: %(populations)d."
    ) % {
        "created": result.areas_created,
        "updated": result.areas_updated,
        "mcreated": result.memberships_created,
        "mremoved": result.memberships_removed,
        "populations": result.populations_written,
    }


# --- areas --------------------------------------------------------------------------------


def cmd_areas_load(args: argparse.Namespace) -> None:
    from django.conf import settings

    from ivp.areas.loading import reference_data_load

    _write(_area_load_summary(reference_data_load(data_dir=Path(args.data_dir or settings.DATA_DIR))))


def _municipality_rows(municipalities: Sequence[Area]) -> list[dict[str, Any]]:
    from ivp.areas.constants import AreaKind
    from ivp.areas.selectors import population_latest_by_area

    latest = population_latest_by_area(areas=municipalities)
    province_of: dict[int, Area | None] = {
        m.pk: next((r for r in m.regions.all() if r.kind == AreaKind.PROVINCE), None) for m in municipalities
    }
    rows = []
    for m in municipalities:
        pop = latest.get(m.pk)
        province = province_of[m.pk]
        rows.append(
            {
                "code": m.code,
                "name": m.name,
                "kind": m.kind,
                "province": province.name if province else None,
                "population": pop.inhabitants_count if pop else None,
                "population_year": pop.year if pop else None,
            }
        )
    return rows


def _region_rows(kind: str) -> list[dict[str, Any]]:
    from ivp.areas.selectors import region_list, region_members

    rows = []
    for region in region_list(kinds=[kind]):
        members = region_members(region=region)
        rows.append(
            {
                "code": region.code,
                "name": region.name,
                "kind": region.kind,
                "members": len(members.rows),
                "population": members.population_total or None,
                "population_year": members.population_year,
            }
        )
    return rows


def cmd_areas_list(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.areas.constants import AreaKind
    from ivp.areas.selectors import area_get, municipality_list
    from ivp.core.errors import IvpError
    from ivp.core.output import render_csv, render_json, render_table

    header = ""
    if args.kind and args.kind != AreaKind.MUNICIPALITY:
        if args.region:
            raise IvpError(_("Use either --region or --kind, not both."))
        rows = _region_rows(args.kind)
        columns = [("code", _("Code")), ("name", _("Name")), ("members", _("Municipalities"))]
    else:
        region = area_get(code_or_name=args.region) if args.region else None
        if region is not None and region.kind == AreaKind.MUNICIPALITY:
            raise IvpError(_("%(area)s is a municipality, not a region.") % {"area": region})
        rows = _municipality_rows(list(municipality_list(region=region).prefetch_related("regions")))
        columns = [("code", _("Code")), ("name", _("Name")), ("province", _("Province"))]
        if region is not None:
            total = sum(row["population"] or 0 for row in rows)
            header = _("%(region)s: %(count)d municipalities, %(total)s inhabitants") % {
                "region": region,
                "count": len(rows),
                "total": _thousands(total),
            }
    columns += [("population", _("Population")), ("population_year", _("Year"))]
    if args.format == "json":
        _write(render_json(rows))
    elif args.format == "csv":
        _write(render_csv(rows, [key for key, _title in columns]))
    else:
        _write((header + "\n\n" if header else "") + render_table(rows, columns))


def _thousands(number: int) -> str:
    from django.utils.formats import number_format

    return number_format(number, force_grouping=True)


def cmd_areas_show(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.areas.selectors import area_get, area_regions, population_history, region_members
    from ivp.core.output import render_csv, render_json, render_table

    area = area_get(code_or_name=args.code)
    data: dict[str, Any] = {"code": area.code, "name": area.name, "kind": area.kind}
    if area.is_municipality:
        data["regions"] = [{"code": r.code, "name": r.name, "kind": r.kind} for r in area_regions(area=area)]
        data["population"] = [
            {
                "year": p.year,
                "inhabitants": p.inhabitants_count,
                "reference_date": p.reference_date.isoformat(),
                "source": p.source,
            }
            for p in population_history(area=area)
        ]
        if area.boundary_since:
            data["boundary_since"] = area.boundary_since.isoformat()
    else:
        members = region_members(region=area)
        data["population_year"] = members.population_year
        data["population_total"] = members.population_total
        data["members"] = [
            {
                "code": r.area.code,
                "name": r.area.name,
                "population": r.population.inhabitants_count if r.population else None,
            }
            for r in members.rows
        ]
        if area.owner:
            data["owner"] = area.owner.name
    if args.format == "json":
        _write(render_json(data))
        return
    if args.format == "csv":
        if area.is_municipality:
            rows = [
                {
                    "code": area.code,
                    "name": area.name,
                    "relation": r["kind"],
                    "region_code": r["code"],
                    "region_name": r["name"],
                }
                for r in data["regions"]
            ]
            _write(render_csv(rows, ["code", "name", "relation", "region_code", "region_name"]))
        else:
            _write(render_csv(data["members"], ["code", "name", "population"]))
        return
    lines = [f"{area.name} ({area.code})", f"{_('Kind')}: {area.get_kind_display()}"]
    if area.is_municipality:
        for region in area_regions(area=area):
            lines.append(f"{region.get_kind_display()}: {region.name} ({region.code})")
        for pop in population_history(area=area):
            lines.append(
                _("Population %(year)d: %(count)s (%(source)s)")
                % {
                    "year": pop.year,
                    "count": _thousands(pop.inhabitants_count),
                    "source": pop.source,
                }
            )
        if area.boundary_since:
            lines.append(_("Boundary since: %(date)s") % {"date": area.boundary_since.isoformat()})
        _write("\n".join(lines))
    else:
        if area.owner:
            lines.append(f"{_('Owner')}: {area.owner.name}")
        lines.append(
            _("%(count)d municipalities, %(total)s inhabitants (%(year)s)")
            % {
                "count": len(data["members"]),
                "total": _thousands(data["population_total"]),
                "year": data["population_year"] or "-",
            }
        )
        columns = [("code", _("Code")), ("name", _("Name")), ("population", _("Population"))]
        _write("\n".join(lines) + "\n\n" + render_table(data["members"], columns))


# --- statistics ---------------------------------------------------------------------------


def cmd_data_status(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.output import render_json, render_table
    from ivp.stats.models import IngestRun
    from ivp.stats.selectors import store_status

    status = store_status()
    if args.format == "json":
        _write(render_json(status))
        return
    if not status["sources"]:
        _write(_("The statistics store is empty. Load the bundled data with `ivp setup` or `ivp data load`."))
        return
    rows = [
        {
            "source": key,
            "table": info.get("table_id"),
            "periods": f"{info['first_period'][:7]} … {info['last_period'][:7]} ({info['grains']})",
            "rows": info.get("rows"),
            "areas": info.get("areas"),
            "data_date": info.get("data_date"),
            "loaded_at": (info.get("loaded_at") or "")[:16].replace("T", " "),
            "demo": bool(info.get("is_demo")),
        }
        for key, info in status["sources"].items()
    ]
    columns = [
        ("source", _("Source")),
        ("table", _("Table")),
        ("periods", _("Periods")),
        ("rows", _("Rows")),
        ("areas", _("Areas")),
        ("data_date", _("Data date")),
        ("loaded_at", _("Loaded")),
        ("demo", _("Demo")),
    ]
    failed = IngestRun.objects.filter(status="failed").order_by("-started_at")[:3]
    text = (
        _("Store version %(version)s") % {"version": status["version"]} + "\n\n" + render_table(rows, columns)
    )
    for run in failed:
        text += "\n" + _("Failed load of %(source)s at %(when)s: %(message)s") % {
            "source": run.source_key,
            "when": f"{run.started_at:%Y-%m-%d %H:%M}",
            "message": run.message.splitlines()[0],
        }
    _write(text)


def cmd_data_load(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.utils.translation import gettext as _

    from ivp.core.errors import IvpError
    from ivp.core.progress import ProgressBar
    from ivp.stats import population
    from ivp.stats.services import classification_load, source_load

    classification_load(data_dir=Path(settings.DATA_DIR))
    files = [Path(f) for f in args.files] or None
    with ProgressBar(label=args.source) as bar:
        if args.source == population.KEY:
            if not files:
                raise IvpError(_("%(source)s has no bundled files: give CSV exports of %(table)s.")
                               % {"source": population.KEY, "table": population.TABLE_ID})  # fmt: skip
            run = population.population_load(files=files, progress=bar.update)
        else:
            run = source_load(source_key=args.source, files=files, progress=bar.update)
    _write(
        _("Loaded %(source)s: %(rows)d rows read, %(loaded)d figures stored (run %(run)d, %(seconds).1f s).")
        % {"source": run.source_key, "rows": run.rows_read, "loaded": run.rows_loaded, "run": run.pk,
           "seconds": run.duration_seconds or 0}
    )  # fmt: skip


def cmd_data_update(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.progress import ProgressBar
    from ivp.stats import population
    from ivp.stats.live import source_update

    with ProgressBar(label=args.source) as bar:
        if args.source == population.KEY:
            run = population.population_update(progress=bar.update)
        else:
            run = source_update(source_key=args.source, progress=bar.update)
    _write(
        _("Updated %(source)s: %(rows)d rows fetched, %(loaded)d figures stored (run %(run)d).")
        % {"source": run.source_key, "rows": run.rows_read, "loaded": run.rows_loaded, "run": run.pk}
    )


def cmd_figures(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.output import render_csv, render_json, render_table
    from ivp.stats.periods import Grain, parse_bound
    from ivp.stats.selectors import figures

    result = figures(
        area_codes=args.area,
        crime_codes=args.crime,
        first=parse_bound(args.date_from),
        last=parse_bound(args.date_to, end=True),
        grain=Grain(args.per),
        per_1000=args.per_1000,
        measure=args.measure,
        source_key=args.source,
    )
    rows = [r.as_dict(per_1000=args.per_1000) for r in result.rows]
    if args.format == "json":
        _write(render_json({"rows": rows, "sources": result.sources, "demo": result.has_demo}))
        return
    if args.format == "csv":
        _write(render_csv(rows, list(rows[0]) if rows else ["area_code", "crime_code", "period", "count"]))
        return
    columns = [
        ("area_code", _("Area")),
        ("crime_code", _("Crime type")),
        ("period_label", _("Period")),
        ("count", _("Count")),
    ]
    if args.per_1000:
        columns += [("per_1000", _("Per 1,000")), ("population", _("Population"))]
    for row in rows:
        row["count"] = (
            row["count"]
            if row["status"] == "ok"
            else {"suppressed": _("suppressed"), "missing": _("no data")}[row["status"]]
        )
        marks = ("*" if row["provisional"] else "") + ("~" if row["incomplete"] else "")
        row["period_label"] += f" {marks}" if marks else ""
    notes = []
    for key, info in result.sources.items():
        notes.append(
            _("Source: %(table)s %(title)s (%(key)s), data of %(date)s.")
            % {
                "table": info.get("table_id"),
                "title": info.get("title"),
                "key": key,
                "date": info.get("data_date"),
            }
        )
    if any(r.is_provisional for r in result.rows):
        notes.append(_("* provisional figure"))
    if any(r.is_incomplete for r in result.rows):
        notes.append(_("~ incomplete period"))
    if result.has_demo:
        notes.insert(0, _("DEMONSTRATION DATA (demonstratiegegevens): not real figures."))
    _write(render_table(rows, columns) + "\n\n" + "\n".join(notes))


# --- entry point --------------------------------------------------------------------------

APP_CLIS: tuple[str, ...] = (
    "ivp.plans.cli",
    "ivp.api.cli",
    "ivp.reports.cli",
    "ivp.veiligheidsbeeld.cli",
    "ivp.ops.cli",
    "ivp.funding.cli",
    "ivp.bulletins.cli",
    "ivp.networks.cli",
)
"""Apps that add their own commands: each module has `register(commands: Commands)`."""


class Commands:
    """The `ivp` subcommands, for apps to add theirs to (see APP_CLIS)."""

    def __init__(self, top: Any) -> None:
        self.top = top
        self._groups: dict[str, Any] = {}

    def group(self, name: str, help_text: str = "") -> Any:
        """The subparsers of `ivp NAME …`, made on first use (e.g. `report`, `plan`)."""
        if name not in self._groups:
            parser = self.top.add_parser(name, help=help_text)
            self._groups[name] = parser.add_subparsers(dest=f"{name}_command", required=True)
        return self._groups[name]


def build_parser() -> argparse.ArgumentParser:
    from django.utils.translation import gettext as _

    from ivp.areas.constants import AreaKind
    from ivp.core.output import FORMATS

    parser = argparse.ArgumentParser(prog="ivp", description=_("ivp: integral safety policy."))
    sub = parser.add_subparsers(dest="command", required=True)

    setup = sub.add_parser("setup", help=_("migrate the database and load the bundled data"))
    setup.add_argument(
        "--no-demo", action="store_true", help=_("no local demo accounts and no demonstration data")
    )
    setup.add_argument("--data-dir", help=_("folder with the bundled data (default: data/)"))
    setup.set_defaults(func=cmd_setup)

    areas = sub.add_parser("areas", help=_("municipalities and regions"))
    areas_sub = areas.add_subparsers(dest="areas_command", required=True)
    load = areas_sub.add_parser("load", help=_("load the bundled area reference data"))
    load.add_argument("--data-dir", help=_("folder with the bundled data (default: data/)"))
    load.set_defaults(func=cmd_areas_load)
    lst = areas_sub.add_parser("list", help=_("list municipalities, optionally of one region"))
    lst.add_argument("--region", help=_("code or name of a region, e.g. RE02"))
    lst.add_argument("--kind", choices=AreaKind.values, help=_("list regions of this kind instead"))
    lst.add_argument("--format", choices=FORMATS, default="table")
    lst.set_defaults(func=cmd_areas_list)
    show = areas_sub.add_parser("show", help=_("show one municipality or region"))
    show.add_argument("code", help=_("code or name, e.g. GM1641 or Maasgouw"))
    show.add_argument("--format", choices=FORMATS, default="table")
    show.set_defaults(func=cmd_areas_show)

    data = sub.add_parser("data", help=_("the statistics store: status, loads and live updates"))
    data_sub = data.add_subparsers(dest="data_command", required=True)
    status = data_sub.add_parser("status", help=_("what is loaded, which periods, from where, when"))
    status.add_argument("--format", choices=["table", "json"], default="table")
    status.set_defaults(func=cmd_data_status)
    dload = data_sub.add_parser("load", help=_("load a source from its bundled files or from CSV exports"))
    dload.add_argument("source", help=_("source key, e.g. politie_47025 (see `ivp data status`)"))
    dload.add_argument("files", nargs="*", help=_("CSV exports in the table's own columns"))
    dload.set_defaults(func=cmd_data_load)
    update = data_sub.add_parser("update", help=_("fetch new periods from the live CBS OData API"))
    update.add_argument("source", help=_("source key, e.g. politie_47013"))
    update.set_defaults(func=cmd_data_update)

    fig = sub.add_parser("figures", help=_("figures for areas, crime types and periods"))
    fig.add_argument("--area", action="append", required=True, help=_("code or name; repeat for more"))
    fig.add_argument("--crime", action="append", required=True, help=_("crime type code; repeat for more"))
    fig.add_argument("--from", dest="date_from", required=True, help=_("YEAR or YEAR-MM"))
    fig.add_argument("--to", dest="date_to", required=True, help=_("YEAR or YEAR-MM"))
    fig.add_argument("--per", choices=["month", "quarter", "year"], default="year")
    fig.add_argument("--per-1000", action="store_true", help=_("add the rate per 1,000 inhabitants"))
    fig.add_argument(
        "--measure", default="registered_crimes", help=_("what is counted (default registered_crimes)")
    )
    fig.add_argument("--source", help=_("use this source only"))
    fig.add_argument("--format", choices=FORMATS, default="table")
    fig.set_defaults(func=cmd_figures)

    commands = Commands(sub)
    for module in APP_CLIS:
        importlib.import_module(module).register(commands)

    manage = sub.add_parser("manage", help=_("run a Django management command"))
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def cmd_manage(args: argparse.Namespace) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ivp manage", *args.args])


def main(argv: Sequence[str] | None = None) -> int:
    _django_setup()
    from ivp.core.errors import AccessDenied, IvpError
    from ivp.stats.periods import PeriodError

    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], None] = args.func
    try:
        func(args)
    except (IvpError, AccessDenied, PeriodError) as exc:
        sys.stderr.write(f"ivp: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `ivp areas list | head`
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
