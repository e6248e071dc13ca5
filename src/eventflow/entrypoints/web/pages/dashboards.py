"""The "À valider" queue and the production matrix."""

from __future__ import annotations

import falcon

from eventflow.entrypoints.web.pages.base import Page, html_errors
from eventflow.entrypoints.web.pages.common import add_months, current_user, date_param, month_start
from eventflow.entrypoints.web.pages.site import asset_kind


class ReviewPage(Page):
    """``/review``: slots waiting for a look, the one waiting longest first."""

    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        current_user(req)
        queue = self.services.events.review_queue(req.context.get("revision"))
        users = {u.id: u for u in self.services.users.list()}
        second_look = self.services.review.settings().second_pair_of_eyes
        self.renderer.page(
            req, resp, "review.html", queue=queue, users=users, kind_of=asset_kind, second_look=second_look
        )


class MatrixPage(Page):
    """``/matrix?month=YYYY-MM-DD``: rows are the month's events, columns the asset types."""

    @html_errors
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        current_user(req)
        today = self.services.clock.today()
        month = month_start(date_param(req, "month", today))
        matrix = self.services.events.matrix(month.year, month.month, req.context.get("revision"))
        self.renderer.page(
            req,
            resp,
            "matrix.html",
            matrix=matrix,
            bar_names={bar.id: bar.name for summary in matrix.events for bar in summary.bars},
            month=month,
            prev_month=add_months(month, -1),
            next_month=add_months(month, 1),
            today=today,
        )
