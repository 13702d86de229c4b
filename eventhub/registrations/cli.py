"""`eventhub outbox send` and `eventhub reminders send`: safe to run from cron, even twice at once."""

import logging
import signal
import threading

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from eventhub.core import outbox
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.locks import write_transaction
from eventhub.core.models import utcnow
from eventhub.registrations import reminders
from eventhub.registrations.mail import Site

outbox_app = typer.Typer(help="E-mails waiting to be sent.", no_args_is_help=True)
reminders_app = typer.Typer(help="Reminders before an event and the message after it.", no_args_is_help=True)


def _engine() -> tuple[Settings, Engine]:
    settings = get_settings()
    upgrade(settings)
    return settings, make_engine(settings)


@outbox_app.command("send")
def outbox_send(
    limit: int = typer.Option(500, min=1, max=100_000, help="at most this many messages in this run"),
    now_: bool = typer.Option(False, "--now", help="also retry messages whose next attempt is not due yet"),
) -> None:
    """Send due messages of the outbox; failures are retried later with backoff."""
    settings, engine = _engine()
    with Session(engine) as db:
        report = outbox.deliver(db, settings, limit=limit, force=now_)
        left = outbox.pending_count(db)
    typer.echo(f"outbox: {report}; waiting: {left}")
    if report.retrying or report.failed:
        raise typer.Exit(1)


@reminders_app.command("send")
def reminders_send(
    hours: int = typer.Option(24, min=1, max=72, help="when events without their own settings remind: hours before"),
) -> None:
    """Queue and send the reminders now due (each person gets each once), and the after-event
    message to those who came, where the organisers asked for one."""
    settings, engine = _engine()
    site = Site.from_settings(settings)
    now = utcnow()
    ids: list[int] = []
    after: list[int] = []
    with Session(engine) as db:
        for event_id in reminders.events_needing_reminders(db, now=now, default_hours=hours):
            with write_transaction(db):  # one transaction per event, its lock first
                ids += reminders.queue_reminders(db, event_id=event_id, now=now, site=site, default_hours=hours)
        for event_id in reminders.events_after(db, now=now):
            with write_transaction(db):
                after += reminders.queue_after_event(db, event_id=event_id, now=now, site=site)
        report = (
            outbox.deliver(db, settings, ids=ids, owned=True, limit=max(len(ids), 1))
            if ids
            else outbox.DeliveryReport()
        )
        if after:  # written pending: claimed here like any other sender's
            later = outbox.deliver(db, settings, ids=after, force=True, limit=len(after))
            for name in ("sent", "retrying", "failed"):
                getattr(report, name).extend(getattr(later, name))
    typer.echo(f"reminders: {len(ids)} queued; after the event: {len(after)} queued; {report}")


def worker(
    batch: int = typer.Option(50, min=1, max=1000, help="messages claimed at a time"),
    idle: float = typer.Option(2.0, min=0.05, max=300, help="seconds to wait when nothing is due"),
) -> None:
    """Send the outbox continuously (run one or more next to the web server); stops cleanly on SIGTERM."""
    settings, engine = _engine()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    typer.echo("worker: sending the outbox; SIGTERM to stop", err=True)
    report = outbox.run_worker(engine, settings, stop=stop, batch=batch, idle=idle)
    typer.echo(f"worker stopped: {report}", err=True)
