package org.kalaja.server;

import java.util.Map;

/**
 * A request the HTTP layer answers with an error: a status, a short stable code for programs, and
 * a sentence for people saying what to do. Thrown by handlers, rendered by {@link HttpApi} as
 * {@code {"error": code, "detail": detail}}.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    ApiError(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    ApiError(int status, String code, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }

    static ApiError badParameter(String detail) {
        return new ApiError(400, "invalid_parameter", detail);
    }
}
