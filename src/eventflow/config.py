"""Settings read from the environment once (see the README's configuration table)."""

from __future__ import annotations

import os
import re
import secrets
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import evolve, frozen

from eventflow.core.i18n import Message, Value

TRUE_WORDS = ("1", "true", "yes", "on")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BUCKET_URL_FORM = "s3://BUCKET/PREFIX?endpoint=https://HOST&region=REGION"


class ConfigError(ValueError):
    """A configuration value is unusable; the message names the variable.

    Like the core's errors (``core/errors.py``), it carries a :class:`Message`: an English text written as a literal,
    with named values (``ConfigError("%(name)s must be 0 or more", name=name)``), which the command line prints in its
    reader's language; ``str()`` is the English, for logs.
    """

    def __init__(self, message: str | Message, /, **values: Value) -> None:
        self.message = message if isinstance(message, Message) else Message(message, values)
        super().__init__(str(self.message))


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError("%(name)s=%(raw)r is not a number", name=name, raw=raw) from None
    if value <= 0:
        raise ConfigError("%(name)s must be greater than 0", name=name)
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError("%(name)s=%(raw)r must be a whole number of 1 or more", name=name, raw=raw)
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds; 0 is allowed (the feature it delays is then off)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError("%(name)s=%(raw)r is not a number of seconds", name=name, raw=raw) from None
    if value < 0:
        raise ConfigError("%(name)s must be 0 or more", name=name)
    return value


#: The file of the data folder where ``eventflow serve`` notes the address it serves, for cron's e-mails.
SERVED_URL_FILE = "served_url"


def _base_url(env: Mapping[str, str], data_dir: Path) -> str:
    """Where people open eventflow: e-mails link to ``{base_url}/events/{id}``; without ``EVENTFLOW_BASE_URL``, the
    address ``eventflow serve`` last served from this data folder (so that cron's digest links there too)."""
    served = data_dir / SERVED_URL_FILE
    last_served = served.read_text().strip() if served.is_file() else ""
    raw = (env.get("EVENTFLOW_BASE_URL") or last_served or "http://127.0.0.1:8000").strip().rstrip("/")
    if not raw.startswith(("http://", "https://")) or len(raw.split("://", 1)[1]) == 0:
        raise ConfigError(
            "EVENTFLOW_BASE_URL=%(raw)r must be an http:// or https:// address (e.g. https://eventflow.example.org)",
            raw=raw,
        )
    return raw


@frozen
class BucketUrl:
    """Where an S3-compatible object store keeps files: ``s3://BUCKET/PREFIX?endpoint=URL&region=R``.

    Without ``endpoint`` the client's default (AWS) is used; ``variable`` is the setting it came from, named by
    every error about it.
    """

    bucket: str
    prefix: str  # "" or ending with "/"
    endpoint: str | None
    region: str | None
    variable: str

    @classmethod
    def parse(cls, raw: str, variable: str) -> BucketUrl:
        parts = urlsplit(raw.strip())
        if parts.scheme != "s3" or not _BUCKET.match(parts.netloc):
            raise ConfigError(
                "%(variable)s=%(raw)r is not a bucket URL (e.g. %(form)s)",
                variable=variable,
                raw=raw,
                form=BUCKET_URL_FORM,
            )
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"endpoint", "region"})
        if unknown or any(len(values) > 1 for values in query.values()):
            raise ConfigError(
                "%(variable)s=%(raw)r: only endpoint= and region= may follow the '?', once each",
                variable=variable,
                raw=raw,
            )
        endpoint = query.get("endpoint", [""])[0].rstrip("/") or None
        if endpoint is not None and not endpoint.startswith(("http://", "https://")):
            raise ConfigError(
                "%(variable)s=%(raw)r: endpoint= must be an http:// or https:// address", variable=variable, raw=raw
            )
        prefix = parts.path.strip("/")
        region = query.get("region", [""])[0] or None
        return cls(parts.netloc, f"{prefix}/" if prefix else "", endpoint, region, variable)

    def overlaps(self, other: BucketUrl) -> bool:
        """Whether the two places could hold the same object (same bucket and endpoint, one prefix in the other)."""
        same_bucket = (self.bucket, self.endpoint) == (other.bucket, other.endpoint)
        return same_bucket and (self.prefix.startswith(other.prefix) or other.prefix.startswith(self.prefix))

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def _bucket_url(env: Mapping[str, str], name: str) -> BucketUrl | None:
    raw = env.get(name, "").strip()
    return BucketUrl.parse(raw, name) if raw else None


