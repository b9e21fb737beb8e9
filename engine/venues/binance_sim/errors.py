"""Error answers of the simulated Binance: ``{"code","msg"}`` JSON with Binance's HTTP status.

One table (:data:`ERRORS`) holds each code's HTTP status and default message, so
a fact found wrong against the testnet is a one-line fix. Codes marked [verify]
in DESIGN.md §2.4 come from Binance's USD-M error-code page as mirrored in
public repositories, not from protocols.md. -1000 (HTTP 500) answers any exception the
sim did not expect; -1104's text is the spot error page's (same code on USD-M [verify]).
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from aiohttp import web

ERRORS: dict[int, tuple[int, str]] = {
    -1000: (500, "An unknown error occurred while processing the request."),
    -1003: (429, "Too much request weight used; current limit is %s request weight per %s."),
    -1015: (429, "Too many new orders; current limit is %s orders per %s."),
    -1021: (400, "Timestamp for this request is outside of the recvWindow."),
    -1022: (400, "Signature for this request is not valid."),
    -1100: (400, "Illegal characters found in a parameter."),
    -1101: (400, "Duplicate values for a parameter detected."),
    -1102: (400, "A mandatory parameter was not sent, was empty/null, or malformed."),
    -1104: (400, "Not all sent parameters were read."),
    -1106: (400, "A parameter was sent when not required."),
    -1111: (400, "Precision is over the maximum defined for this asset."),
    -1115: (400, "Invalid timeInForce."),
    -1116: (400, "Invalid orderType."),
    -1117: (400, "Invalid side."),
    -1121: (400, "Invalid symbol."),
    -1131: (400, "recvWindow must be less than 60000"),
    -2011: (400, "Unknown order sent."),
    -2013: (400, "Order does not exist."),
    -2014: (401, "API-key format invalid."),
    -2015: (401, "Invalid API-key, IP, or permissions for action."),
    -2022: (400, "ReduceOnly Order is rejected."),
    -4015: (400, "Client order id is not valid."),
    -4116: (400, "ClientOrderId is duplicated."),
    -5021: (
        400,
        "Due to the order could not be filled immediately, the FOK order has been rejected."
        " The order will not be recorded in the order history",
    ),
    -5022: (
        400,
        "Due to the order could not be executed as maker, the Post Only order will be rejected."
        " The order will not be recorded in the order history",
    ),
}

AHEAD_MSG = "Timestamp for this request was 1000ms ahead of the server's time."
NOT_FOUND = -1000

_encode = msgspec.json.Encoder().encode


class BinanceSimError(Exception):
    """An error answer: ``code`` from :data:`ERRORS`, ``msg`` (default the table's), ``http``."""

    def __init__(self, code: int, msg: str | None = None, http: int | None = None) -> None:
        status, text = ERRORS[code]
        self.code = code
        self.msg = text if msg is None else msg
        self.http = status if http is None else http
        super().__init__(f"{code} {self.msg}")


def error_response(err: BinanceSimError, headers: Mapping[str, str] | None = None) -> web.Response:
    """The JSON answer for ``err`` (``Content-Type: application/json``)."""
    return web.Response(
        body=_encode({"code": err.code, "msg": err.msg}),
        status=err.http,
        content_type="application/json",
        headers=headers,
    )


def json_response(body: object, headers: Mapping[str, str] | None = None) -> web.Response:
    """A 200 JSON answer."""
    return web.Response(body=_encode(body), content_type="application/json", headers=headers)
