"""Idempotency keys for API writes: a retried POST with the same `Idempotency-Key` gets
the first answer again instead of creating a second object.

Locking: the key row is inserted in the same transaction as the object the request
creates. A second request with the same key inserts the same (user, key) and PostgreSQL
makes it wait on the unique index until the first transaction ends; it then finds the
committed row and replays its answer. A first request that fails removes its row, so the
waiting one runs instead. No two requests with one key ever both create.
"""

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from lanekassen_ai.models import IdempotencyKey


def idempotency_key_lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24)))


def idempotency_fingerprint(*, method: str, path: str, data: Any, files: dict[str, Any]) -> str:
    """SHA-256 of what makes two requests the same: method, path and parsed body (files by
    their content), so a multipart boundary or key order does not count."""
    digest = hashlib.sha256()
    digest.update(f"{method.upper()} {path}\n".encode())
    if hasattr(data, "lists"):  # a QueryDict: keep repeated fields
        plain: Any = {k: v for k, v in data.lists() if k not in files}
    else:
        plain = data
    digest.update(json.dumps(plain, sort_keys=True, cls=DjangoJSONEncoder, default=str).encode())
    for name in sorted(files):
        upload = files[name]
        digest.update(f"\nfile {name}\n".encode())
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def idempotency_key_claim(*, user: Any, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The key's row and whether this request owns it (True: run the request, then call
    `idempotency_key_complete` or `idempotency_key_release` in the same transaction).
    Must run inside the transaction that does the work; may wait for a concurrent request
    with the same key to finish (see the module docstring). An expired row is replaced."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_key_claim must run inside the request's transaction")
    record, created = IdempotencyKey.objects.get_or_create(
        user=user, key=key, defaults={"fingerprint": fingerprint, "created_at": timezone.now()}
    )
    if not created and record.created_at < timezone.now() - idempotency_key_lifetime():
        record.delete()
        record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        created = True
    return record, created


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: Any) -> None:
    """Keep the answer of the request that owns the key, for replay."""
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["response_status", "response_body"])


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    """Forget a key whose request did not succeed: the client may retry it, and may fix
    the body first."""
    record.delete()


def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Delete keys older than their lifetime; returns how many."""
    cutoff = (now or timezone.now()) - idempotency_key_lifetime()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
