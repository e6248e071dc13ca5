"""EVENTFLOW_COLD_URL / EVENTFLOW_HOT_URL: read, checked at start, one line naming the variable when wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eventflow.adapters.blobstore import LocalBlobStore
from eventflow.bootstrap import bootstrap
from eventflow.config import BucketUrl, ConfigError, Settings
from eventflow.entrypoints.cli import cli
from tests.support.cli import assert_one_line_error
from tests.support.s3server import S3Server, free_port


def settings_with(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path), **env})


def test_a_bucket_url_gives_bucket_prefix_endpoint_and_region(tmp_path: Path) -> None:
    url = "s3://team-files/eventflow/cold?endpoint=https://s3.fr-par.scw.cloud/&region=fr-par"
    settings = settings_with(tmp_path, EVENTFLOW_COLD_URL=url)
    assert settings.cold_url == BucketUrl(
        "team-files", "eventflow/cold/", "https://s3.fr-par.scw.cloud", "fr-par", "EVENTFLOW_COLD_URL"
    )
    assert str(settings.cold_url) == "s3://team-files/eventflow/cold/"
    assert settings.hot_url is None
    assert settings_with(tmp_path, EVENTFLOW_HOT_URL="s3://team-files").hot_url == BucketUrl(
        "team-files", "", None, None, "EVENTFLOW_HOT_URL"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EVENTFLOW_COLD_URL": "/srv/cold"}, "EVENTFLOW_COLD_URL='/srv/cold' is not a bucket URL"),
        ({"EVENTFLOW_COLD_URL": "s3://A_Bucket/x"}, "EVENTFLOW_COLD_URL='s3://A_Bucket/x' is not a bucket URL"),
        ({"EVENTFLOW_HOT_URL": "s3://files?endpont=http://x"}, "EVENTFLOW_HOT_URL='s3://files?endpont=http://x': only"),
        ({"EVENTFLOW_HOT_URL": "s3://files?endpoint=minio:9000"}, "endpoint= must be an http:// or https:// address"),
        (
            {"EVENTFLOW_COLD_URL": "s3://files/cold", "EVENTFLOW_COLD_DIR": "/srv/cold"},
            "EVENTFLOW_COLD_URL and EVENTFLOW_COLD_DIR are both set",
        ),
        (
            {"EVENTFLOW_COLD_URL": "s3://files/a/cold", "EVENTFLOW_HOT_URL": "s3://files/a"},
            "EVENTFLOW_COLD_URL=s3://files/a/cold/ overlaps EVENTFLOW_HOT_URL=s3://files/a/",
        ),
    ],
)
def test_a_malformed_store_setting_stops_every_command_with_one_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match="EVENTFLOW_"):
        settings_with(tmp_path, **env)
    assert_one_line_error(invoke(tmp_path, env, "storage"), message)


def test_distinct_prefixes_of_one_bucket_may_hold_both_stores(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, EVENTFLOW_HOT_URL="s3://files/hot", EVENTFLOW_COLD_URL="s3://files/hotter")
    assert settings.hot_url and settings.cold_url


def invoke(tmp_path: Path, env: dict[str, str], *args: str) -> Any:
    base = {
        "EVENTFLOW_DATA_DIR": str(tmp_path / "data"),
        "AWS_PROFILE": None,
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    return CliRunner().invoke(cli, list(args), env={**base, **env})


def test_the_stores_are_the_buckets_when_set(s3_env: S3Server, tmp_path: Path) -> None:
    bucket = s3_env.new_bucket()
    settings = settings_with(tmp_path, EVENTFLOW_COLD_URL=s3_env.url(bucket, "cold"))
    services = bootstrap(settings)
    assert type(services.files.cold).__name__ == "S3BlobStore"
    assert isinstance(services.files.hot, LocalBlobStore)
    result = invoke(tmp_path, {**s3_env.env, "EVENTFLOW_COLD_URL": s3_env.url(bucket, "cold")}, "storage", "check")
    assert result.exit_code == 0, result.output


def test_wrong_credentials_stop_the_command_with_one_line_naming_the_variable(s3_env: S3Server, tmp_path: Path) -> None:
    url = s3_env.url(s3_env.new_bucket(), "cold")
    env = {**s3_env.env, "AWS_SECRET_ACCESS_KEY": "not-the-secret", "EVENTFLOW_COLD_URL": url}
    assert_one_line_error(invoke(tmp_path, env, "archive", "--dry-run"), "EVENTFLOW_COLD_URL=s3://")
    assert (
        "refused these credentials: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
        in invoke(tmp_path, env, "storage").stderr
    )
    unknown = {**env, "AWS_ACCESS_KEY_ID": "AKIANOBODY"}
    assert "refused these credentials" in invoke(tmp_path, unknown, "storage").stderr
    french = invoke(tmp_path, {**env, "EVENTFLOW_LANGUAGE": "fr"}, "storage")
    assert (french.exit_code, french.stdout) == (1, "")
    assert french.stderr.startswith("Erreur : EVENTFLOW_COLD_URL=s3://")
    assert "a refusé ces identifiants : vérifiez AWS_ACCESS_KEY_ID" in french.stderr


def test_a_missing_bucket_or_no_credentials_or_no_server_is_one_line_naming_the_variable(
    s3_env: S3Server, tmp_path: Path
) -> None:
    missing = {**s3_env.env, "EVENTFLOW_HOT_URL": s3_env.url("no-such-bucket", "hot")}
    assert_one_line_error(
        invoke(tmp_path, missing, "storage"), "EVENTFLOW_HOT_URL=s3://no-such-bucket/hot/: the bucket"
    )
    assert "'no-such-bucket' does not exist" in invoke(tmp_path, missing, "storage").stderr

    url = s3_env.url(s3_env.new_bucket())
    anonymous = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "EVENTFLOW_COLD_URL": url}
    assert_one_line_error(invoke(tmp_path, anonymous, "storage"), "needs credentials: set AWS_ACCESS_KEY_ID")

    nowhere = f"s3://files/cold?endpoint=http://127.0.0.1:{free_port()}"
    assert_one_line_error(
        invoke(tmp_path, {**s3_env.env, "EVENTFLOW_COLD_URL": nowhere}, "storage"),
        "cannot be reached at http://127.0.0.1",
    )


def test_the_keys_of_an_aws_profile_are_used_and_an_unknown_profile_is_one_line(
    s3_env: S3Server, tmp_path: Path
) -> None:
    keys = tmp_path / "credentials"
    keys.write_text(f"[team]\naws_access_key_id = {s3_env.access_key}\naws_secret_access_key = {s3_env.secret_key}\n")
    url = s3_env.url(s3_env.new_bucket(), "cold")
    env = {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_PROFILE": "team",
        "AWS_SHARED_CREDENTIALS_FILE": str(keys),
        "EVENTFLOW_COLD_URL": url,
    }
    result = invoke(tmp_path, env, "storage", "check")
    assert result.exit_code == 0, result.output
    assert_one_line_error(invoke(tmp_path, {**env, "AWS_PROFILE": "nobody"}, "storage"), "AWS_PROFILE=nobody names no")


def test_a_profile_whose_keys_come_from_elsewhere_is_read_through_boto3(
    s3_env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSO, roles and credential_process profiles hold no keys in the file: boto3 finds them, when installed."""
    script = tmp_path / "keys"
    answer = json.dumps({"Version": 1, "AccessKeyId": s3_env.access_key, "SecretAccessKey": s3_env.secret_key})
    script.write_text(f"#!/bin/sh\necho '{answer}'\n")
    script.chmod(0o755)
    config = tmp_path / "config"
    config.write_text(f"[profile tool]\ncredential_process = {script}\n")
    url = s3_env.url(s3_env.new_bucket(), "cold")
    env = {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_PROFILE": "tool",
        "AWS_CONFIG_FILE": str(config),
        "EVENTFLOW_COLD_URL": url,
    }
    result = invoke(tmp_path, env, "storage", "check")
    assert result.exit_code == 0, result.output
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    store = bootstrap(settings_with(tmp_path, EVENTFLOW_COLD_URL=url)).files.cold
    blob = store.put(io.BytesIO(b"kept"))
    with store.open(blob.key) as f:
        assert f.read() == b"kept"
