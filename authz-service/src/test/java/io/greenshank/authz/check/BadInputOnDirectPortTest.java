package io.greenshank.authz.check;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Every {@link BadInputCases} case with gRPC Check on the dedicated ext_authz port ({@link DirectGrpcServer}). */
@QuarkusTest
class BadInputOnDirectPortTest extends BadInputCases {

    @Inject
    DirectGrpcServer direct;

    @Override
    GrpcClient connectGrpc() {
        return new GrpcClient("127.0.0.1", direct.port().orElseThrow());
    }
}
