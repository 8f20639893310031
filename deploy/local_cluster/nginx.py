"""nginx for the local cluster: ``deploy/nginx/enlarger.conf`` filled in for loopback, inside
a main configuration that keeps every file nginx writes under the run folder."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "nginx" / "enlarger.conf"
#: Debian's nginx-light installs to /usr/sbin, which a user's PATH may lack.
_PLACEHOLDER = re.compile(r"\{\{ \w+ \}\}")
SEARCH = ("nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx")

MAIN = """daemon off;
worker_processes 1;
{user}pid {run}/nginx.pid;
error_log {run}/logs/nginx-error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {run}/nginx/client_body;
    proxy_temp_path {run}/nginx/proxy;
    fastcgi_temp_path {run}/nginx/fastcgi;
    uwsgi_temp_path {run}/nginx/uwsgi;
    scgi_temp_path {run}/nginx/scgi;
    include {run}/nginx/enlarger.conf;
}}
"""


def nginx_binary() -> str | None:
    return next((found for name in SEARCH if (found := shutil.which(name))), None)


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{{ name }}`` replaced; KeyError naming one left unfilled."""
    for name, value in values.items():
        template = template.replace("{{ " + name + " }}", value)
    left = _PLACEHOLDER.search(template)
    if left is not None:
        raise KeyError(f"{TEMPLATE}: no value for {left[0]}")
    return template


def write_config(run: Path, port: int, node_ports: Sequence[int]) -> Path:
    """The main configuration file, with the template beside it, for nginx on ``port``
    in front of the nodes on ``node_ports`` (all on 127.0.0.1)."""
    directory = run / "nginx"
    for sub in ("cache", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    servers = "\n    ".join(
        f"server 127.0.0.1:{node} max_fails=2 fail_timeout=10s;" for node in node_ports
    )
    site = fill(
        TEMPLATE.read_text(),
        {
            "upstream_servers": servers,
            "listen": f"127.0.0.1:{port}",
            "cache_dir": str(directory / "cache"),
            "cache_max_size": "1g",
            "access_log": str(run / "logs" / "nginx-access.log"),
        },
    )
    (directory / "enlarger.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(MAIN.format(run=run, user=_user_line()))
    return main


def nginx_command(binary: str, config: Path) -> list[str]:
    run = config.parent.parent
    # -e: the error log before the configuration is read (not /var/log/nginx, which a
    # user may not be able to write)
    return [binary, "-p", str(run), "-e", str(run / "logs" / "nginx-error.log"), "-c", str(config)]


def _user_line() -> str:
    """As root, nginx's workers would run as nobody, who cannot write the run folder: keep
    them as the user who started the cluster."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};\n"