def _stores(env: Mapping[str, str]) -> tuple[BucketUrl | None, BucketUrl | None]:
    """``EVENTFLOW_HOT_URL`` and ``EVENTFLOW_COLD_URL``: never both a cold folder and a cold bucket, never one place
    for both stores (archiving would delete the only copy)."""
    hot, cold = _bucket_url(env, "EVENTFLOW_HOT_URL"), _bucket_url(env, "EVENTFLOW_COLD_URL")
    if cold and env.get("EVENTFLOW_COLD_DIR", "").strip():
        raise ConfigError("EVENTFLOW_COLD_URL and EVENTFLOW_COLD_DIR are both set: keep one cold store")
    if hot and cold and hot.overlaps(cold):
        raise ConfigError(
            "EVENTFLOW_COLD_URL=%(cold)s overlaps EVENTFLOW_HOT_URL=%(hot)s: give them distinct prefixes",
            cold=str(cold),
            hot=str(hot),
        )
    return hot, cold


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
    #: Stores in object storage instead of the folders (``EVENTFLOW_HOT_URL``, ``EVENTFLOW_COLD_URL``).
    hot_url: BucketUrl | None = None
    cold_url: BucketUrl | None = None
    #: E-mails about changes wait this long for others to the same person and leave with them as one (0: at once).
    mail_group_seconds: float = 60
    #: Whether ``EVENTFLOW_BASE_URL`` was given; if not, ``eventflow serve`` links to the address it serves.
    base_url_given: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("EVENTFLOW_DATA_DIR") or "./var").expanduser().resolve()
        timezone = env.get("EVENTFLOW_TIMEZONE") or "Europe/Paris"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                "EVENTFLOW_TIMEZONE=%(timezone)r is not a known time zone (e.g. Europe/Paris)", timezone=timezone
            ) from None
        hot_url, cold_url = _stores(env)
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
            base_url=_base_url(env, data_dir),
            body_timeout_seconds=_number(env, "EVENTFLOW_BODY_TIMEOUT_SECONDS", 30),
            image_decodes=_count(env, "EVENTFLOW_IMAGE_DECODES", 2),
            unfinished_expiry_hours=_number(env, "EVENTFLOW_TUS_EXPIRY_HOURS", 24),
            max_unfinished_bytes=int(_number(env, "EVENTFLOW_MAX_UNFINISHED_MB", 2048) * 1024 * 1024),
            hot_url=hot_url,
            cold_url=cold_url,
            mail_group_seconds=_seconds(env, "EVENTFLOW_MAIL_GROUP_SECONDS", 60),
            base_url_given=bool((env.get("EVENTFLOW_BASE_URL") or "").strip()),
        )

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for ``eventflow serve`` on ``host``:``port``: without ``EVENTFLOW_BASE_URL``, links in
        e-mails and feeds point to that address (the machine's name when it listens on every address)."""
        if self.base_url_given:
            return self
        if host in ("0.0.0.0", "::", ""):
            host = socket.gethostname() or "127.0.0.1"
        shown = f"[{host}]" if ":" in host else host
        return evolve(self, base_url=f"http://{shown}:{port}")

    def note_served(self) -> None:
        """Keep the address ``eventflow serve`` serves in the data folder: the other commands (cron's ``digest`` and
        ``remind``) link to it too while ``EVENTFLOW_BASE_URL`` is unset."""
        if not self.base_url_given:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            (self.data_dir / SERVED_URL_FILE).write_text(self.base_url + "\n")

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
