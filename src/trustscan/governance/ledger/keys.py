"""The ledger key: the secret whose HMAC authenticates entries and the head."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trustscan.governance.ledger.entries import (
    KEY_ENV,
    KEY_FILE_ENV,
    MIN_KEY_BYTES,
    LedgerError,
    entry_hash,
)


@dataclass(frozen=True)
class LedgerKey:
    """The secret that authenticates entries; ``key_id`` names it without revealing it."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"trustscan-ledger-key-id:" + self.secret).hexdigest()[:16]

    def mac(self, message: str) -> str:
        return hmac.new(self.secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def load_key(environ: Mapping[str, str] | None = None) -> LedgerKey | None:
    """The ledger key from ``TRUSTSCAN_LEDGER_KEY`` or the file ``TRUSTSCAN_LEDGER_KEY_FILE``."""
    env = os.environ if environ is None else environ
    secret: bytes | None = None
    source = KEY_ENV
    if env.get(KEY_ENV):
        secret = env[KEY_ENV].strip().encode("utf-8")
    elif env.get(KEY_FILE_ENV):
        source = env[KEY_FILE_ENV]
        try:
            secret = Path(source).read_bytes().strip()
        except OSError as exc:
            raise LedgerError(
                f"cannot read the ledger key file {source} ({exc.strerror})",
                f"check {KEY_FILE_ENV}, or create a key with `trustscan ledger keygen`",
            ) from exc
    if secret is None:
        return None
    if len(secret) < MIN_KEY_BYTES:
        raise LedgerError(
            f"the ledger key from {source} is shorter than {MIN_KEY_BYTES} bytes",
            "create one with `trustscan ledger keygen`",
        )
    return LedgerKey(secret)


def new_key_text() -> str:
    """A fresh random key (64 hex digits) for ``ledger keygen``."""
    return os.urandom(32).hex()


def head_message(sequence: int, entry_hash_value: str) -> str:
    return f"trustscan-ledger-head:{sequence}:{entry_hash_value}"


def mac_ok(entry: Mapping[str, Any], key: LedgerKey) -> bool:
    return (
        entry.get("key_id") == key.key_id
        and isinstance(entry.get("mac"), str)
        and entry.get("entry_hash") == entry_hash(entry)
        and hmac.compare_digest(str(entry["mac"]), key.mac(str(entry["entry_hash"])))
    )
