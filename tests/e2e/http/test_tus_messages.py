"""The resumable uploads' protocol errors (``/api/uploads``, tus) are told in the caller's language like every other
error. (Here beside the command line's languages while the tests move to ``unit/integration/e2e``: it belongs with
the HTTP tests.)"""

from __future__ import annotations

import base64

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.entrypoints.web.app import create_app

TUS = {"Tus-Resumable": "1.0.0"}


def client_of(services: Services, language: str) -> tuple[falcon.testing.TestClient, dict[str, str]]:
    person = services.users.add(None, "max@bars.fr", "Max", role="member", password="correct horse", language=language)
    token = services.users.create_token(None, person.email)
    return falcon.testing.TestClient(create_app(services)), {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("language", "title", "description"),
    [
        ("fr", "Requête incorrecte", "l'en-tête Upload-Length doit être un nombre entier d'octets"),
        ("en", "Bad request", "the Upload-Length header must be a whole number of bytes"),
    ],
)
def test_a_malformed_upload_is_refused_in_the_caller_language(
    services: Services, language: str, title: str, description: str
) -> None:
    client, auth = client_of(services, language)

    refused = client.simulate_post("/api/uploads", headers={**auth, **TUS, "Upload-Length": "lots"})

    assert refused.status_code == 400
    assert refused.json == {"title": title, "description": description}
    assert refused.headers["Tus-Resumable"] == "1.0.0"


def test_protocol_refusals_in_french_keep_their_headers(services: Services) -> None:
    client, auth = client_of(services, "fr")
    metadata = "filename " + base64.b64encode(b"a.mp4").decode() + ",deliverable_id !!"

    old_client = client.simulate_post("/api/uploads", headers={**auth, "Upload-Length": "10"})
    unknown = client.simulate_delete("/api/uploads/0123456789abcdef", headers={**auth, **TUS})
    garbled_headers = {**auth, **TUS, "Upload-Length": "10", "Upload-Metadata": metadata}
    garbled = client.simulate_post("/api/uploads", headers=garbled_headers)

    assert (old_client.status_code, old_client.json["description"]) == (412, "envoyez Tus-Resumable : 1.0.0")
    assert old_client.headers["Tus-Version"] == "1.0.0"
    assert unknown.status_code == 404
    assert unknown.json["description"] == "cet envoi n'existe pas (terminé depuis longtemps, abandonné ou jamais créé)"
    assert garbled.status_code == 400
    assert garbled.json["description"] == "Upload-Metadata : la valeur de 'deliverable_id' n'est pas du base64 UTF-8"
