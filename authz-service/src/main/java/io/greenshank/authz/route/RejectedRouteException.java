package io.greenshank.authz.route;

/**
 * A request whose route variables cannot be read unambiguously from its query string: it is refused (400), never
 * judged with the first or the last of several values.
 */
public final class RejectedRouteException extends Exception {

    private final String reason;

    /**
     * @param reason a reason code: {@code query_parameter_missing}, {@code query_parameter_repeated},
     *               {@code query_parameter_invalid} or {@code route_variable_conflict}
     */
    public RejectedRouteException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
