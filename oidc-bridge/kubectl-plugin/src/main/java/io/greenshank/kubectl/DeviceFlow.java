package io.greenshank.kubectl;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The device authorization grant (RFC 8628) from the CLI side, for a user with no Kerberos ticket and no terminal to
 * type a password on: ask for a code, tell the user on stderr where to enter it (stdout carries only the
 * ExecCredential), and poll at the bridge's interval, five seconds slower after each {@code slow_down} (§3.5).
 */
final class DeviceFlow {

    /** Waits between polls; a test passes one that does not sleep. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** No interval the bridge sends makes the plugin poll faster than this or wait longer than that. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofMinutes(1);
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    private final BridgeClient client;
    private final PrintStream log;
    private final Sleeper sleeper;

    DeviceFlow(BridgeClient client, PrintStream log, Sleeper sleeper) {
        this.client = client;
        this.log = log;
        this.sleeper = sleeper;
    }

    BridgeClient.TokenResponse login() throws IOException, BridgeClient.BridgeError, CredentialFlow.NoCredential {
        BridgeClient.DeviceAuthorization d = client.deviceAuthorization();
        log.println("greenshank: to sign in, open " + d.verificationUriComplete().orElse(d.verificationUri())
                + " in a browser");
        log.println("greenshank: or open " + d.verificationUri() + " and enter the code " + d.userCode());
        log.println("greenshank: waiting for approval (the code expires in " + d.expiresIn().toSeconds() + " s)");
        Instant deadline = Instant.now().plus(d.expiresIn());
        Duration interval = clamp(d.interval());
        while (true) {
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CredentialFlow.NoCredential("interrupted while waiting for the device sign-in");
            }
            try {
                return client.pollDevice(d.deviceCode());
            } catch (BridgeClient.BridgeError e) {
                switch (e.error()) {
                    case "authorization_pending", "temporarily_unavailable" -> {
                    }
                    case "slow_down" -> interval = clamp(interval.plus(SLOW_DOWN_STEP));
                    case "access_denied" -> throw new CredentialFlow.NoCredential(
                            "the sign-in was denied in the browser");
                    case "expired_token" -> throw new CredentialFlow.NoCredential(
                            "the code expired before it was approved: run the command again");
                    default -> throw new CredentialFlow.NoCredential(e.getMessage());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CredentialFlow.NoCredential(
                        "the code expired before it was approved: run the command again");
            }
        }
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : d;
    }
}
