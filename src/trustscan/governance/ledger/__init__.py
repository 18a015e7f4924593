"""The audit ledger: an append-only, hash-chained JSON Lines file.

Each line is one entry (a scan or a sign-off) holding its sequence number, the previous
entry's hash and its own hash over everything else, so editing, deleting or reordering a line
breaks the chain. A sidecar ``<ledger>.head`` records the last sequence and hash, which catches
lines cut off the end.

A hash chain alone proves nothing against someone who can write the file: they can rewrite
every hash. So, when a ledger key is configured (``TRUSTSCAN_LEDGER_KEY``, or a key file named
by ``TRUSTSCAN_LEDGER_KEY_FILE``; kept outside the repository, e.g. as a CI secret), every entry
and the head carry an HMAC-SHA256 under that key, and ``verify`` with the key catches forged,
re-chained and appended entries and a deleted head. What each measure stops, and what none of
them stops, is in docs/ledger.md.

Appends are atomic: one complete line is written and fsynced under an exclusive lock, and a
failed write (a full disk) is truncated away, never left as a partial line. A line torn by a
crash is cut off by ``trustscan ledger repair``.

The modules: ``entries`` (the entry format and its hash), ``keys`` (the HMAC key),
``storage`` (locked, fsynced reads and writes), ``writer`` (appending scans and sign-offs),
``reading`` (entries, sign-offs and scans of a report), ``verify`` and ``repair``. Import
from the module you need: each command then loads only its own.
"""
