"""The `eventhub` command line."""

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import typer
import uvicorn
from sqlmodel import Session, select

from eventhub.accounts.service import (
    create_token,
    create_user,
    give_checkin,
    list_tokens,
    revoke_token,
    take_checkin,
)
from eventhub.core import outbox
from eventhub.core.config import get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.errors import DomainError
from eventhub.core.models import Event, StaffUser, id_of
from eventhub.core.uow import Units
from eventhub.outcomes.cli import files_app
from eventhub.registrations.cli import reminders_app

app = typer.Typer(help="eventhub: civic and policy events in Kyrgyzstan.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision")) -> None:
    """Apply Alembic migrations."""
    upgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


user_app = typer.Typer(help="Staff users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

outbox_app = typer.Typer(help="E-mails waiting to be sent.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(reminders_app, name="reminders")
app.add_typer(files_app, name="files")


def _units() -> Units:
    settings = get_settings()
    upgrade(settings)
    return Units(make_engine(settings))


@outbox_app.command("send")
def outbox_send(
    limit: int = typer.Option(500, min=1, max=100_000, help="at most this many messages in this run"),
    now_: bool = typer.Option(False, "--now", help="also retry messages whose next attempt is not due yet"),
) -> None:
    """Send due messages of the outbox; failures are retried later with backoff."""
    settings = get_settings()
    units = _units()
    report = outbox.deliver(units, settings, limit=limit, force=now_)
    with units.read() as db:
        left = outbox.pending_count(db)
    typer.echo(f"outbox: {report}; waiting: {left}")
    if report.retrying or report.failed:
        raise typer.Exit(1)


@app.command("worker")
def outbox_worker(
    batch: int = typer.Option(50, min=1, max=1000, help="messages claimed at a time"),
    idle: float = typer.Option(2.0, min=0.05, max=300, help="seconds to wait when nothing is due"),
) -> None:
    """Send the outbox continuously (run one or more next to the web server); stops cleanly on SIGTERM."""
    settings = get_settings()
    units = _units()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    typer.echo("worker: sending the outbox; SIGTERM to stop", err=True)
    report = outbox.run_worker(units, settings, stop=stop, batch=batch, idle=idle)
    typer.echo(f"worker stopped: {report}", err=True)


def _fail(exc: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    typer.echo(f"error: {exc.message}{' (' + details + ')' if details else ''}", err=True)
    raise typer.Exit(1)


@user_app.command("add")
def user_add(
    email: str,
    role: str = typer.Option(..., help="admin | organiser | press_officer | checkin"),
    organisation: list[str] = typer.Option([], help="slug of an organisation the user works for"),
    event: list[str] = typer.Option([], help="check-in staff: slug of an event they mark arrivals at"),
    name: str = typer.Option(None, help="full name"),
) -> None:
    """Add a staff user; the password comes from a prompt, or stdin when piped."""
    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with _units().write() as db:
            user = create_user(
                db, email=email, password=password, role=role, full_name=name, organisations=organisation
            )
            for slug in event:
                give_checkin(db, event=_event(db, slug), email=user.email)
            line = f"user {user.email} ({user.role}) added"
    except DomainError as exc:
        _fail(exc)
    typer.echo(line)


@user_app.command("checkin")
def user_checkin(
    email: str,
    event: str = typer.Argument(..., help="slug of the event"),
    remove: bool = typer.Option(False, "--remove", help="take the event back"),
) -> None:
    """Let a check-in user mark arrivals at an event (or, with --remove, no longer)."""
    try:
        with _units().write() as db:
            target = _event(db, event)
            if remove:
                take_checkin(db, event=target, user_id=id_of(_user(db, email)))
            else:
                give_checkin(db, event=target, email=email)
    except DomainError as exc:
        _fail(exc)
    typer.echo(f"{email.strip().lower()} {'no longer checks in' if remove else 'checks in'} at {event}")


def _event(db: Session, slug: str) -> Event:
    found = db.exec(select(Event).where(Event.slug == slug.strip())).first()
    if found is None:
        typer.echo(f"error: no event {slug}", err=True)
        raise typer.Exit(1)
    return found


def _user(db: Session, email: str) -> StaffUser:
    user = db.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None:
        typer.echo(f"error: no user {email}", err=True)
        raise typer.Exit(1)
    return user


@token_app.command("create")
def token_create(email: str, name: str = typer.Option(None, help="what the token is for")) -> None:
    """Create an API token for a user and print it once."""
    with _units().write() as db:
        _, plain = create_token(db, _user(db, email), name)
    typer.echo(plain)


@app.command("export")
def export_cmd(file: Path = typer.Argument(..., help="backup file (.jsonl, or .jsonl.gz to compress)")) -> None:
    """Write every table to a versioned JSON Lines backup."""
    from eventhub.backup import export_database  # imported here: only backups need it

    settings = get_settings()
    upgrade(settings)
    counts = export_database(make_engine(settings), file)
    typer.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables to {file}")


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="backup file")) -> None:
    """Restore a backup into an empty database (migrated first)."""
    from eventhub.backup import import_database  # imported here: only backups need it

    settings = get_settings()
    upgrade(settings)
    try:
        counts = import_database(make_engine(settings), file)
    except DomainError as exc:
        _fail(exc)
    typer.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables")


@token_app.command("list")
def token_list(email: str) -> None:
    """A user's tokens: id, prefix, name, created, revoked (the tokens themselves are not stored)."""
    with _units().read() as db:
        for t in list_tokens(db, _user(db, email)):
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
            typer.echo(f"{t.id}\t{t.prefix}…\t{t.name or '-'}\tcreated {t.created_at:%Y-%m-%d %H:%M}\t{state}")


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `token list`); requests with it get 401 from then on."""
    try:
        with _units().write() as db:
            token = revoke_token(db, token_id)
            line = f"token {token.id} ({token.prefix}…) revoked"
    except DomainError as exc:
        _fail(exc)
    typer.echo(line)


@app.command()
def demo() -> None:
    """Load the seed events, projects and press releases (idempotent)."""
    from eventhub.demo.loader import load_demo  # imported here: only this command reads the seed file

    settings = get_settings()
    upgrade(settings)
    with Units(make_engine(settings)).write() as db:
        changed = load_demo(db)
    typer.echo(f"demo data loaded ({changed} changes)" if changed else "demo data already up to date")


def listening_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches `host:port` at (a wildcard is this machine)."""
    if host in ("0.0.0.0", "", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}" + ("" if port == 80 else f":{port}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
    reload: bool = typer.Option(False, help="reload on code changes (development)"),
) -> None:
    """Migrate the database if needed and serve; without EVENTHUB_BASE_URL, links, feeds and
    e-mails point at the address served (--host, --port)."""
    settings = get_settings()
    if "base_url" not in settings.model_fields_set:
        os.environ["EVENTHUB_BASE_URL"] = listening_url(host, port)  # the workers read it too
    upgrade(settings)
    settings.get_secret_key()  # generate before workers start, so they share it
    uvicorn.run(
        "eventhub.main:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":
    app()
