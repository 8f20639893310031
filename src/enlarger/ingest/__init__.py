"""Uploads: sniffing, validation, content addressing, metadata, URL import."""
