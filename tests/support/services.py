"""Find the real services the tests use; skip with a reason when one is missing, except in CI."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require(available: bool, reason: str) -> None:
    """Skip the calling test when a service is missing; under CI=true fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: service tests must run)")
    pytest.skip(reason)


def require_port(name: str, host: str, port: int) -> None:
    require(port_open(host, port), f"{name} is not listening on {host}:{port}")
