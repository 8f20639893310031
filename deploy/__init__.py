"""Deployment files and the local cluster (``deploy/local-cluster``)."""
