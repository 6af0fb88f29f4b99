package io.greenshank.envoy;

/** A request as the codec hands it to the connection manager: its header map and its trailers. */
record DecodedRequest(EnvoyHeaderMap headers, HeaderList trailers) {
}
