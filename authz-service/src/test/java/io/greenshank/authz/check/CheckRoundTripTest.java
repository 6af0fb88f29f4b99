package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTest;

/** Every {@link CheckRoundTripCases} case with gRPC Check on the HTTP port (Quarkus gRPC). */
@QuarkusTest
class CheckRoundTripTest extends CheckRoundTripCases {

    @Override
    GrpcClient connectGrpc() {
        return new GrpcClient(base);
    }
}
