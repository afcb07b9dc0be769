from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ivp.stats.store import StatsStore
from ivp.stats.synthetic import demo_cube_load


@pytest.fixture(scope="session")
def bulletin_var_dir(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Path:
    """A store with the demonstration cube only (monthly figures per municipality, 2012-2023);
    loaded once per session, then only read."""
    var_dir = tmp_path_factory.mktemp("bulletin-var")
    with django_db_blocker.unblock():
        demo_cube_load(store=StatsStore(var_dir / "stats"))
    return var_dir


@pytest.fixture
def demo_store(bulletin_var_dir: Path, settings: Any, db: Any) -> StatsStore:
    settings.VAR_DIR = bulletin_var_dir
    return StatsStore(bulletin_var_dir / "stats")


REFUSED = "weigert@example.org"


@dataclass
class Inbox:
    """What a real SMTP server on loopback received: (envelope recipients, parsed message)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    port: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """An aiosmtpd server on 127.0.0.1 and a free port, collecting every message it accepts."""
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
