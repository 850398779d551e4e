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

from helpdesk.testing import free_port, port_open, stop_process_group


def _wait_for_port(proc: subprocess.Popen, port: int, failure, timeout: float = 20) -> None:
    """Until `port` accepts connections; `failure()` names why when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not port_open("127.0.0.1", port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure())
        time.sleep(0.05)


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
log_connections = 0
log_disconnections = 0
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
        # Its stderr goes to a file: a pipe nobody reads fills up under load and pgbouncer blocks on it.
        with open(self.dir / "stderr.log", "wb") as stderr:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        _wait_for_port(
            self.proc,
            self.port,
            lambda: f"pgbouncer did not start: {(self.dir / 'stderr.log').read_text(errors='replace')} {self.log()}",
        )
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


PG_BIN = (
    Path("/usr/lib/postgresql")
    / (sorted(os.listdir("/usr/lib/postgresql"))[-1] if os.path.isdir("/usr/lib/postgresql") else "0")
    / "bin"
)
REPLICA_PORTS = range(5440, 5450)  # the ports this project's extra clusters use


def _free_cluster_port() -> int:
    for port in REPLICA_PORTS:
        if not port_open("127.0.0.1", port):
            return port
    raise RuntimeError("no free port in 5440-5449 for a PostgreSQL cluster")


class PgCluster(_Server):
    """A throw-away PostgreSQL cluster (initdb, or pg_basebackup of a primary for a streaming replica).
    With `path`, a primary kept between runs: initdb only the first time, the files left on stop."""

    def __init__(self, *, replica_of: PgCluster | None = None, port: int | None = None, path: Path | None = None):
        self.port = port or _free_cluster_port()
        self.replica_of = replica_of
        self.keep = path is not None and replica_of is None
        if self.keep:
            Path(path).mkdir(parents=True, exist_ok=True)
        self.dir = Path(path) if self.keep else Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.dir / "data"

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_basebackup").exists()

    def _as_postgres(self, *cmd, **kw):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, cmd)], check=True, capture_output=True, text=True, **kw)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgCluster:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        if self.keep and (self.data / "PG_VERSION").exists():
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    pid_file.unlink()  # left by a run that was killed
                else:
                    raise RuntimeError(f"PostgreSQL (pid {pid}) already runs on {self.data}: another run uses it")
        elif self.replica_of is None:
            self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        else:
            self._as_postgres(
                PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.replica_of.port, "-U", "postgres",
                "-D", self.data, "-R", "-X", "stream", "--checkpoint=fast",  # no wait for a spread checkpoint
            )  # fmt: skip
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c hot_standby=on"
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", opts, "-w", "start")
        return self

    def sql(self, query: str, database: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(query)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(
                PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast" if self.keep else "immediate", "-w", "stop"
            )
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer(_Server):
    """A private redis-server on a free port: no persistence, its own process group."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for_port(self.proc, self.port, lambda: f"redis-server did not start on {self.port}")
        return self

    def stop(self) -> None:
        stop_process_group(self.proc, timeout=10)


class HAProxy(_Server):
    """HAProxy in front of web nodes: round robin, `/healthz` checked every second (down after 3
    failures, up after 2 successes, 5 s to answer) and at once when a real request cannot connect
    (`observe layer4`), a failed connection retried on another node (`redispatch 1`), and
    every response — its own 502/503 too — marked with the node that served it (`X-Served-By`).
    With `maxconn` (a node's sync gunicorn workers) the excess waits in HAProxy's queue instead of the
    node's backlog, so a busy node still answers its probe within one request's time instead of being
    taken out of rotation for being busy. The statistics page (`stats()`) tells which nodes are in rotation."""

    def __init__(
        self, servers: dict[str, int], *, port: int | None = None, stats_port: int | None = None, maxconn: int = 0
    ):
        self.servers = servers  # name -> port on 127.0.0.1
        self.maxconn = maxconn  # requests at once per node (its gunicorn workers); the rest wait in HAProxy
        self.port = port or free_port()
        self.stats_port = stats_port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="haproxy-"))
        self.proc: subprocess.Popen | None = None

    BINARY = "/usr/sbin/haproxy"

    @classmethod
    def available(cls) -> bool:
        return shutil.which("haproxy") is not None or os.path.exists(cls.BINARY)

    def config(self) -> str:
        servers = "\n".join(
            f"  server {name} 127.0.0.1:{port} check inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down"
            + (f" maxconn {self.maxconn}" if self.maxconn else "")
            for name, port in self.servers.items()
        )
        return f"""global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout queue 60s
  retries 2
  # Every retry of a refused connection goes to another node (not only the last one).
  option redispatch 1

frontend latitude
  bind 127.0.0.1:{self.port}
  default_backend web
  http-after-response set-header X-Served-By %s

backend web
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  # A busy node answers its probe late (sync gunicorn workers serve it between requests): wait for it.
  timeout check 5s
{servers}

listen stats
  bind 127.0.0.1:{self.stats_port}
  stats enable
  stats uri /stats
"""

    def start(self) -> HAProxy:
        (self.dir / "haproxy.cfg").write_text(self.config())
        binary = shutil.which("haproxy") or self.BINARY
        self.proc = subprocess.Popen(
            [binary, "-db", "-f", str(self.dir / "haproxy.cfg")],
            stdout=open(self.dir / "haproxy.log", "wb"),  # noqa: SIM115 - handed to the child
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for_port(self.proc, self.port, lambda: f"haproxy did not start: {self.log()}")
        return self

    def log(self) -> str:
        path = self.dir / "haproxy.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stats(self) -> dict[str, str]:
        """Each web node's state as HAProxy sees it: UP, DOWN, `UP 1/2` (rising) …"""
        import csv
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5) as response:
            rows = csv.DictReader(response.read().decode().lstrip("# ").splitlines())
            return {row["svname"]: row["status"] for row in rows if row["svname"] in self.servers}

    def stop(self) -> None:
        stop_process_group(self.proc, timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
