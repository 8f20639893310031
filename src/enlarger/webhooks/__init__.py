"""Signed webhook events with retries and a delivery log."""
