"""eventhub: an event organiser for civic and policy events in Kyrgyzstan."""

from pathlib import Path

__version__ = "0.1.0"

# The repository layout keeps templates/, static/ and alembic/ beside the package.
ROOT = Path(__file__).resolve().parent.parent
