package io.greenshank.bridge.device;

import io.greenshank.bridge.oidc.GrantResult;
import io.greenshank.bridge.oidc.OAuthException;
import io.greenshank.bridge.oidc.TokenGrant;
import io.greenshank.bridge.oidc.TokenRequest;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** RFC 8628 §3.4–3.5: the device polls the token endpoint with its device code. */
@ApplicationScoped
public class DeviceCodeGrant implements TokenGrant {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    private final DeviceCodes codes;

    public DeviceCodeGrant(DeviceCodes codes) {
        this.codes = codes;
    }

    @Override
    public String grantType() {
        return GRANT_TYPE;
    }

    /**
     * On the event loop: with the memory store every poll; with the kubernetes store a poll the watched copy answers
     * (pending, expired, denied, another client's code). A redemption, a slow_down write or a code the copy has not
     * seen goes to {@link #grant} on a worker, which reads the API server.
     */
    @Override
    public Optional<GrantResult> decideInProcess(TokenRequest request) throws OAuthException {
        String deviceCode = request.requireParam("device_code");
        try {
            Optional<DeviceCodes.Poll> poll = codes.pollInProcess(deviceCode, request.client().id());
            return poll.isEmpty() ? Optional.empty() : Optional.of(answer(poll.get()));
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
    }

    @Override
    public GrantResult grant(TokenRequest request) throws OAuthException {
        String deviceCode = request.requireParam("device_code");
        try {
            return answer(codes.poll(deviceCode, request.client().id()));
        } catch (SessionStoreUnavailableException e) {
            throw OAuthException.sessionsUnavailable();
        }
    }

    private static GrantResult answer(DeviceCodes.Poll poll) throws OAuthException {
        if (poll instanceof DeviceCodes.Approved a) {
            return GrantResult.of(a.user(), a.grant().scopes());
        }
        if (poll instanceof DeviceCodes.Pending) {
            throw new OAuthException("authorization_pending", "the user has not yet approved this device", 400);
        }
        if (poll instanceof DeviceCodes.SlowDown s) {
            throw new OAuthException("slow_down", "polling too fast: poll every " + s.intervalSeconds()
                    + " seconds", 400);
        }
        if (poll instanceof DeviceCodes.Expired) {
            throw new OAuthException("expired_token", "the device code has expired: start again", 400);
        }
        if (poll instanceof DeviceCodes.Denied) {
            throw new OAuthException("access_denied", "the user denied this device", 400);
        }
        throw OAuthException.invalidGrant("unknown, used or expired device_code");
    }
}
