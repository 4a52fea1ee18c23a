"""The restore drill (issue 14, item 8): docs/deploy.md's backup — pg_dump of the
database, the media folder, the keys from the secret store — restored into a new
database reproduces every count, every money sum, every decrypted ID number and every
media file. Without the keys it does not (the drill would notice). PostgreSQL only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from chamber.core.backup import key_environment
from chamber.members.models import Person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the drill uses pg_dump and pg_restore (PostgreSQL)",
    ),
]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _fingerprint(database_url: str, media, keys: dict[str, str]) -> dict:
    """`chamber fingerprint` in a fresh process that knows only what a restore knows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAMBER_")}
    env.update(keys, DATABASE_URL=database_url, CHAMBER_MEDIA=str(media))
    done = subprocess.run(
        [sys.executable, "-m", "chamber", "fingerprint"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_backup_restores_every_count_sum_id_number_and_file(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAMBER_FIELD_SALT", settings.SALT_KEY)
    monkeypatch.setenv("CHAMBER_SECRET_KEY", settings.SECRET_KEY)
    # The keys the data is encrypted with, as production keeps them in the environment.
    monkeypatch.setenv("CHAMBER_FIELD_KEYS", ",".join(settings.CHAMBER_FIELD_KEYS))
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    call_command("demo", members=200, seed=4)
    default_storage.save("attachments/visit-note.txt", ContentFile("走访记录".encode()))
    assert Person.objects.exclude(id_number=None).exclude(id_number="").exists()
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore_{uuid.uuid4().hex[:6]}"
    backup = tmp_path / "backup"
    backup.mkdir()
    connection.close()  # the dump sees everything committed
    try:
        # docs/deploy.md §6: the dump, the media folder, the keys
        subprocess.run(
            ["pg_dump", "--format=custom", "-f", str(backup / "chamber.dump"), _url(source)],
            check=True,
        )
        with tarfile.open(backup / "media.tar.gz", "w:gz") as tar:
            tar.add(media, arcname="media")
        keys = key_environment()
        assert keys, "no key in the environment: a backup without keys cannot be read"
        (backup / "keys.json").write_text(json.dumps(keys))

        # restore onto a "new machine": a new database, a new media folder
        _admin(f'CREATE DATABASE "{restored}"')
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", _url(restored), str(backup / "chamber.dump")],
            check=True,
        )
        new_home = tmp_path / "restored"
        with tarfile.open(backup / "media.tar.gz") as tar:
            tar.extractall(new_home, filter="data")
        stored_keys = json.loads((backup / "keys.json").read_text())

        before = _fingerprint(_url(source), media, stored_keys)
        after = _fingerprint(_url(restored), new_home / "media", stored_keys)
        assert before["counts"]["members.Person"] > 100
        ids = before["decrypted"]["members.Person.id_number"]
        assert ids["values"] > 0 and ids["unreadable"] == 0
        assert any(v != "0" and v != "0.00" for v in before["sums"].values())
        assert before["media"] and before == after

        # without the keys the same drill fails: it proves what it claims
        wrong = {k: "not-the-key-" + k for k in stored_keys}
        try:
            without = _fingerprint(_url(restored), new_home / "media", wrong)
        except AssertionError:
            pass  # the field library refuses to read with a wrong key: also a failure
        else:
            assert without["decrypted"] != before["decrypted"]
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{restored}"')
        shutil.rmtree(backup, ignore_errors=True)
