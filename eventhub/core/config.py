"""Settings from EVENTHUB_* environment variables."""

import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from eventhub import ROOT

LANGUAGES = ("ru", "ky", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVENTHUB_", extra="ignore")

    data_dir: Path = ROOT / "data"
    database_url: str = ""  # empty: a SQLite file in data_dir
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""  # empty: generated once and kept in data_dir/secret_key
    # Keys retired by a rotation, comma-separated: they still verify (cookies, private links,
    # check-in codes, calendar addresses) but sign nothing new. See README, "Rotating the secret key".
    old_secret_keys: str = ""
    session_hours: int = Field(default=12, ge=1, le=24 * 30)  # a staff session's absolute lifetime
    session_idle_minutes: int = Field(default=120, ge=5)  # a staff session ends after this long unused
    admin_totp_required: bool = False  # admins must set up the second factor (TOTP) before anything else
    timezone: str = "Asia/Bishkek"
    default_language: str = "ru"
    site_name: str = "eventhub"
    max_body_bytes: int = 256 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024  # participant lists (XLSX/CSV) posted to .../import, materials
    max_material_bytes: int = 4 * 1024 * 1024  # one uploaded material (below max_upload_bytes: the form around it)
    max_event_material_bytes: int = 200 * 1024 * 1024  # every material of one event together
    rate_limit_registrations: int = 30  # registration POSTs a minute from one address (all workers); 0: no limit
    # Threads of one worker process for sync routes, dependencies and after-response e-mail
    # (anyio's limiter, 40 by default). The GIL runs one at a time anyway; each busy thread
    # holds a database connection and its caches, so fewer threads keep a worker smaller.
    threads: int = Field(default=20, ge=4, le=200)

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "eventhub <no-reply@eventhub.local>"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _defaults_in_data_dir(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'eventhub.sqlite3'}"
        return self

    def ensure_data_dir(self) -> None:
        if self.database_url.startswith("sqlite:///") or not self.secret_key:
            self.data_dir.mkdir(parents=True, exist_ok=True)

    def get_secret_key(self) -> str:
        """The configured key, else one generated on first run and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: several workers starting at once agree on one key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                break
            time.sleep(0.01)
        self.secret_key = key
        return key

    def get_secret_keys(self) -> tuple[str, ...]:
        """The key ring: the current key first (it signs), then the retired ones (they verify)."""
        old = tuple(k.strip() for k in self.old_secret_keys.split(",") if k.strip())
        current = self.get_secret_key()
        return (current, *(k for k in old if k != current))


@lru_cache
def get_settings() -> Settings:
    return Settings()
