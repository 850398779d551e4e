"""A private Dovecot IMAP server for tests: its own config, base_dir, maildir and passwd-file in a temp
folder, plaintext login on 127.0.0.1 and a free port. Needs no root (it runs as the current user)."""

from __future__ import annotations

import getpass
import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from helpdesk.testing import free_port, port_open

DOVECOT = os.environ.get("DOVECOT_PATH", "/usr/sbin/dovecot")

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0600
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT) or shutil.which("dovecot") is not None


class DovecotServer:
    user = "latitude"
    password = "secret-imap-pass"

    def __init__(self, root: Path | None = None):
        # A folder every user can traverse: as root, Dovecot drops to unprivileged users that must reach it.
        self._own_root = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="latitude-dovecot-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def _identities() -> dict:
        """Run as the current user; as root, Dovecot refuses that, so use its own system users."""
        if os.getuid() != 0:
            user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
            return {
                "internal_user": user,
                "internal_group": group,
                "login_user": user,
                "uid": os.getuid(),
                "gid": os.getgid(),
            }

        def exists(name: str) -> bool:
            try:
                pwd.getpwnam(name)
                return True
            except KeyError:
                return False

        internal = "dovecot" if exists("dovecot") else "nobody"
        login = "dovenull" if exists("dovenull") else "nobody"
        mail = pwd.getpwnam(internal)
        return {
            "internal_user": internal,
            "internal_group": grp.getgrgid(mail.pw_gid).gr_name,
            "login_user": login,
            "uid": mail.pw_uid,
            "gid": mail.pw_gid,
        }

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def start(self) -> None:
        identities = self._identities()
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, identities["uid"], identities["gid"])
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        os.chmod(self.root / "passwd", 0o644)
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, port=self.port, **identities))
        binary = DOVECOT if os.path.exists(DOVECOT) else shutil.which("dovecot")
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                log = (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot exited: {output}\n{log}")
            if port_open("127.0.0.1", self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not start listening in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, mailbox: str = "INBOX", flags: str = "") -> None:
        client = self.client()
        try:
            status, data = client.append(mailbox, flags, imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK", data
        finally:
            client.logout()

    def flags(self, mailbox: str = "INBOX") -> list[str]:
        """The flags of every message in the mailbox, in order."""
        client = self.client()
        try:
            client.select(mailbox, readonly=True)
            status, data = client.fetch("1:*", "(FLAGS)")
            if status != "OK" or data == [None]:
                return []
            return [item.decode() for item in data if item]
        finally:
            client.logout()

    def count(self, mailbox: str = "INBOX") -> int:
        client = self.client()
        try:
            status, data = client.select(mailbox, readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            client.logout()
