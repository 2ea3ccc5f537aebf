"""Snapshots of the event contract: a JSON Schema per event type and an AsyncAPI document.

    python -m contract.snapshots --write   # after a deliberate change (make contracts)
    python -m contract.snapshots           # exits 1 when the snapshots are out of date

The contract test compares the snapshots with the models, so a change to an event cannot
slip through unnoticed: it shows in review as a change to `contract/snapshots/`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from contract.events import EVENT_TYPES, topic_of

CONTRACTS = Path(__file__).resolve().parents[2] / "snapshots"


def event_schemas() -> dict[str, dict[str, Any]]:
    return {event_type: cls.model_json_schema() for event_type, cls in sorted(EVENT_TYPES.items())}


def asyncapi() -> dict[str, Any]:
    """AsyncAPI 3.0: one channel per topic, one message per event type, payload the envelope."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event_type, cls in sorted(EVENT_TYPES.items()):
        topic = topic_of(event_type)
        channel = channels.setdefault(topic, {"address": topic, "messages": {}})
        name = cls.__name__
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{name}"}],
        }
    messages = {
        cls.__name__: {
            "name": event_type,
            "summary": (cls.__doc__ or "").strip(),
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"./events/{event_type}.json"},
        }
        for event_type, cls in sorted(EVENT_TYPES.items())
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Party-building supermarket events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in structured mode; the Kafka key is the aggregate id (`subject`).",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def snapshots() -> dict[Path, str]:
    files = {CONTRACTS / "events" / f"{t}.json": _dump(s) for t, s in event_schemas().items()}
    files[CONTRACTS / "asyncapi.json"] = _dump(asyncapi())
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def stale() -> list[Path]:
    """Snapshots that differ from the models, are missing, or name an event that no longer exists."""
    expected = snapshots()
    differing = [p for p, text in expected.items() if not p.exists() or p.read_text() != text]
    orphans = [p for p in (CONTRACTS / "events").glob("*.json") if p not in expected]
    return differing + orphans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the snapshots")
    if parser.parse_args().write:
        (CONTRACTS / "events").mkdir(parents=True, exist_ok=True)
        for orphan in (CONTRACTS / "events").glob("*.json"):
            orphan.unlink()
        for path, text in snapshots().items():
            path.write_text(text)
        print(f"wrote {len(snapshots())} files under {CONTRACTS}")
        return 0
    for path in stale():
        print(f"out of date: {path}")
    return 1 if stale() else 0


if __name__ == "__main__":
    sys.exit(main())
