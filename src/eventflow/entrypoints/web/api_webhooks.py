"""Outgoing webhooks (admins): add, list, delete, send a test, read the delivery log.

A delivery is a JSON POST signed in ``X-Eventflow-Signature`` (see ``core.rules_webhooks.signature``).
"""

from __future__ import annotations

from typing import Any

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core.model import WebhookFormat
from eventflow.core.rules_webhooks import EVENT_NAMES, MAX_SECRET, MAX_URL, MIN_SECRET
from eventflow.core.services.webhooks import WebhookView
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body
from eventflow.entrypoints.web.openapi import follow, many, operation, path_id
from eventflow.entrypoints.web.schema import doc


@frozen
class WebhookCreate:
    url: str = field(metadata=doc(pattern=r"^https?://", maxLength=MAX_URL, example="https://hooks.example.org/ef"))
    secret: str = field(
        metadata=doc(minLength=MIN_SECRET, maxLength=MAX_SECRET, description="signs every delivery (HMAC-SHA256)")
    )
    events: list[str] = field(metadata=doc(minItems=1, items={"type": "string", "enum": list(EVENT_NAMES)}))
    format: str = field(
        default=WebhookFormat.JSON.value,
        metadata=doc(enum=[f.value for f in WebhookFormat], description="json, or what Slack or Teams accept"),
    )
    language: str | None = field(
        default=None,
        metadata=doc(description="of the sentences in the payloads (fr or en); the admin's own when absent"),
    )


class WebhooksResource:
    def __init__(self, services: Services) -> None:
        self._webhooks = services.webhooks

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.Webhook.json(view) for view in self._webhooks.list(req.context.user)]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, WebhookCreate)
        hook = self._webhooks.add(req.context.user, body.url, body.secret, body.events, body.format, body.language)
        resp.status = falcon.HTTP_201
        resp.media = presenters.Webhook.json(WebhookView(hook, []))

    def on_get_one(self, req: falcon.Request, resp: falcon.Response, webhook_id: int) -> None:
        resp.media = presenters.Webhook.json(self._webhooks.get(req.context.user, webhook_id))

    def on_delete_one(self, req: falcon.Request, resp: falcon.Response, webhook_id: int) -> None:
        self._webhooks.remove(req.context.user, webhook_id)
        resp.status = falcon.HTTP_204

    def on_post_test(self, req: falcon.Request, resp: falcon.Response, webhook_id: int) -> None:
        resp.media = presenters.WebhookDelivery.json(self._webhooks.test(req.context.user, webhook_id))

    def on_get_deliveries(self, req: falcon.Request, resp: falcon.Response, webhook_id: int) -> None:
        deliveries = self._webhooks.deliveries(req.context.user, webhook_id)
        resp.media = [presenters.WebhookDelivery.json(d) for d in deliveries]


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    webhooks = WebhooksResource(services)
    app.add_route("/api/webhooks", webhooks)
    app.add_route("/api/webhooks/{webhook_id:id}", webhooks, suffix="one")
    app.add_route("/api/webhooks/{webhook_id:id}/test", webhooks, suffix="test")
    app.add_route("/api/webhooks/{webhook_id:id}/deliveries", webhooks, suffix="deliveries")


_ID = [path_id("webhook_id")]
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/webhooks": {
            "get": operation(
                "Every webhook with its latest delivery (admin)",
                "webhooks",
                many(presenters.Webhook),
                errors=(403,),
                operation_id="listWebhooks",
            ),
            "post": operation(
                "Add a webhook (admin): an http(s) URL, a secret that signs each delivery, the events it hears",
                "webhooks",
                presenters.Webhook,
                status=201,
                body=WebhookCreate,
                operation_id="createWebhook",
                links=follow("getWebhook", "testWebhook", "listWebhookDeliveries", "deleteWebhook", param="webhook_id"),
            ),
        },
        "/api/webhooks/{webhook_id}": {
            "get": operation(
                "One webhook (admin)", "webhooks", presenters.Webhook, params=_ID, errors=(403, 404),
                operation_id="getWebhook",
            ),
            "delete": operation(
                "Delete a webhook and the deliveries not sent yet (admin)", "webhooks", None, status=204, params=_ID,
                errors=(403, 404), operation_id="deleteWebhook",
            ),
        },
        "/api/webhooks/{webhook_id}/test": {
            "post": operation(
                "Send a webhook.test delivery now and tell how the receiver answered (admin)", "webhooks",
                presenters.WebhookDelivery, params=_ID, errors=(403, 404), operation_id="testWebhook",
            ),
        },
        "/api/webhooks/{webhook_id}/deliveries": {
            "get": operation(
                "The delivery log of a webhook, newest first (admin)", "webhooks", many(presenters.WebhookDelivery),
                params=_ID, errors=(403, 404), operation_id="listWebhookDeliveries",
            ),
        },
    }
}  # fmt: skip
