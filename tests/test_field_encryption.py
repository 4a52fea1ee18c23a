"""Personal data at rest (issue 14, item 1): ID numbers encrypted with CHAMBER_FIELD_KEYS,
no state shared between requests, loud on a wrong key, rotation with `chamber rekey`,
the old library's values migrated, and a start-up check that refuses to serve."""

from __future__ import annotations

import base64
import contextlib
import threading
from collections import Counter

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token

from chamber.core import checks, fields
from chamber.members.models import Person

from .conftest import TEST_FIELD_KEY

ID = "11010519491231002X"
JSON = "application/json"


def _raw(person_id: int) -> str:
    with connection.cursor() as c:
        c.execute("SELECT id_number FROM members_person WHERE id = %s", [person_id])
        return c.fetchone()[0]


def _store_raw(person_id: int, token: str) -> None:
    with connection.cursor() as c:
        c.execute("UPDATE members_person SET id_number = %s WHERE id = %s", [token, person_id])


def _old_library_token(plain: str, secret: str, salt: str = "chamber-field-salt") -> str:
    """What django-fernet-encrypted-fields stored: Fernet under PBKDF2(SECRET_KEY, salt)."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000)
    key = base64.urlsafe_b64encode(kdf.derive(secret.encode()))
    return Fernet(key).encrypt(plain.encode()).decode()


def test_the_issue_reproduction_a_refused_edit_leaves_every_read_plain(world):
    """As xixiang PATCH a person with a title that is too long (400), then admin reads the
    person: the ID number is the number, never `gAAAA…` (the old field kept a flag)."""
    secretary, admin = Client(), Client()
    secretary.force_login(world.secretary)
    admin.force_login(world.admin)
    url = f"/api/v1/people/{world.rep_x.pk}/"
    bad = secretary.patch(url, {"title": "秘书长" * 40}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"title"}
    # A failed validation of the encrypted field itself: with the old library this left
    # its flag set, and the next save said "at most 18 characters (it has 120)" and reads
    # returned `gAAAA…` (checked against main's code: exactly the issue's messages).
    with pytest.raises(ValidationError):
        Person(name="x", id_number="1" * 30).full_clean()
    ok = secretary.patch(url, {"title": "秘书长"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    body = admin.get(url).json()
    assert body["id_number"] == ID
    assert body["title"] == "秘书长"
    assert not _raw(world.rep_x.pk).startswith(ID)


def test_keys_are_not_derived_from_the_secret_key(world, settings):
    settings.SECRET_KEY = "another-secret-entirely"
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID


def test_a_wrong_key_fails_loudly_never_shows_ciphertext(world, settings):
    settings.CHAMBER_FIELD_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(fields.FieldKeyError):
        Person.objects.get(pk=world.rep_x.pk)
    errors = checks.field_key_errors()
    assert [e.id for e in errors] == ["chamber.E002"]
    with pytest.raises(ImproperlyConfigured):
        checks.refuse_to_serve_undecryptable()


def test_no_key_outside_debug_is_an_error(world, settings):
    settings.CHAMBER_FIELD_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="CHAMBER_FIELD_KEYS"):
        Person.objects.get(pk=world.rep_x.pk)
    assert [e.id for e in checks.check_field_keys_deploy()] == ["chamber.E003"]


def test_rotation_newest_encrypts_all_decrypt_and_rekey_moves_everything(world, settings):
    old_token = _raw(world.rep_x.pk)
    new_key = Fernet.generate_key().decode()
    settings.CHAMBER_FIELD_KEYS = [new_key, TEST_FIELD_KEY]
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID  # old key still reads
    assert checks.field_key_errors() == []
    call_command("rekey", verbosity=0)
    token = _raw(world.rep_x.pk)
    assert token != old_token
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == ID
    settings.CHAMBER_FIELD_KEYS = [new_key]  # the old key can now go
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID
    call_command("rekey", check=True, verbosity=0)


def test_rekey_reads_the_old_librarys_values_and_refuses_what_no_key_opens(world, settings):
    _store_raw(world.rep_x.pk, _old_library_token(ID, settings.SECRET_KEY))
    assert checks.field_key_errors()  # the start-up check sees them
    with pytest.raises(CommandError):
        call_command("rekey", check=True, verbosity=0)
    call_command("rekey", verbosity=0)
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID
    # A value under a key nobody has: rekey stops and changes nothing.
    _store_raw(world.rep_f.pk, Fernet(Fernet.generate_key()).encrypt(b"x").decode())
    before = _raw(world.rep_x.pk)
    with pytest.raises(CommandError, match="does not decrypt"):
        call_command("rekey", verbosity=0)
    assert _raw(world.rep_x.pk) == before


def test_the_migration_moves_old_values_including_the_old_demos(world, settings):
    from importlib import import_module

    migration = import_module("chamber.members.migrations.0007_field_keys")
    # A server's own secret, since rotated (kept in SECRET_KEY_FALLBACKS) ...
    _store_raw(world.rep_x.pk, _old_library_token(ID, "the-old-production-secret"))
    # ... and the old demo, encrypted with the development secret whatever the server's.
    _store_raw(world.rep_f.pk, _old_library_token("440306198001010011", settings.DEV_SECRET_KEY))
    settings.SECRET_KEY = "the-new-production-secret"
    settings.SECRET_KEY_FALLBACKS = ["the-old-production-secret"]

    class Editor:
        connection = connection

    migration.forwards(None, Editor())
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID
    assert Person.objects.get(pk=world.rep_f.pk).id_number == "440306198001010011"


@pytest.mark.django_db(transaction=True)
def test_many_threads_reading_and_writing_never_see_ciphertext_or_a_spurious_error(world):
    """Reads, refused writes and accepted writes of the same person from 8 threads at
    once, through the whole API stack (truly at once on PostgreSQL)."""
    url = f"/api/v1/people/{world.rep_x.pk}/"
    # SQLite's shared in-memory test database locks whole tables: there the requests take
    # turns (still interleaved across threads, which is what the old field's flag broke).
    one_at_a_time = threading.Lock() if connection.vendor == "sqlite" else None
    seen: Counter = Counter()
    problems: list[str] = []
    barrier = threading.Barrier(8)

    # Token sign-in: a session would be written on every request (not what is tested).
    tokens = {u: Token.objects.create(user=u).key for u in (world.admin, world.secretary)}

    def worker(n: int) -> None:
        user = world.admin if n % 2 else world.secretary
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[user]}")
        try:
            barrier.wait(timeout=10)
            for i in range(12):
                step = (n + i) % 3
                with one_at_a_time or contextlib.nullcontext():
                    if step == 0:
                        r = client.get(url)
                        # admin and the secretary both may see it (Perm.VIEW_PERSONAL)
                        ok = r.status_code == 200 and r.json().get("id_number") == ID
                    elif step == 1:
                        r = client.patch(url, {"title": "秘" * 60}, content_type=JSON)
                        ok = r.status_code == 400 and set(r.json()) == {"title"}
                        try:  # a failed validation of the encrypted field itself
                            Person(name="x", id_number="1" * 30).full_clean()
                            ok = False
                        except ValidationError as e:
                            ok = ok and "id_number" in e.message_dict
                    else:
                        r = client.patch(url, {"title": f"职务{n}-{i}"}, content_type=JSON)
                        ok = r.status_code == 200
                seen[step] += 1
                if not ok or b"gAAAA" in r.content:
                    problems.append(f"thread {n} step {step}: {r.status_code} {r.content[:200]}")
        except Exception as e:  # noqa: BLE001 - reported below
            problems.append(f"thread {n}: {e!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not problems, problems[:5]
    assert seen[0] and seen[1] and seen[2]
    assert Person.objects.get(pk=world.rep_x.pk).id_number == ID


def test_rekey_init_writes_the_key_file_once(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("CHAMBER_FIELD_KEYS", raising=False)
    settings.FIELD_KEYS_FILE = tmp_path / "var" / "field-keys"
    call_command("rekey", init=True, verbosity=0)
    key = settings.FIELD_KEYS_FILE.read_text().strip()
    Fernet(key.encode())  # a real key
    assert settings.FIELD_KEYS_FILE.stat().st_mode & 0o777 == 0o600
    call_command("rekey", init=True, verbosity=0)
    assert settings.FIELD_KEYS_FILE.read_text().strip() == key
