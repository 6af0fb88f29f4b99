package io.greenshank.kubectl;

import io.greenshank.kubectl.krb5.CacheName;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gets a current ID token, cheapest source first: the disk cache, the refresh token, the Kerberos ticket (SPNEGO
 * exchange), and, only on an interactive terminal, a password login; with neither a ticket nor a terminal (or with
 * {@code --grant device}), the device authorization grant.
 */
public final class CredentialFlow {
    /** Kubernetes rejects a token right at its expiry; hand out only tokens with this much life left. */
    static final long EXPIRY_MARGIN_SECONDS = 30;
    /** Cache slot for password logins, used when there is no Kerberos ticket cache to name the principal. */
    static final String PASSWORD_SLOT = "~password";

    private final PluginOptions options;
    private final Map<String, String> env;
    private final boolean interactive;
    private final PrintStream log;
    private final TokenCache cache;
    private BridgeClient client;
    /** The ticket cache looked at, for messages; null until {@link #readTicketCache} ran or when it has no name. */
    private CacheName ticketCacheName;

    public CredentialFlow(PluginOptions options, Map<String, String> env, boolean interactive, PrintStream log) {
        this.options = options;
        this.env = env;
        this.interactive = interactive;
        this.log = log;
        this.cache = new TokenCache(options.cacheDir());
    }

    /** Thrown when no source yields a token; the message tells the user what to do. */
    public static final class NoCredential extends Exception {
        public NoCredential(String message) {
            super(message);
        }
    }

    public IdToken token() throws NoCredential, IOException {
        trace("start");
        Optional<TicketCache> tickets = readTicketCache();
        trace("ticket cache read");
        Instant now = Instant.now();
        boolean haveTgt = options.grant() == PluginOptions.Grant.AUTO
                && tickets.map(t -> t.hasCurrentTgt(now)).orElse(false);
        List<String> principals = new ArrayList<>();
        tickets.ifPresent(t -> principals.add(t.principal()));
        if (!haveTgt) {
            principals.add(PASSWORD_SLOT);
        }
        String issuer = options.issuer().toString();
        for (String principal : principals) {
            TokenCache.Slot slot = cache.slot(issuer, options.clientId(), principal);
            Optional<IdToken> cached = currentToken(slot);
            trace("token cache read");
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        for (String principal : principals) {
            TokenCache.Slot slot = cache.slot(issuer, options.clientId(), principal);
            try (TokenCache.Lock ignored = slot.lock()) {
                // Another kubectl run may have refreshed while we waited for the lock.
                Optional<IdToken> cached = currentToken(slot);
                if (cached.isPresent()) {
                    return cached.get();
                }
                Optional<IdToken> refreshed = refresh(slot);
                if (refreshed.isPresent()) {
                    return refreshed.get();
                }
                if (haveTgt && principal.equals(tickets.get().principal())) {
                    return kerberos(slot, tickets.get());
                }
                if (principal.equals(PASSWORD_SLOT)) {
                    return passwordLogin(slot, tickets);
                }
            }
        }
        throw new NoCredential(noTicket());
    }

    /** "no Kerberos ticket in DIR:/… (from KRB5CCNAME): run kinit", naming the cache that was looked at. */
    private String noTicket() {
        return ticketCacheName == null ? "no Kerberos ticket: run kinit"
                : "no Kerberos ticket in " + ticketCacheName.describe() + ": run kinit";
    }

    /** {@code GREENSHANK_TRACE=1}: phase timings on stderr, to see where a slow kubectl call spends its time. */
    private void trace(String phase) {
        if ("1".equals(env.get("GREENSHANK_TRACE"))) {
            long sinceStart = ProcessHandle.current().info().startInstant()
                    .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L);
            log.printf("greenshank: +%d ms %s%n", sinceStart, phase);
        }
    }

    private Optional<IdToken> currentToken(TokenCache.Slot slot) {
        return slot.read().flatMap(entry -> {
            try {
                IdToken token = IdToken.parse(entry.idToken());
                return token.validAt(Instant.now(), EXPIRY_MARGIN_SECONDS) ? Optional.of(token) : Optional.empty();
            } catch (IllegalArgumentException corrupt) {
                return Optional.empty();
            }
        });
    }

    private Optional<IdToken> refresh(TokenCache.Slot slot) throws IOException {
        Optional<TokenCache.Entry> entry = slot.read();
        if (entry.isEmpty() || entry.get().refreshToken().isEmpty()) {
            return Optional.empty();
        }
        try {
            BridgeClient.TokenResponse response = client().refresh(entry.get().refreshToken().get());
            return Optional.of(store(slot, response));
        } catch (BridgeClient.BridgeError e) {
            log.println("greenshank: " + e.getMessage() + "; logging in again");
            slot.delete();
            return Optional.empty();
        } catch (IllegalArgumentException badToken) {
            log.println("greenshank: the bridge issued an unreadable token on refresh: " + badToken.getMessage());
            slot.delete();
            return Optional.empty();
        }
    }

