"""`ivp backup -o FILE` and `ivp restore FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_backup(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from .backup import backup_create

    info = backup_create(output=Path(args.output))
    sys.stdout.write(
        _("Backup written to %(file)s: %(rows)d database rows, %(files)d statistics files, %(size).1f MB.")
        % {"file": info.path, "rows": info.rows, "files": info.store_files, "size": info.size_bytes / 2**20}
        + "\n"
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from .backup import backup_restore

    info = backup_restore(archive_path=Path(args.file))
    sys.stdout.write(
        _("Restored the backup of %(date)s: %(rows)d database rows, %(files)d statistics files.")
        % {"date": info.created_at, "rows": info.rows, "files": info.store_files}
        + "\n"
    )


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    backup = commands.top.add_parser(
        "backup", help=_("write the database and the statistics store to one archive")
    )
    backup.add_argument("-o", "--output", required=True, help=_("the archive to write (a .tar file)"))
    backup.set_defaults(func=cmd_backup)
    restore = commands.top.add_parser(
        "restore", help=_("restore an archive of `ivp backup` into an empty database and store")
    )
    restore.add_argument("file", help=_("the archive written by `ivp backup`"))
    restore.set_defaults(func=cmd_restore)
