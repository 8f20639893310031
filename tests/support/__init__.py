"""Helpers shared by the test suites (service discovery, fixtures, image comparison)."""
