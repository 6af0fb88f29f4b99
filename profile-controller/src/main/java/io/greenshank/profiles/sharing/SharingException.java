package io.greenshank.profiles.sharing;

/** A refusal or failure with the HTTP status the API answers and a reason the caller can act on. */
public final class SharingException extends RuntimeException {

    private final int status;

    public SharingException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static SharingException badRequest(String reason) {
        return new SharingException(400, reason);
    }

    public static SharingException forbidden(String reason) {
        return new SharingException(403, reason);
    }

    public static SharingException notFound(String reason) {
        return new SharingException(404, reason);
    }

    public static SharingException conflict(String reason) {
        return new SharingException(409, reason);
    }
}
