"""A small OpenID Connect provider for the tests, on the loopback address in a thread (no network): discovery,
authorize (answers at once for the user the test chose), token (an RS256 id_token signed with joserfc, carrying
the nonce it was asked for), JWKS and userinfo. `provider.user` is who signs in next; `provider.tamper` makes it
sign with a key that is not in its JWKS."""
from __future__ import annotations

import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

CLIENT_ID, CLIENT_SECRET = "vroeg", "geheim-van-de-test"


class _Quiet(WSGIRequestHandler):
    def log(self, *args) -> None:  # no request lines in the test output
        pass


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1"}, private=True)
        self.wrong_key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1"}, private=True)
        self.user: dict = {"sub": "u-1", "preferred_username": "joke", "name": "Joke Jansen"}
        self.tamper = False
        self.codes: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self._app(), threaded=True, request_handler=_Quiet)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Provider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())  # Authlib checks exp and iat against the real clock, so the provider uses it too
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": grant["nonce"],
                  **grant["user"]}
        key = self.wrong_key if self.tamper else self.key
        return jwt.encode({"alg": "RS256", "kid": "sleutel-1"}, claims, key)

    def _app(self) -> Flask:
        app = Flask("oidc-test-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
                           token_endpoint=f"{self.issuer}/token", jwks_uri=f"{self.issuer}/jwks",
                           userinfo_endpoint=f"{self.issuer}/userinfo", response_types_supported=["code"],
                           subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            assert request.args["client_id"] == CLIENT_ID and request.args["response_type"] == "code"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": request.args.get("nonce"), "user": dict(self.user)}
            return redirect(request.args["redirect_uri"] + "?" + urlencode({"code": code,
                                                                            "state": request.args["state"]}))

        @app.post("/token")
        def token():
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None:
                return jsonify(error="invalid_grant"), 400
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                           id_token=self._id_token(grant))

        @app.get("/userinfo")
        def userinfo():
            return jsonify(self.user)

        return app
