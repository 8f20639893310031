"""``RUN_DIR/cluster.json``: what a started cluster is made of, written after every part
starts, so that ``stop`` finds everything even when ``start`` failed halfway."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from deploy.local_cluster.parts import Part

FILE = "cluster.json"


@dataclasses.dataclass(slots=True)
class Cluster:
    run: Path
    database: str = ""  # the PostgreSQL database made for it, dropped by stop
    queue: str = ""  # its RabbitMQ work queue's name, deleted by stop
    config: str = ""  # the enlarger.toml every node and the worker read
    nginx_url: str = ""
    parts: dict[str, Part] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, run: Path) -> Cluster | None:
        path = run / FILE
        if not path.exists():
            return None
        data: dict[str, Any] = json.loads(path.read_text())
        parts = {name: Part.from_json(part) for name, part in data.pop("parts").items()}
        return cls(run=run, parts=parts, **data)

    def save(self) -> None:
        data = {
            "database": self.database,
            "queue": self.queue,
            "config": self.config,
            "nginx_url": self.nginx_url,
            "parts": {name: part.to_json() for name, part in self.parts.items()},
        }
        (self.run / FILE).write_text(json.dumps(data, indent=2) + "\n")

    def add(self, part: Part) -> Part:
        self.parts[part.name] = part
        self.save()
        return part

    def running(self) -> list[str]:
        return [name for name, part in self.parts.items() if part.alive()]

    def forget(self) -> None:
        (self.run / FILE).unlink(missing_ok=True)
