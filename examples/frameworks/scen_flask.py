# examples/frameworks/scen_flask.py — Flask (served by gunicorn or waitress) with S3's
# endpoints (examples/scenarios/s3.json): POST /users, /orders, /payments with a JSON body,
# each answered after DELAY_MS (default 0; S3's apps wait 2 s in their "repository", a
# blocking sleep here, as a WSGI worker thread would), and S1's GET /text and GET /json.
import os
import time

from flask import Flask, jsonify, request

app = Flask(__name__)
DELAY = float(os.environ.get("DELAY_MS", "0")) / 1000.0


@app.get("/text")
def text():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@app.get("/json")
def json_endpoint():
    return jsonify(message="Hello, World!")


def _post(name):
    def handler():
        body = request.get_json(force=True)
        time.sleep(DELAY)
        return jsonify(saved=name, received=body), 201
    handler.__name__ = "post_" + name
    return handler


for _name in ("users", "orders", "payments"):
    app.post("/" + _name)(_post(_name))
