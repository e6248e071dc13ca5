"""The J-7 dashboard (``/stats``, for everyone: open kitchen) and its figures as CSV (``/stats.csv``)."""

from __future__ import annotations

import csv
import io

import falcon

from eventflow.core.services.stats import StatsReport
from eventflow.entrypoints.web.pages import charts
from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import current_user

#: The groups of the report, in the order the page and the CSV show them.
GROUPS = ("months", "bars", "types", "assignees")


class StatsPage(Page):
    """``/stats?from=YYYY-MM&to=YYYY-MM``: compliance charts with their data tables, times, the slowest step."""

    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        current_user(req)
        report = self.services.stats.report(req.get_param("from"), req.get_param("to"))
        self.renderer.page(
            req,
            resp,
            "stats.html",
            report=report,
            period=f"from={report.first_month:%Y-%m}&to={report.last_month:%Y-%m}",
            month_chart=charts.column_chart(report.months),
            bar_charts={group: charts.bar_chart(getattr(report, group)) for group in GROUPS[1:]},
        )


class StatsCsv(Page):
    """``/stats.csv?from=YYYY-MM&to=YYYY-MM``: one line per group and key, for a spreadsheet."""

    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        current_user(req)
        report = self.services.stats.report(req.get_param("from"), req.get_param("to"))
        resp.content_type = "text/csv; charset=utf-8"
        resp.cache_control = ["private", "no-cache"]
        name = f"eventflow-j7-{report.first_month:%Y-%m}-{report.last_month:%Y-%m}.csv"
        resp.downloadable_as = name
        resp.text = as_csv(report)


def as_csv(report: StatsReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["group", "key", "on_time", "total", "ratio"])
    for group in GROUPS:
        for key, compliance in getattr(report, group):
            ratio = "" if compliance.ratio is None else f"{compliance.ratio:.4f}"
            writer.writerow([group.removesuffix("s"), key, compliance.on_time, compliance.total, ratio])
    return out.getvalue()
