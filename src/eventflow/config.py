"""Settings read from the environment once (see the README's configuration table)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import frozen

TRUE_WORDS = ("1", "true", "yes", "on")


class ConfigError(ValueError):
    """A configuration value is unusable; the message names the variable."""


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}={raw!r} must be a whole number of 1 or more")
    return int(raw)


def _base_url(env: Mapping[str, str]) -> str:
    """Where people open eventflow: e-mails link to ``{base_url}/events/{id}``."""
    raw = (env.get("EVENTFLOW_BASE_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
    if not raw.startswith(("http://", "https://")) or len(raw.split("://", 1)[1]) == 0:
        raise ConfigError(
            f"EVENTFLOW_BASE_URL={raw!r} must be an http:// or https:// address (e.g. https://eventflow.example.org)"
        )
    return raw


@frozen
class Settings:
    data_dir: Path
    database_url: str
    cold_dir: Path
    max_upload_bytes: int
    quota_bytes: int
    timezone: str
    smtp_url: str | None
    secret_key_value: str | None = None
    trust_forwarded_proto: bool = False
    base_url: str = "http://127.0.0.1:8000"
    #: A request (headers or body) that sends nothing for this long, or a client that reads none of its response
    #: for this long, is cut off: a stalled client cannot hold a server thread for ever.
    body_timeout_seconds: float = 30.0
    #: Images each process decodes at once (a photo over 25 megapixels takes two turns).
    image_decodes: int = 2
    unfinished_expiry_hours: float = 24
    max_unfinished_bytes: int = 2048 * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("EVENTFLOW_DATA_DIR") or "./var").expanduser().resolve()
        timezone = env.get("EVENTFLOW_TIMEZONE") or "Europe/Paris"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"EVENTFLOW_TIMEZONE={timezone!r} is not a known time zone (e.g. Europe/Paris)") from None
        return cls(
            data_dir=data_dir,
            database_url=env.get("EVENTFLOW_DATABASE_URL") or f"sqlite:///{data_dir / 'eventflow.db'}",
            cold_dir=Path(env.get("EVENTFLOW_COLD_DIR") or data_dir / "cold").expanduser().resolve(),
            max_upload_bytes=int(_number(env, "EVENTFLOW_MAX_UPLOAD_MB", 500) * 1024 * 1024),
            quota_bytes=int(_number(env, "EVENTFLOW_QUOTA_GB", 30) * 1024**3),
            timezone=timezone,
            smtp_url=env.get("EVENTFLOW_SMTP_URL") or None,
            secret_key_value=env.get("EVENTFLOW_SECRET_KEY") or None,
            trust_forwarded_proto=env.get("EVENTFLOW_TRUST_FORWARDED_PROTO", "").strip().lower() in TRUE_WORDS,
            base_url=_base_url(env),
            body_timeout_seconds=_number(env, "EVENTFLOW_BODY_TIMEOUT_SECONDS", 30),
            image_decodes=_count(env, "EVENTFLOW_IMAGE_DECODES", 2),
            unfinished_expiry_hours=_number(env, "EVENTFLOW_TUS_EXPIRY_HOURS", 24),
            max_unfinished_bytes=int(_number(env, "EVENTFLOW_MAX_UNFINISHED_MB", 2048) * 1024 * 1024),
        )

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def uploads_dir(self) -> Path:
        """Unfinished resumable uploads (tus)."""
        return self.data_dir / "uploads"

    def secret_key(self) -> str:
        """The configured key, or one generated once into the data folder and kept there."""
        if self.secret_key_value:
            return self.secret_key_value
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process wrote it first
                return path.read_text().strip()
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
