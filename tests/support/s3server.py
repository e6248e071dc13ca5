"""An S3-compatible server over HTTP for the tests and for trying eventflow: moto's standalone server (PyPI).

``s3_server()`` starts ``python -m moto.server`` on a free localhost port, creates a user with an access key
allowed everything, then turns credential checking on: from then on a wrong key is refused as by AWS.
``python -m tests.support.s3server [PORT]`` (``scripts/s3-server``) does the same, creates the bucket ``eventflow``,
prints the variables to export and serves until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from attrs import frozen

REGION = "us-east-1"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@frozen
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        """The variables a process needs to reach the server with these credentials (and never look elsewhere for
        them: no instance metadata service is asked)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def url(self, bucket: str, prefix: str = "") -> str:
        return f"s3://{bucket}/{prefix}?endpoint={self.endpoint}&region={REGION}"

    def client(self, secret_key: str | None = None) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
        )

    def new_bucket(self) -> str:
        name = f"t-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        """Stop the server at once (a server that dies)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def s3_server(port: int | None = None, log: Path | None = None) -> Iterator[S3Server]:
    """A fresh moto server with one user's credentials enforced; stopped on exit."""
    port = port or free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = log or Path(tempfile.gettempdir()) / f"eventflow-s3-{port}.log"
    env = {**os.environ, "MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": str(16 * 1024 * 1024)}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _wait_until_up(endpoint, process)
        access_key, secret_key = _credentials(endpoint)
        yield S3Server(endpoint, access_key, secret_key, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(endpoint: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the S3 server (moto) exited with {process.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            return
        time.sleep(0.05)
    raise RuntimeError("the S3 server (moto) did not start in time")


def _credentials(endpoint: str) -> tuple[str, str]:
    """A user allowed everything, then credentials checked for every later request."""
    import boto3

    iam = boto3.client(
        "iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="setup", aws_secret_access_key="setup"
    )
    iam.create_user(UserName="eventflow")
    key = iam.create_access_key(UserName="eventflow")["AccessKey"]
    iam.put_user_policy(UserName="eventflow", PolicyName="everything", PolicyDocument=json.dumps(ALLOW_ALL))
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
    )
    urllib.request.urlopen(request, timeout=10).close()
    return key["AccessKeyId"], key["SecretAccessKey"]


def main(port: int) -> None:
    with s3_server(port) as server:
        server.client().create_bucket(Bucket="eventflow")
        print("An S3 server (moto) with the bucket 'eventflow'. In another shell:\n")
        for name, value in server.env.items():
            print(f"export {name}={value}")
        print(f"export EVENTFLOW_COLD_URL='{server.url('eventflow', 'cold')}'")
        print("\nCtrl-C stops it (and forgets every object).", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9000)
