"""A real Mosquitto for the tests: plain, TLS + password, and TLS + client certificate.

The test CA and certificates are generated per run with trustme; nothing
secret is stored in the repository.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import trustme

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
HOST = "127.0.0.1"
USER = "room3"
#: generated per test run; the tests also check it never appears in logs
PASSWORD = "pw-" + os.urandom(6).hex()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Broker:
    workdir: Path
    plain_port: int = field(default_factory=free_port)
    tls_port: int = field(default_factory=free_port)
    mtls_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA()
        server = ca.issue_cert(HOST, "localhost")
        client = ca.issue_cert("ball-client@spineball.test")
        self.ca_file = self.workdir / "ca.pem"
        self.client_cert = self.workdir / "client.pem"
        self.client_key = self.workdir / "client.key"
        ca.cert_pem.write_to_path(str(self.ca_file))
        server.private_key_pem.write_to_path(str(self.workdir / "server.key"))
        server.cert_chain_pems[0].write_to_path(str(self.workdir / "server.pem"))
        client.cert_chain_pems[0].write_to_path(str(self.client_cert))
        client.private_key_pem.write_to_path(str(self.client_key))
        other = trustme.CA()  # a CA the broker's certificate does NOT chain to
        self.wrong_ca_file = self.workdir / "other-ca.pem"
        other.cert_pem.write_to_path(str(self.wrong_ca_file))
        passwd = self.workdir / "passwd"
        subprocess.run(
            [MOSQUITTO_PASSWD, "-b", "-c", str(passwd), USER, PASSWORD],
            check=True,
            capture_output=True,
        )
        tls = (
            f"cafile {self.ca_file}\n"
            f"certfile {self.workdir / 'server.pem'}\n"
            f"keyfile {self.workdir / 'server.key'}\n"
        )
        run_as = "user root\n" if os.geteuid() == 0 else ""
        self.conf = self.workdir / "mosquitto.conf"
        self.log = self.workdir / "mosquitto.log"
        self.conf.write_text(
            f"{run_as}per_listener_settings true\npersistence false\n"
            f"log_dest file {self.log}\nlog_type error\nlog_type warning\nlog_type notice\n"
            f"listener {self.plain_port} {HOST}\nallow_anonymous true\n"
            f"listener {self.tls_port} {HOST}\nallow_anonymous false\n"
            f"password_file {passwd}\n{tls}"
            f"listener {self.mtls_port} {HOST}\nallow_anonymous true\n"
            f"require_certificate true\n{tls}"
        )

    @property
    def url(self) -> str:
        return f"mqtt://{HOST}:{self.plain_port}"

    @property
    def tls_url(self) -> str:
        return f"mqtts://{USER}@{HOST}:{self.tls_port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"mosquitto exited: {err}")
            try:
                for port in (self.plain_port, self.tls_port, self.mtls_port):
                    socket.create_connection((HOST, port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("mosquitto did not open its ports in 5 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None
