"""REST error answers of the simulated venue: an HTTP status plus Alpaca's
``{"code", "message"}`` body."""

from __future__ import annotations


class ApiError(Exception):
    """A REST error answer: HTTP status plus Alpaca's ``{"code","message"}`` body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def unprocessable(message: str) -> ApiError:
    """422 with Alpaca's generic parameter error code."""
    return ApiError(422, 42210000, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, 40410000, message)


def forbidden(message: str) -> ApiError:
    """403 with Alpaca's code for insufficient buying power or quantity."""
    return ApiError(403, 40310000, message)
