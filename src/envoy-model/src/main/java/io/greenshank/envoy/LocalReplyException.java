package io.greenshank.envoy;

/** A stage ended the request with a reply of Envoy's own (or a reset); nothing goes further. */
final class LocalReplyException extends RuntimeException {

    private final transient ClientResponse response;

    LocalReplyException(ClientResponse response) {
        super(response.toString(), null, false, false);
        this.response = response;
    }

    ClientResponse response() {
        return response;
    }
}
