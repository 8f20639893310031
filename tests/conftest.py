"""Fixture modules are registered here; each subsystem keeps its fixtures in tests/support/."""

pytest_plugins = [
    "tests.support.seaweedfs",
    "tests.support.render_app",
    "tests.support.databases",
    "tests.support.rabbitmq",
    "tests.support.origin_server",
    "tests.support.uploads",  # after databases: it imports that module
]
