# examples/frameworks/scen_fastapi.py — FastAPI (served by uvicorn) with the scenario
# endpoints of examples/scenarios/: S1's GET /text and GET /json, S3's POST /users, /orders,
# /payments with a JSON body, each answered after DELAY_MS (default 0; S3's apps wait 2 s in
# their "repository", an asyncio sleep here, as FastAPI's async handlers would).
import asyncio
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

app = FastAPI()
DELAY = float(os.environ.get("DELAY_MS", "0")) / 1000.0


@app.get("/text", response_class=PlainTextResponse)
async def text():
    return "Hello, World!"


@app.get("/json")
async def json_endpoint():
    return {"message": "Hello, World!"}


def _post(name):
    async def handler(request: Request):
        body = await request.json()
        await asyncio.sleep(DELAY)
        return JSONResponse({"saved": name, "received": body}, status_code=201)
    return handler


for _name in ("users", "orders", "payments"):
    app.post("/" + _name)(_post(_name))
