package io.greenshank.profiles.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.identity.jwt.JwksCache;
import io.greenshank.identity.jwt.JwksListener;
import io.greenshank.identity.jwt.JwksTransport;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.TrustedIssuer;
import io.greenshank.profiles.authn.JwtCallerAuthenticator;
import java.net.URI;
import java.util.ArrayList;
import io.greenshank.profiles.authn.BearerOrMeshAuthenticator;
import io.greenshank.profiles.authn.CallerAuthenticator;
import io.greenshank.profiles.authn.CallerResolver;
import io.greenshank.profiles.authn.Delegation;
import io.greenshank.profiles.authn.MeshHeaderAuthenticator;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.istio.IstioPolicyModel;
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.leader.LeaderElection;
import io.greenshank.profiles.leader.LeaderSettings;
import io.greenshank.profiles.reconcile.ControllerMetrics;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.reconcile.NamespaceLabels;
import io.greenshank.profiles.reconcile.ProfileController;
import io.greenshank.profiles.reconcile.ProfileReconciler;
import io.greenshank.profiles.reconcile.WorkQueue;
import io.greenshank.profiles.sharing.KubernetesAccessReviewer;
import io.greenshank.profiles.sharing.SharingService;
import io.greenshank.profiles.sharing.SharingSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.UUID;

/** Wires the controller, its cache, leader election and the sharing API from configuration. */
@Singleton
public class ProfilesRuntime {

    private static final Logger LOG = Logger.getLogger(ProfilesRuntime.class);

    @Inject
    ProfilesConfig config;
    @Inject
    KubernetesClient client;
    @Inject
    MeterRegistry registry;

    private ClusterCache cache;
    private JwtVerifier verifier;
    private ProfileController controller;
    private LeaderElection election;

    IstioSettings istioSettings() {
        ProfilesConfig.Istio i = config.istio();
        return new IstioSettings(IstioPolicyModel.parse(i.policyModel()), i.authorizationPolicyVersion(), i.userIdHeader(),
                i.userIdPrefix().orElse(""), i.groupsClaim(), i.gatewayPrincipals(), i.notebookControllerPrincipals(),
                i.probePaths());
    }

    @Produces
    @Singleton
    ClusterCache cache() {
        ClusterCache c = new ClusterCache(client, istioSettings(), new SubjectKeys(config.sharing().caseInsensitiveUsers()),
                config.controller().resync());
        this.cache = c;
        return c;
    }

    @Produces
    @Singleton
    SharingService sharing(ClusterCache cache) {
        ProfilesConfig.Sharing s = config.sharing();
        return new SharingService(client, cache, new SharingSettings(
                new HashSet<>(s.clusterAdmins().orElse(List.of())), new HashSet<>(s.clusterAdminGroups().orElse(List.of())),
                s.subjectAccessReview()), new KubernetesAccessReviewer(client, registry), istioSettings());
    }

    /** Built at start-up: a bad issuer setting fails the start, and the issuers' keys are fetched before any call. */
    @Produces
    @Singleton
    @Startup
    CallerResolver callers() {
        ProfilesConfig.Authn a = config.authn();
        IdentityHeaders headers = new IdentityHeaders(a.userIdHeader(), a.groupsHeader(), a.userIdPrefix().orElse(""));
        Delegation delegation = new Delegation(a.delegation().enabled(), new HashSet<>(a.delegation().principals()));
        if (delegation.enabled()) {
            LOG.warnf("delegation on: %s may read the sharing API and create profiles for the users they name; this "
                    + "is safe only if the API port is reachable solely through its Istio sidecar", delegation.principals());
        }
        return new CallerResolver(authenticator(headers), delegation, headers, registry);
    }

    private CallerAuthenticator authenticator(IdentityHeaders headers) {
        ProfilesConfig.Authn a = config.authn();
        Optional<CallerAuthenticator> mesh = a.trustedPrincipals().filter(l -> !l.isEmpty())
                .map(p -> new MeshHeaderAuthenticator(new HashSet<>(p), headers));
        Optional<CallerAuthenticator> bearer = Optional.empty();
        if (!a.jwt().isEmpty()) {
            List<TrustedIssuer> issuers = a.jwt().entrySet().stream().map(e -> trustedIssuer(e.getKey(), e.getValue())).toList();
            verifier = JwtVerifier.builder().issuers(issuers).listener(new KeyFetchLog()).build();
            verifier.start();
            bearer = Optional.of(new JwtCallerAuthenticator(verifier, registry));
        }
        return new BearerOrMeshAuthenticator(bearer, mesh);
    }

