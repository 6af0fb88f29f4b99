package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/** Every {@link RequestSemanticsCases} case with gRPC Check on the dedicated ext_authz port ({@link DirectGrpcServer}). */
@QuarkusTest
@TestProfile(RequestSemanticsProfile.class)
class RequestSemanticsOnDirectPortTest extends RequestSemanticsCases {

    @Inject
    DirectGrpcServer direct;

    @Override
    GrpcClient connectGrpc() {
        return new GrpcClient("127.0.0.1", direct.port().orElseThrow());
    }
}
