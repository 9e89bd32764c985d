"""The hash chain: how an event's hash is computed and how the whole chain is checked."""

import hashlib
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64
# Action of the chained event that confirms a retention checkpoint (details: event_id, hash, removed_count).
CHECKPOINT_ACTION = "audit.checkpoint"

CHAIN_FIELDS = (
    "id", "occurred_at", "actor_id", "actor_label", "action", "category", "object_type", "object_id",
    "organisation_id", "ip_address", "details", "prev_hash",
)


def event_hash(values: dict) -> str:
    payload = {name: values[name] for name in CHAIN_FIELDS}
    payload["occurred_at"] = values["occurred_at"].isoformat(timespec="microseconds")
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str

    def __str__(self):
        return f"#{self.event_id}: {self.reason}"


def verify_chain(events, *, head_id: int, head_hash: str, anchor_id: int = 0, anchor_hash: str = GENESIS_HASH):
    """Walk ``events`` (dicts ordered by id) and return the first problem, or None.

    ``anchor_*`` is where the chain starts: the genesis, or a retention checkpoint (the id of the last
    removed event and its hash); the first event must then be ``anchor_id + 1`` and link to ``anchor_hash``.
    """
    expected_id, expected_prev = anchor_id + 1, anchor_hash
    for values in events:
        if values["id"] != expected_id:
            return ChainProblem(expected_id, "missing (deleted)")
        if values["prev_hash"] != expected_prev:
            return ChainProblem(values["id"], "link to the previous entry is broken")
        if event_hash(values) != values["hash"]:
            return ChainProblem(values["id"], "content was altered")
        expected_id, expected_prev = values["id"] + 1, values["hash"]
    last_id = expected_id - 1
    if last_id != head_id:
        if last_id < head_id:
            return ChainProblem(last_id + 1, "missing (deleted)")
        return ChainProblem(head_id + 1, "not recorded in the chain head")
    if expected_prev != head_hash:
        return ChainProblem(last_id, "does not match the chain head")
    return None
