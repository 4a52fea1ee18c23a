"""Personal data encrypted at rest: a thin model field over `cryptography`'s MultiFernet.

Why not a library (docs/architecture.md, "Personal data at rest"): the one we used,
django-fernet-encrypted-fields, kept a flag on the field object (shared by every request
and thread of a process) between `clean()` and a successful validation, and its
`to_python()` returned the ciphertext when decryption failed. This field keeps no state
but the keys: encrypting and decrypting are pure functions of the value and of
`settings.CHAMBER_FIELD_KEYS` (newest first: the newest encrypts, every key decrypts),
and a value that no key opens raises `FieldKeyError` instead of being shown.

Values are read back only in `from_db_value`; `to_python` never guesses whether a string
is ciphertext, so a form or serializer can never turn a token into a "value".
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class FieldKeyError(ImproperlyConfigured):
    """A stored value that none of the configured keys decrypts (a wrong or missing key)."""


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def configured_keys() -> tuple[str, ...]:
    keys = tuple(getattr(settings, "CHAMBER_FIELD_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured(
            "Set CHAMBER_FIELD_KEYS (comma-separated Fernet keys, newest first) to read or "
            "write personal data; `chamber rekey --generate` prints a new key."
        )
    return keys


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    except (ValueError, UnicodeEncodeError) as e:
        raise ImproperlyConfigured(
            "CHAMBER_FIELD_KEYS holds a value that is not a Fernet key (32 url-safe "
            "base64-encoded bytes)."
        ) from e


@functools.lru_cache(maxsize=8)
def _legacy_key(secret: str, salt: str) -> str:
    # How django-fernet-encrypted-fields derived its key: PBKDF2-SHA256, 100,000
    # iterations, over SECRET_KEY with SALT_KEY as the salt.
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000)
    return base64.urlsafe_b64encode(kdf.derive(secret.encode())).decode("ascii")


def legacy_keys() -> tuple[str, ...]:
    """Keys of values written before CHAMBER_FIELD_KEYS: derived from SECRET_KEY, its
    fallbacks and the development secret (the old demo was encrypted with that), and the
    public development field key (data written by a DEBUG server before it had a key)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    secrets.append(getattr(settings, "DEV_SECRET_KEY", settings.SECRET_KEY))
    salt = getattr(settings, "SALT_KEY", "chamber-field-salt")
    derived = [_legacy_key(s, salt) for s in secrets]
    return tuple(dict.fromkeys([*derived, settings.DEV_FIELD_KEY]))


def encrypt(plain: str) -> str:
    """A token of `plain` under the newest key."""
    return _fernet(configured_keys()).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, legacy: bool = False) -> str:
    """The plain value of a stored token; raises FieldKeyError when no key opens it.
    `legacy` also tries the keys the old library derived (migration and rekey only)."""
    keys = configured_keys() + (legacy_keys() if legacy else ())
    try:
        return _fernet(keys).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as e:
        raise FieldKeyError(
            "A stored personal-data value does not decrypt with CHAMBER_FIELD_KEYS: the "
            "key that encrypted it is missing (add it after the newest key, then run "
            "`chamber rekey`)."
        ) from e


class EncryptedCharField(models.CharField):
    """A CharField stored as a Fernet token in a text column. `max_length` limits the
    plain value; blank values are stored as NULL. Equality look-ups cannot match (each
    token is randomised), so never filter on it."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return None
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None
        return encrypt(str(value))


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedCharField]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                yield model, field


def reencrypt_column(
    connection: Any, table: str, column: str, pk: str = "id", *, legacy: bool = True
) -> int:
    """Re-encrypt every stored value of one column with the newest key, in batches; raises
    FieldKeyError (and writes nothing more) on a value no key opens. Returns the count.
    Works on raw rows, so a migration can call it with historical models."""
    qn = connection.ops.quote_name
    done = 0
    last = None
    while True:
        with connection.cursor() as cursor:
            where = f"{qn(column)} IS NOT NULL AND {qn(column)} <> ''"
            params: list[Any] = []
            if last is not None:
                where += f" AND {qn(pk)} > %s"
                params.append(last)
            cursor.execute(
                f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {where} "
                f"ORDER BY {qn(pk)} LIMIT 1000",
                params,
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            updates = [(encrypt(decrypt(token, legacy=legacy)), key) for key, token in rows]
            cursor.executemany(
                f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s", updates
            )
        done += len(rows)
        last = rows[-1][0]


def undecryptable(sample: int | None = None) -> Iterable[str]:
    """Descriptions of stored values the configured keys do not open (the start-up check
    looks at the first and last `sample` rows of each column; rekey --check at all)."""
    for model, field in encrypted_fields():
        # A raw read: from_db_value is skipped so a bad token is reported, not raised.
        for pk, token in _raw_rows(model, field, sample):
            try:
                decrypt(token)
            except FieldKeyError:
                yield f"{model._meta.label}.{field.name} id={pk}"


def _raw_rows(model: type[models.Model], field: models.Field, sample: int | None):
    from django.db import connections, router

    connection = connections[router.db_for_read(model)]
    qn = connection.ops.quote_name
    table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
    base = (
        f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} "
        f"WHERE {qn(column)} IS NOT NULL AND {qn(column)} <> ''"
    )
    with connection.cursor() as cursor:
        if sample is None:
            cursor.execute(base)
            return cursor.fetchall()
        cursor.execute(f"{base} ORDER BY {qn(pk)} LIMIT %s", [sample])
        rows = cursor.fetchall()
        cursor.execute(f"{base} ORDER BY {qn(pk)} DESC LIMIT %s", [sample])
        return rows + cursor.fetchall()
