"""Fixture modules are registered here; each subsystem keeps its fixtures in tests/support/."""
