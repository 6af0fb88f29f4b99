package io.greenshank.authz.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

/**
 * Fuzzes the gRPC ext_authz request: protobuf bytes as Envoy (or anyone reaching the port) sends them, read by
 * {@link CheckRequests#toAttributes} and decided by the decision core. Properties: bytes that are not a
 * CheckRequest fail as {@link InvalidProtocolBufferException} (gRPC's INVALID_ARGUMENT); any CheckRequest gets a
 * decision, never an exception; an allowed one passes {@link FuzzedChecks}'s well-formed-equivalent oracle.
 */
class GrpcCheckRequestFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void check(byte[] input) {
        CheckRequest request;
        try {
            request = CheckRequest.parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        FuzzedChecks.decideAndCheck(CheckRequests.toAttributes(request));
    }
}
