package io.greenshank.envoy;

/** The downstream protocol the client speaks to Envoy. */
public enum Codec {
    HTTP1("HTTP/1.1"),
    HTTP2("HTTP/2");

    private final String protocolString;

    Codec(String protocolString) {
        this.protocolString = protocolString;
    }

    /** What CheckRequest's {@code protocol} says. */
    // source/common/http/utility.cc, Utility::getProtocolString
    public String protocolString() {
        return protocolString;
    }
}
