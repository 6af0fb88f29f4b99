package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTest;

/** Every {@link BadInputCases} case with gRPC Check on the HTTP port (Quarkus gRPC). */
@QuarkusTest
class BadInputTest extends BadInputCases {

    @Override
    GrpcClient connectGrpc() {
        return new GrpcClient(base);
    }
}
