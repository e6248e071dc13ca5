"""``eventflow demo``, ``serve`` and ``db``, and what goes wrong before any command runs (configuration)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy.exc import OperationalError

from eventflow import demo
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import rules_specs
from eventflow.core.clock import FixedClock
from eventflow.core.model import DEFAULT_NOTIFICATIONS
from eventflow.core.services.audit import AuditQuery
from eventflow.core.services.events import EventService
from eventflow.demo_files import Mockup
from eventflow.entrypoints.cli import cli
from eventflow.entrypoints.web import server
from tests.support.cli import Run, assert_one_line_error, stored


def test_demo_fills_an_empty_database_with_every_health_state(run: Run, services: Services) -> None:
    result = run("demo")

    assert result.exit_code == 0, result.output
    match = re.search(r"Log in as (\S+) with the password: (\S+)", result.stdout)
    assert match is not None
    assert services.users.authenticate(match[1], match[2]).is_admin
    events = json.loads(run("event", "list", "--json").stdout)
    assert {e["health"] for e in events} == {"green", "orange", "red", "none"}
    assert any(e["countdown"] < 0 for e in events), "past events too"
    assert {e["theme"] for e in events} >= {"Disco Fever", "Noël Pailleté"}  # the clock is on 2026-11-25
    assert len(json.loads(run("bar", "list", "--json").stdout)) >= 3


def test_demo_slots_follow_each_bars_screens(services: Services) -> None:
    demo.seed(services)

    comptoir = next(b for b in services.bars.list() if b.name == "Le Comptoir")
    nuit_disco = next(s for s in services.events.calendar() if s.event.name == "Nuit Disco")
    card = services.events.card(nuit_disco.event.id or 0)
    slots = {(v.slot.name, v.slot.bar_id): v.slot.specs for v in card.slots}
    assert slots[("Cube LED", comptoir.id)] == "1024x1024 mp4"
    assert slots[("Poster A3", None)] == "A3 PDF 300 dpi"
    assert all(v.slot.assignee_id for v in card.slots)


def test_demo_slots_under_review_or_approved_hold_their_designers_file_made_to_their_specs(services: Services) -> None:
    """A newcomer's first look shows no "differs" badge: the poster is an A3 PDF, the cube's video 1024x1024 MP4."""
    demo.seed(services)

    types = set()
    for summary in services.events.calendar():
        for view in services.events.card(summary.event.id or 0).slots:
            sent = view.slot.status.value in demo.WITH_A_FILE
            assert bool(view.versions) == sent, (summary.event.name, view.slot.name)
            if sent:
                version = view.versions[0]
                assert version.uploaded_by == view.slot.assignee_id
                asset = services.assets.content(version.id or 0).asset
                check = rules_specs.current_check(
                    asset.content_type, asset.media_info, asset.spec_check, view.slot.specs
                )
                assert check["status"] == "match", (summary.event.name, view.slot.name, view.slot.specs, check)
                assert asset.preview_key, "a thumbnail, for the past year's files too"
                types.add(asset.content_type)
    assert types == {"application/pdf", "video/mp4"}


def test_demo_queues_no_e_mail_for_its_made_up_past_but_fills_the_notifications(services: Services) -> None:
    demo.seed(services)

    with services.uow() as uow:
        assert uow.outbox.list() == []
        people = uow.users.list()
    assert all(set(person.notifications) == set(DEFAULT_NOTIFICATIONS) for person in people)
    lea = next(p for p in people if p.email == "lea.bernard@bars.example")
    assert services.inbox.notifications(lea), "the demo's story still shows in Mes notifications"


def test_demo_refuses_a_database_with_data(run: Run, services: Services) -> None:
    services.users.add(None, "ada@bars.fr", "Ada")
    before = stored(services)

    assert_one_line_error(run("demo"), "the database already has data")
    assert stored(services) == before


def test_demo_if_empty_keeps_existing_data_and_succeeds(run: Run, services: Services) -> None:
    services.bars.add(None, "Mon Bar")
    before = stored(services)

    result = run("demo", "--if-empty")

    assert result.exit_code == 0
    assert "kept it as it is" in result.stdout
    assert stored(services) == before


def test_demo_if_empty_seeds_a_first_start(run: Run, services: Services) -> None:
    assert "Demo data added" in run("demo", "--if-empty").stdout
    assert services.events.calendar()


def tiny_png(*_: object) -> Mockup:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (219, 39, 119)).save(out, "PNG")
    return Mockup("png", "image/png", out.getvalue())


@pytest.fixture(params=["memory", "sqlite"])
def empty_site(request: pytest.FixtureRequest, services: Services, settings: Settings, clock: FixedClock) -> Services:
    if request.param == "memory":
        return services
    return bootstrap(settings, clock=clock, hasher=Argon2Hasher(fast=True))


def test_a_demo_that_fails_halfway_leaves_nothing_and_runs_again(
    empty_site: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    update_slot = EventService.update_slot
    seen_at_failure: list[str] = []

    def power_cut_on_the_30th_slot(self: EventService, *args: Any, **kwargs: Any) -> Any:
        if len(calls) == 29:
            seen_at_failure.extend(empty_site.files.hot.list_keys())
            raise RuntimeError("power cut")
        calls.append(args)
        return update_slot(self, *args, **kwargs)

    calls: list[Any] = []
    monkeypatch.setattr(demo, "mockup", tiny_png)  # the poster mock-ups are slow to draw and beside the point
    monkeypatch.setattr(EventService, "update_slot", power_cut_on_the_30th_slot)
    with pytest.raises(RuntimeError, match="power cut"):
        demo.seed(empty_site)
    assert seen_at_failure, "files were stored (and events, bars, people written) before the failure"

    assert demo.is_empty(empty_site)
    assert list(empty_site.files.hot.list_keys()) == []
    assert empty_site.audit.search(None, AuditQuery()) == []
    monkeypatch.setattr(EventService, "update_slot", update_slot)
    result = CliRunner().invoke(cli, ["demo"], obj=empty_site)
    assert result.exit_code == 0, result.output
    assert len(empty_site.events.calendar()) == len(demo.EVENTS) + len(demo.history_nights(empty_site.clock.today()))


def test_serve_hands_the_services_to_the_web_server(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(server, "run", lambda *args: calls.append(args))

    assert run("serve", "--host", "0.0.0.0", "--port", "8123").exit_code == 0
    assert run("serve").exit_code == 0

    assert calls == [(services, "0.0.0.0", 8123), (services, "127.0.0.1", 8000)]


def test_serve_refuses_a_port_out_of_range(run: Run) -> None:
    assert run("serve", "--port", "70000").exit_code == 2


def test_db_upgrade_creates_then_reports_up_to_date(run: Run, services: Services) -> None:
    status = run("db", "status")
    assert "none (empty database)" in status.stdout
    assert "Behind: run `eventflow db upgrade`." in status.stdout

    created = run("db", "upgrade")
    again = run("db", "upgrade")

    assert created.exit_code == 0, created.output
    assert created.stdout.startswith("Created the database sqlite:///")
    assert "is up to date" in again.stdout
    assert run("db", "status").stdout.endswith("Up to date.\n")
    assert Path(services.settings.database_url.removeprefix("sqlite:///")).exists()


def invoke_with_env(env: dict[str, str], *args: str) -> Any:
    """The CLI as the console script runs it: settings from the environment, no services handed in."""
    return CliRunner().invoke(cli, list(args), env=env)


def test_a_bad_time_zone_is_one_line(tmp_path: Path) -> None:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_TIMEZONE": "Mars/Base"}

    assert_one_line_error(
        invoke_with_env(env, "user", "list"), "EVENTFLOW_TIMEZONE='Mars/Base' is not a known time zone"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EVENTFLOW_DATABASE_URL", "nonsense", "'nonsense' is not a database URL"),
        ("EVENTFLOW_DATABASE_URL", "oracle+nope://x/y", "unsupported database URL scheme"),
        ("EVENTFLOW_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/x", "cannot use the database"),
        ("EVENTFLOW_QUOTA_GB", "lots", "EVENTFLOW_QUOTA_GB='lots' is not a number"),
        ("EVENTFLOW_BODY_TIMEOUT_SECONDS", "soon", "EVENTFLOW_BODY_TIMEOUT_SECONDS='soon' is not a number"),
        ("EVENTFLOW_BODY_TIMEOUT_SECONDS", "0", "EVENTFLOW_BODY_TIMEOUT_SECONDS must be greater than 0"),
    ],
)
def test_bad_configuration_is_one_line(tmp_path: Path, variable: str, value: str, message: str) -> None:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path), variable: value}

    assert_one_line_error(invoke_with_env(env, "bar", "list"), message)
    assert_one_line_error(invoke_with_env(env, "db", "upgrade"), message)


def test_data_dir_option_overrides_the_environment(tmp_path: Path) -> None:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path / "ignored")}

    result = invoke_with_env(env, "--data-dir", str(tmp_path / "chosen"), "db", "upgrade")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "chosen" / "eventflow.db").exists()
    assert not (tmp_path / "ignored").exists()


def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    assert_one_line_error(invoke_with_env({}, "--data-dir", str(blocker / "data"), "db", "upgrade"), "Not a directory")


def test_a_database_failure_mid_command_is_one_line(
    run: Run, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(read_only: bool = False) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(services.ctx, "uow", locked)  # every unit of work fails to start

    assert_one_line_error(run("user", "list"), "the database failed: database is locked")
