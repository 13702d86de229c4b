"""`eventhub files …`: the stored bytes of materials (see eventhub/core/storage.py)."""

import typer
from sqlmodel import select

from eventhub.core.config import get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import Material
from eventhub.core.storage import file_storage, sweep
from eventhub.core.uow import Units

files_app = typer.Typer(help="Uploaded files (materials and photos).", no_args_is_help=True)


@files_app.command("sweep")
def files_sweep() -> None:
    """Delete stored files no material references (left by deleted materials or rolled-back
    uploads). Run it while no upload is in flight."""
    settings = get_settings()
    upgrade(settings)
    with Units(make_engine(settings)).read() as db:
        keys = set(db.exec(select(Material.sha256)).all())
        keys |= {k for k in db.exec(select(Material.thumb_sha256)).all() if k}
    gone = sweep(file_storage(settings.data_dir), keys)
    typer.echo(f"removed {gone} unreferenced file(s)")