    private IdToken kerberos(TokenCache.Slot slot, TicketCache tickets) throws NoCredential, IOException {
        SpnegoInitiator.configureKrb5(env);
        try {
            trace("kerberos start");
            SpnegoInitiator initiator = SpnegoInitiator.start(tickets, options.issuer().getHost(),
                    options.servicePrincipal().orElse(null));
            trace("jaas login");
            byte[] spnego = initiator.initialToken();
            trace("spnego token");
            BridgeClient client = client();
            trace("http client");
            URI endpoint = client.tokenEndpoint();
            trace("discovery " + endpoint);
            BridgeClient.TokenResponse response = client.exchangeSpnego(spnego);
            trace("token exchange");
            if (response.mutualAuthToken().isPresent()) {
                initiator.complete(response.mutualAuthToken().get());
            } else {
                throw new NoCredential("the bridge issued a token without proving its Kerberos identity "
                        + "(no mutual authentication token): refusing it");
            }
            IdToken token = store(slot, response);
            trace("stored");
            return token;
        } catch (SpnegoInitiator.KerberosFailure e) {
            throw new NoCredential(e.getMessage());
        } catch (BridgeClient.BridgeError e) {
            throw new NoCredential(e.getMessage());
        } catch (IllegalArgumentException badToken) {
            throw new NoCredential("the bridge issued an unreadable token: " + badToken.getMessage());
        }
    }

    private IdToken passwordLogin(TokenCache.Slot slot, Optional<TicketCache> tickets)
            throws NoCredential, IOException {
        if (!interactive || options.grant() == PluginOptions.Grant.DEVICE) {
            return deviceLogin(slot, tickets);
        }
        log.println("greenshank: no Kerberos ticket; log in with your directory password (or run kinit)");
        String defaultUser = options.username().orElse(tickets.map(t -> t.principal().replaceAll("@.*", ""))
                .orElse(System.getProperty("user.name", "")));
        Terminal.Credentials login = Terminal.promptLogin(defaultUser)
                .orElseThrow(() -> new NoCredential(noTicket() + " (no password given)"));
        try {
            return store(slot, client().password(login.username(), login.password()));
        } catch (BridgeClient.BridgeError e) {
            throw new NoCredential(e.getMessage());
        } finally {
            java.util.Arrays.fill(login.password(), '\0');
        }
    }

    private IdToken deviceLogin(TokenCache.Slot slot, Optional<TicketCache> tickets)
            throws NoCredential, IOException {
        String noTicket = tickets.isPresent() && options.grant() == PluginOptions.Grant.AUTO
                ? "no Kerberos ticket: the ticket of " + tickets.get().principal() + " in "
                        + ticketCacheName.describe() + " has expired: run kinit"
                : noTicket();
        try {
            return store(slot, new DeviceFlow(client(), log, d -> Thread.sleep(d.toMillis())).login());
        } catch (BridgeClient.BridgeError e) {
            if (options.grant() == PluginOptions.Grant.AUTO && e.status() != 503) {
                // The bridge (or its client for kubectl) does not offer the device grant: say what would help.
                throw new NoCredential(noTicket + " (no terminal for a password, and the bridge refused a device "
                        + "sign-in: " + e.error() + ")");
            }
            throw new NoCredential(e.getMessage());
        } catch (IllegalArgumentException badToken) {
            throw new NoCredential("the bridge issued an unreadable token: " + badToken.getMessage());
        }
    }

    private IdToken store(TokenCache.Slot slot, BridgeClient.TokenResponse response) throws IOException {
        IdToken token = IdToken.parse(response.idToken());
        slot.write(response.idToken(), response.refreshToken());
        return token;
    }

    private Optional<TicketCache> readTicketCache() throws NoCredential {
        try {
            ticketCacheName = TicketCache.defaultName(env);
            return TicketCache.read(ticketCacheName);
        } catch (CacheName.InvalidCacheName e) {
            throw new NoCredential(e.getMessage());
        } catch (IOException e) {
            log.println("greenshank: cannot read the Kerberos ticket cache " + ticketCacheName.describe() + ": "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    private BridgeClient client() throws IOException {
        if (client == null) {
            client = new BridgeClient(options.issuer(), options.clientId(), options.caFile(),
                    options.tokenEndpoint());
        }
        return client;
    }

    /** Removes this issuer and client's cached tokens. */
    public int logout() throws IOException {
        return cache.clear(options.issuer().toString(), options.clientId());
    }
}
