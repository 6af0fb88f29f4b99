package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every {@link RequestSemanticsCases} case with gRPC Check on the HTTP port (Quarkus gRPC). */
@QuarkusTest
@TestProfile(RequestSemanticsProfile.class)
class RequestSemanticsTest extends RequestSemanticsCases {

    @Override
    GrpcClient connectGrpc() {
        return new GrpcClient(base);
    }
}
