"""``deploy/local-cluster``: a multi-node Enlarger on one machine, on loopback only.

nginx in front (``deploy/nginx/enlarger.conf``), two ``enlarger serve`` nodes, an
``enlarger worker``, SeaweedFS as the shared S3 store, and the local PostgreSQL and RabbitMQ.
Every part's PID, port and log is in ``RUN_DIR/cluster.json``; ``stop`` stops them by PID.
"""
