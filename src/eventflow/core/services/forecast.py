"""The risk forecast's model, learnt from the last year of nights (``rules_risk``), and the forecast of a night.

Learning reads a year of history, so the model is kept: per database revision (a number every committed write
increases) and day, whatever URL or night a page shows. A caller that knows no revision (an API token, the command
line) gets a model learnt for its own read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from attrs import define, field

from eventflow.core import rules
from eventflow.core.model import Deliverable
from eventflow.core.ports import HistoryRows, HistoryWindow, UnitOfWork
from eventflow.core.rules_history import timelines
from eventflow.core.rules_risk import HISTORY_DAYS, NightForecast, RiskModel, forecast_night
from eventflow.core.services import Context

Key = tuple[int, dt.date]


@define
class Forecaster:
    ctx: Context
    _kept: tuple[Key, RiskModel] | None = field(default=None, init=False)

    def window(self) -> HistoryWindow:
        """The nights to learn from: the last ``HISTORY_DAYS`` days' whose J-7 has passed."""
        today = self.ctx.clock.today()
        return today - dt.timedelta(days=HISTORY_DAYS), today + dt.timedelta(days=rules.J_MINUS - 1)

    def kept(self, revision: int | None) -> RiskModel | None:
        """The model learnt under ``revision`` today, if it is kept."""
        kept = self._kept
        if revision is None or kept is None or kept[0] != (revision, self.ctx.clock.today()):
            return None
        return kept[1]

    def learn(self, rows: HistoryRows | None, revision: int | None = None) -> RiskModel:
        """The model of the history ``rows`` (of ``window()``), kept under ``revision`` when one is given."""
        if rows is None:
            raise ValueError("the history of the forecast's window was not read")
        today = self.ctx.clock.today()
        model = RiskModel.learn(timelines(rows.nights, rows.slots, rows.uploads, rows.changes), today)
        if revision is not None:
            self._kept = ((revision, today), model)
        return model

    def model(self, uow: UnitOfWork, revision: int | None = None) -> RiskModel:
        """The kept model, or one learnt from the history read in ``uow``."""
        return self.kept(revision) or self.learn(uow.read_models.history(*self.window()), revision)

    def night(self, model: RiskModel, night: dt.date, slots: Iterable[Deliverable]) -> NightForecast:
        return forecast_night(model, night, slots, self.ctx.clock.today(), self.ctx.clock.local_date)
