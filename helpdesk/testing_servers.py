"""Real servers the deployment tests and the scale-out bench put in front of Latitude: pgbouncer
(transaction pooling), an S3-compatible store (moto's server), HAProxy. Each on a free local port,
with its files in a temporary directory, stopped by `stop()` (or the context manager)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from helpdesk.testing import free_port, port_open


class _Server:
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class PgBouncer(_Server):
    """pgbouncer in transaction mode in front of a PostgreSQL server, every database passed through."""

    def __init__(self, *, pg_host="127.0.0.1", pg_port=5432, pool_size=10, max_client_conn=500, port=None):
        self.port = port or free_port()
        self.pg_host, self.pg_port = pg_host, pg_port
        self.pool_size, self.max_client_conn = pool_size, max_client_conn
        self.dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("pgbouncer") is not None or os.path.exists("/usr/sbin/pgbouncer")

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgBouncer:
        (self.dir / "users.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
* = host={self.pg_host} port={self.pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/users.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = {self.max_client_conn}
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {self.dir}/pgbouncer.log
"""
        )
        os.chmod(self.dir, 0o755)
        for f in self.dir.iterdir():
            os.chmod(f, 0o644)
        if os.geteuid() == 0:  # it runs as postgres and writes its log here
            shutil.chown(self.dir, "postgres")
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        cmd = [binary, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            cmd[1:1] = ["-u", "postgres"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 20
        while not port_open("127.0.0.1", self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer did not start: {self.proc.stderr.read().decode()} {self.log()}")
            time.sleep(0.05)
        return self

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def show(self, what: str) -> list[dict]:
        """`SHOW <what>` on pgbouncer's admin console (POOLS, STATS, CLIENTS, SERVERS...)."""
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="pgbouncer")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f"SHOW {what}")
                names = [c.name for c in cur.description]
                return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class S3Server(_Server):
    """moto's S3-compatible server (ThreadedMotoServer) on 127.0.0.1, with one bucket."""

    access_key = "testing-access-key"
    secret_key = "testing-secret-key"
    region = "us-east-1"

    def __init__(self, bucket: str = "", port: int | None = None):
        # moto keeps its buckets per process, across servers: a fresh name per store.
        self.bucket = bucket or f"latitude-files-{uuid.uuid4().hex[:12]}"
        self.port = port or free_port()
        self.server = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The settings a deployer would give Latitude for this store."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": self.region,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def start(self) -> S3Server:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listing.get("Contents", [])]

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
