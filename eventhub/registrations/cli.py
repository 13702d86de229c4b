"""`eventhub outbox send` and `eventhub reminders send`: safe to run from cron, even twice at once."""

import logging
import signal
import threading

import typer

from eventhub.core import outbox
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import utcnow
from eventhub.core.uow import Units
from eventhub.registrations import service
from eventhub.registrations.mail import Site

outbox_app = typer.Typer(help="E-mails waiting to be sent.", no_args_is_help=True)
reminders_app = typer.Typer(help="Reminders the day before an event.", no_args_is_help=True)


def _units() -> tuple[Settings, Units]:
    settings = get_settings()
    upgrade(settings)
    return settings, Units(make_engine(settings))


@outbox_app.command("send")
def outbox_send(
    limit: int = typer.Option(500, min=1, max=100_000, help="at most this many messages in this run"),
    now_: bool = typer.Option(False, "--now", help="also retry messages whose next attempt is not due yet"),
) -> None:
    """Send due messages of the outbox; failures are retried later with backoff."""
    settings, units = _units()
    report = outbox.deliver(units, settings, limit=limit, force=now_)
    with units.read() as db:
        left = outbox.pending_count(db)
    typer.echo(f"outbox: {report}; waiting: {left}")
    if report.retrying or report.failed:
        raise typer.Exit(1)


@reminders_app.command("send")
def reminders_send(
    hours: int = typer.Option(24, min=1, max=72, help="remind about events starting within this many hours"),
) -> None:
    """Queue and send reminders to confirmed participants; each person gets one reminder."""
    settings, units = _units()
    site = Site.from_settings(settings)
    now = utcnow()
    ids: list[int] = []
    with units.read() as db:
        event_ids = service.events_needing_reminders(db, now=now, within_hours=hours)
    for event_id in event_ids:
        with units.write() as db:  # one unit of work per event
            ids += service.queue_reminders(db, event_id=event_id, now=now, site=site)
    report = (
        outbox.deliver(units, settings, ids=ids, owned=True, limit=max(len(ids), 1)) if ids else outbox.DeliveryReport()
    )
    typer.echo(f"reminders: {len(ids)} queued; {report}")


def worker(
    batch: int = typer.Option(50, min=1, max=1000, help="messages claimed at a time"),
    idle: float = typer.Option(2.0, min=0.05, max=300, help="seconds to wait when nothing is due"),
) -> None:
    """Send the outbox continuously (run one or more next to the web server); stops cleanly on SIGTERM."""
    settings, units = _units()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    typer.echo("worker: sending the outbox; SIGTERM to stop", err=True)
    report = outbox.run_worker(units, settings, stop=stop, batch=batch, idle=idle)
    typer.echo(f"worker stopped: {report}", err=True)
