"""Where Label Studio keeps its data: SQLite in the data folder (one person) or PostgreSQL (a team).

The PostgreSQL settings are Label Studio's own (``DJANGO_DB=default`` and ``POSTGRE_*``), and the
database is checked with the client library Label Studio itself depends on (psycopg 3). Label
Studio reads each setting from ``LABEL_STUDIO_<NAME>``, ``HEARTEX_<NAME>`` or ``<NAME>``, first
found wins, so the server's environment is cleared of all three spellings before ours go in.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportedly.incidents import ReportedlyError

DATABASE_ENV = "REPORTEDLY_STUDIO_DB"
DATABASE_SETTINGS = (
    "DJANGO_DB",
    "DATABASE_NAME",
    *(f"POSTGRE_{k}" for k in ("USER", "PASSWORD", "NAME", "HOST", "PORT")),
)
LABEL_STUDIO_PREFIXES = ("LABEL_STUDIO_", "HEARTEX_", "")
SQLITE = "sqlite"
URL_FORM = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"


@dataclass(frozen=True)
class PostgresDatabase:
    """A PostgreSQL database for Label Studio; the password is never shown (see :meth:`display`)."""

    host: str
    port: int
    name: str
    user: str
    password: str = field(default="", repr=False)

    def display(self) -> str:
        """The URL without its password: safe to print and to keep in server.json."""
        secret = ":…" if self.password else ""
        return f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{self.name}"

    def label_studio_env(self) -> dict[str, str]:
        """Label Studio's own settings for this database."""
        return {
            "DJANGO_DB": "default",
            "POSTGRE_HOST": self.host,
            "POSTGRE_PORT": str(self.port),
            "POSTGRE_NAME": self.name,
            "POSTGRE_USER": self.user,
            "POSTGRE_PASSWORD": self.password,
        }

    def connect(self, *, timeout: float = 10.0) -> Any:
        """A psycopg connection (autocommit), or a coded error naming the fix."""
        import psycopg

        try:
            return psycopg.connect(
                host=self.host,
                port=self.port,
                dbname=self.name,
                user=self.user,
                password=self.password or None,
                connect_timeout=max(1, int(timeout)),
                autocommit=True,
            )
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            if self.password:
                reason = reason.replace(self.password, "…")
            raise ReportedlyError.of(
                "RPT-STUDIO-DB",
                f"cannot connect to PostgreSQL at {self.display()} ({reason}); start the server, create the "
                f"database and its user (see docs/annotation-team.md), and give the password in the URL or in "
                "PGPASSWORD",
            ) from None

    def is_migrated(self) -> bool:
        """Label Studio has created its tables here (its first start did run)."""
        with self.connect() as conn:
            row = conn.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL").fetchone()
        return bool(row and row[0])


Database = PostgresDatabase | None  # None: SQLite in the data folder


def parse_database(url: str | None, env: Mapping[str, str] | None = None) -> Database:
    """The database named by ``url`` (``--db``), else by REPORTEDLY_STUDIO_DB; SQLite when neither.

    The password may be in the URL or, to keep it out of shell history, in PGPASSWORD.
    """
    env = os.environ if env is None else env
    text = (url or env.get(DATABASE_ENV) or "").strip()
    if not text or text == SQLITE:
        return None
    parts = urllib.parse.urlsplit(text)
    where = f"--db / {DATABASE_ENV}"
    if parts.scheme not in ("postgresql", "postgres"):
        raise ReportedlyError.of(
            "RPT-STUDIO-DB",
            f"{where}: {parts.scheme or text[:20]!r} is not a database this server supports; give "
            f"{URL_FORM}, or 'sqlite' (the default, for one person)",
        )
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    try:
        port = parts.port or 5432
    except ValueError:
        port = 0
    if not parts.hostname or not parts.username or not name or "/" in name or not port:
        raise ReportedlyError.of("RPT-STUDIO-DB", f"{where}: expected {URL_FORM}")
    password = urllib.parse.unquote(parts.password or "") or env.get("PGPASSWORD", "")
    return PostgresDatabase(parts.hostname, port, name, urllib.parse.unquote(parts.username), password)


def database_env(database: Database, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without any database setting Label Studio would read, plus those of ``database``."""
    names = {prefix + name for prefix in LABEL_STUDIO_PREFIXES for name in DATABASE_SETTINGS}
    out = {k: v for k, v in env.items() if k not in names}
    out.update(database.label_studio_env() if database is not None else {"DJANGO_DB": SQLITE})
    return out


def migrate_database(database: PostgresDatabase, *, env: Mapping[str, str] | None = None, timeout: float = 600) -> None:
    """Create Label Studio's tables in ``database`` (``label-studio init``) without creating a user:
    a template to copy (``CREATE DATABASE ... TEMPLATE``) for fast starts."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from reportedly.studio.server import LEAKY_ENV, QUIET_ENV, label_studio_executable, log_tail

    env = dict(os.environ if env is None else env)
    folder = Path(tempfile.mkdtemp(prefix="reportedly-migrate-"))
    clean = {k: v for k, v in env.items() if k not in LEAKY_ENV and not k.startswith("LABEL_STUDIO_")}
    clean = database_env(database, {**clean, "LABEL_STUDIO_BASE_DATA_DIR": str(folder), **QUIET_ENV})
    log = folder / "init.log"
    try:
        with log.open("w") as out:
            code = subprocess.call(
                [label_studio_executable(), "init", "-q", "--data-dir", str(folder)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=clean,
                timeout=timeout,
            )
        if code != 0 or not database.is_migrated():
            raise ReportedlyError.of(
                "RPT-STUDIO-START", f"label-studio init failed on {database.display()} (exit {code}):\n{log_tail(log)}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def round_database(base: PostgresDatabase, round_name: str, annotator: str) -> PostgresDatabase:
    """The database of one annotator's server in a round: ``<base>_<round>_<annotator>`` on the same
    PostgreSQL server, created when missing (the user needs the CREATEDB privilege)."""
    import re
    from dataclasses import replace

    name = re.sub(r"[^a-z0-9_]", "_", f"{base.name}_{round_name}_{annotator}".lower())[:63]
    database = replace(base, name=name)
    with base.connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{name}"')
            except Exception as exc:  # psycopg raises one of several kinds (privilege, name in use)
                raise ReportedlyError.of(
                    "RPT-STUDIO-DB",
                    f"cannot create the database {name!r} on {base.display()} ({str(exc).strip()}); give "
                    f"{base.user} the CREATEDB privilege (ALTER ROLE {base.user} CREATEDB) or create it yourself",
                ) from None
    return database
