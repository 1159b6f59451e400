"""Starts `suitebridge serve --demo` in a temporary home and reads what it prints: the dashboard URL, the admin
token and the simulator's URL. Shared by the API contract check and the browser walk."""
import os
import re
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    def __init__(self, binary):
        self.binary = binary
        self.home = tempfile.mkdtemp(prefix="suitebridge-demo-")
        self.port = free_port()
        self.log_path = os.path.join(self.home, "serve.log")

    def __enter__(self):
        env = dict(os.environ, SUITEBRIDGE_HOME=self.home, SUITEBRIDGE_LOG_LEVEL="info")
        env.pop("SUITEBRIDGE_DATABASE_URL", None)
        env.pop("SUITEBRIDGE_MASTER_KEY", None)
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.binary, "serve", "--demo", "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            text = open(self.log_path).read()
            token = re.search(r"(sbt_[A-Za-z0-9_-]+)", text)
            simulator = re.search(r"NetSuite simulator on (http://[0-9.:]+)", text)
            if token and simulator:
                self.token = token.group(1)
                self.simulator = simulator.group(1)
                self.url = f"http://127.0.0.1:{self.port}"
                return self
            if self.process.poll() is not None:
                raise RuntimeError("serve --demo exited:\n" + text)
            time.sleep(0.2)
        raise RuntimeError("serve --demo did not start:\n" + open(self.log_path).read())

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def log_text(self):
        return open(self.log_path).read()
