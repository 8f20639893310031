"""Kraken's own Python client (``krakenio``) pointed at a live ``enlarger serve``: the
environment such a server runs with, and a client whose only change is its base URL."""

from __future__ import annotations

from pathlib import Path

from krakenio import Client

from tests.support.processes import Running

FIXTURES = Path(__file__).parents[1] / "fixtures"
SECRET = "kraken-test-secret"
KEY_NAME = "kraken-tests"


def kraken_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Settings for a served test: private URLs allowed (loopback receivers), fast retries."""
    return {
        "ENLARGER_DATA_DIR": str(data_dir),
        "ENLARGER_ALLOW_PRIVATE_URLS": "true",
        "ENLARGER_WEBHOOK_SECRET": SECRET,
        "ENLARGER_RETRY_BASE_S": "0.1",
        "ENLARGER_RETRY_CAP_S": "0.5",
        "ENLARGER_JOB_LEASE_S": "2",
        "ENLARGER_SWEEP_INTERVAL_S": "0.5",
        "ENLARGER_ORIGINALS": str(FIXTURES),
        **extra,
    }


def kraken_client(server: Running, key: str, name: str = KEY_NAME) -> Client:
    client = Client(name, key)
    client.api_base_url = f"{server.url}/kraken/"
    client.api_v1_url = client.api_base_url + "v1/"
    return client
