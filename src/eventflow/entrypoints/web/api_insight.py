"""Insight API: the J-7 dashboard's figures (``GET /api/stats``)."""

from __future__ import annotations

from typing import Any

import falcon

from eventflow.bootstrap import Services
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.openapi import operation, query
from eventflow.entrypoints.web.schema import MONTH


class StatsResource:
    """``GET /api/stats?from=YYYY-MM&to=YYYY-MM`` (by default the last twelve months)."""

    def __init__(self, services: Services) -> None:
        self._stats = services.stats

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        report = self._stats.report(req.get_param("from"), req.get_param("to"))
        resp.media = presenters.Stats.json(report)


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    app.add_route("/api/stats", StatsResource(services))


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/stats": {
            "get": operation(
                "J-7 compliance (share of deliverables approved by their J-7) per month, bar, type and assignee, "
                "with the time from the first file to approval and the slowest step",
                "insight",
                presenters.Stats,
                params=[
                    query("from", MONTH, "first month (YYYY-MM); by default eleven months before `to`"),
                    query("to", MONTH, "last month (YYYY-MM), included; by default this month"),
                ],
                errors=(422,),
                operation_id="getStats",
            )
        }
    }
}
