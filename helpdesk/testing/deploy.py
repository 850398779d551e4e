"""Run the bin/ entrypoints as a deployer would, for tests and the scale-out bench.

    web = Entrypoint("web", env=env, root=clone).start(wait_http=port)
    web.kill()      # SIGKILL the whole process group, as a dead host would
    web.start(wait_http=port)

Each entrypoint runs in its own process group with its output in a log file; `wait_log` and
`wait_http` wait for it to be ready, and fail with the end of its log when it dies instead.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import tempfile
import time
from pathlib import Path

from helpdesk.testing import kill_process_group, stop_process_group

BASE_DIR = Path(__file__).resolve().parents[2]  # the repository (helpdesk/testing/deploy.py)


def base_env(**extra: str) -> dict[str, str]:
    """A clean environment: PATH and HOME only (nothing leaks from the test's own settings), plus `extra`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    # Settings refuse to start without SECRET_KEY unless DEBUG=1: the suite's own test key, unless a test sets one.
    env["SECRET_KEY"] = os.environ.get("SECRET_KEY", "latitude-test-suite-key-not-secret")
    # As in the suite (helpdesk/pytest_plugin.py): the servers' demo admins sign in with a password alone.
    env["TWO_FACTOR_REQUIRED_ROLES"] = os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(name: str, *, env: dict, root: Path = BASE_DIR, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run bin/<name> to completion (bin/release), capturing its output."""
    return subprocess.run(
        [str(root / "bin" / name)], env=env, cwd=root, capture_output=True, text=True, timeout=timeout
    )


def http_get(port: int, path: str, *, host: str = "127.0.0.1", headers: dict | None = None, timeout: float = 5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Entrypoint:
    def __init__(self, name: str, *, env: dict, root: Path = BASE_DIR, args=(), log_dir: str | None = None):
        self.name = name
        self.env = env
        self.root = Path(root)
        self.args = list(args)
        self.proc: subprocess.Popen | None = None
        fd, path = tempfile.mkstemp(prefix=f"latitude-{name}-", suffix=".log", dir=log_dir)
        os.close(fd)
        self.log_path = Path(path)
        self._offset = 0

    def start(self, *, wait_http: int | None = None, wait_log: str | None = None, timeout: float = 90):
        if self.alive():  # a second start would lose the first process (and leave it running)
            raise RuntimeError(f"bin/{self.name} is already running (pid {self.proc.pid})")
        self._offset = self.log_path.stat().st_size
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.root / "bin" / self.name), *self.args],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            if wait_http:
                self.wait_http(wait_http, timeout=timeout)
            if wait_log:
                self.wait_log(wait_log, timeout=timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def new_log(self) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(self._offset)
            return f.read().decode(errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"bin/{self.name} exited with {self.proc.returncode}:\n{self.log()[-4000:]}")

    def wait_log(self, text: str, *, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.new_log():
                return
            self._check_alive()
            time.sleep(0.1)
        raise RuntimeError(f"bin/{self.name}: {text!r} not logged within {timeout}s:\n{self.log()[-4000:]}")

    def wait_http(self, port: int, *, path: str = "/livez", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if http_get(port, path, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            self._check_alive()
            time.sleep(0.1)
        raise RuntimeError(f"bin/{self.name} did not answer {path} on {port} within {timeout}s:\n{self.log()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL the process group: no graceful shutdown, as when the host dies."""
        kill_process_group(self.proc)

    def stop(self, timeout: float = 20) -> None:
        stop_process_group(self.proc, timeout)


def login(base_url: str, username: str, password: str = "demo"):
    """A requests.Session logged in through the real login form (CSRF cookie and token included)."""
    import re

    import requests

    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=20)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/accounts/login/"},
        allow_redirects=False,
        timeout=20,
    )
    if response.status_code != 302:
        raise AssertionError(f"login as {username} failed: {response.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = f"{base_url}/"
    return session


def csrf_token(html: str) -> str:
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def password_for_other_processes(user, password: str = "demo") -> None:
    """Tests hash with MD5 for speed (conftest); a deployed process only accepts its own hashers."""
    from django.contrib.auth.hashers import make_password

    user.password = make_password(password, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