    static TrustedIssuer trustedIssuer(String name, ProfilesConfig.JwtIssuer c) {
        List<KeySource> sources = new ArrayList<>();
        c.jwksUri().ifPresent(u -> sources.add(new KeySource.JwksUri(URI.create(u))));
        c.jwksFile().ifPresent(f -> sources.add(new KeySource.JwksFile(Path.of(f))));
        if (c.discovery()) {
            sources.add(KeySource.Discovery.forIssuer(c.issuer()));
        }
        if (sources.size() != 1) {
            throw new IllegalArgumentException("greenshank.profiles.authn.jwt." + name
                    + ": set exactly one of jwks-uri, jwks-file, discovery=true");
        }
        if (c.audiences().isEmpty()) {
            throw new IllegalArgumentException("greenshank.profiles.authn.jwt." + name + ".audiences must not be empty");
        }
        // The same rules (and messages) as authz-service's issuers: the transport is built by the shared code.
        JwksTransport transport = JwksTransport.forKeySource("greenshank.profiles.authn.jwt." + name, sources.get(0),
                c.caFile(), c.bearerTokenFile());
        return TrustedIssuer.of(c.issuer(), c.audiences(), sources.get(0))
                .withMapping(new UserIdMapping(c.userClaim(), c.userPrefix().orElse(""), c.groupsClaim(), c.groupsPrefix().orElse("")))
                .withClockSkew(c.clockSkew())
                .withTransport(transport);
    }

    void onStart(@Observes StartupEvent event, ClusterCache cache) {
        cache.start(Duration.ofSeconds(60));
        if (!config.controller().enabled()) {
            return;
        }
        ControllerSettings settings = new ControllerSettings(istioSettings(),
                config.controller().namespaceLabelsFile().map(f -> NamespaceLabels.fromFile(Path.of(f))).orElse(NamespaceLabels.DEFAULT),
                config.controller().workers(), config.controller().resync(), config.controller().maxBackoff());
        WorkQueue queue = new WorkQueue(settings.maxBackoff());
        controller = new ProfileController(cache, new ProfileReconciler(client, cache, settings, Clock.systemUTC()), settings,
                queue, new ControllerMetrics(registry, queue::depth));
        ProfilesConfig.Leader l = config.leaderElection();
        if (l.enabled()) {
            String identity = l.identity().or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
                    .orElse("profile-controller-" + UUID.randomUUID());
            election = new LeaderElection(client, new LeaderSettings(l.leaseNamespace(), l.leaseName(), identity,
                    l.leaseDuration(), l.renewDeadline(), l.retryPeriod()), controller::start, controller::stop);
            election.start();
        } else {
            controller.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (verifier != null) {
            verifier.close();
        }
        if (election != null) {
            election.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    public Optional<ProfileController> controller() {
        return Optional.ofNullable(controller);
    }

    public Optional<LeaderElection> election() {
        return Optional.ofNullable(election);
    }

    /** Every failed key fetch is logged: until one succeeds, that issuer's tokens are refused (keys_unavailable). */
    private static final class KeyFetchLog implements JwksListener {
        @Override
        public void refreshFailed(String issuer, Trigger trigger, String error) {
            LOG.warnf("keys of token issuer %s not loaded (%s fetch): %s; its bearer tokens are refused "
                    + "(keys_unavailable) until a fetch succeeds", issuer, trigger.name().toLowerCase(Locale.ROOT), error);
        }
    }

    /** Per issuer: "ready", or "not ready: <the last fetch error>" (never a secret). Empty without issuers. */
    public Map<String, String> jwtKeyStatus() {
        Map<String, String> status = new TreeMap<>();
        if (verifier != null) {
            for (JwksCache c : verifier.keySets()) {
                status.put(c.issuer(), c.ready() ? "ready" : "not ready: " + c.lastError().orElse("keys too stale"));
            }
        }
        return status;
    }

    /** Empty when no issuer is configured; otherwise whether every issuer's keys are loaded. */
    public Optional<Boolean> jwtKeysReady() {
        return Optional.ofNullable(verifier).map(JwtVerifier::ready);
    }

    public boolean cacheSynced() {
        return cache != null && cache.synced();
    }
}
