"""The database types other layers may name in signatures.

Only ``catalog/`` imports SQLAlchemy (an import-linter contract): everyone else holds
sessions, session factories and engines through these names and queries through the
repository modules.
"""

from sqlalchemy import Engine as Engine
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker as sessionmaker
