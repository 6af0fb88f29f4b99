package io.greenshank.profiles.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Istio objects that let a person reach a profile's workloads: the owner's
 * {@code ns-owner-access-istio} policy (or the legacy {@code ns-access-istio} role and {@code owner-binding-istio}
 * binding), and one policy per contributor.
 */
public final class IstioPolicies {

    public static final String OWNER_POLICY = "ns-owner-access-istio";
    public static final String LEGACY_ROLE = "ns-access-istio";
    public static final String LEGACY_OWNER_BINDING = "owner-binding-istio";

    private final IstioSettings settings;

    public IstioPolicies(IstioSettings settings) {
        this.settings = settings;
    }

    public IstioSettings settings() {
        return settings;
    }

    /**
     * The owner's policy: the owner through the ingress gateway, any workload of the same namespace, Knative probe
     * paths, and the notebook controller's kernel probes.
     */
    public GenericKubernetesResource ownerAuthorizationPolicy(String namespace, Subject owner, ObjectMeta base) {
        List<Object> rules = new ArrayList<>();
        rules.add(subjectRule(owner));
        rules.add(Map.of("from", List.of(Map.of("source", Map.of("namespaces", List.of(namespace))))));
        if (!settings.probePaths().isEmpty()) {
            rules.add(Map.of("to", List.of(Map.of("operation", Map.of("paths", settings.probePaths())))));
        }
        if (!settings.notebookControllerPrincipals().isEmpty()) {
            rules.add(Map.of(
                    "from", List.of(Map.of("source", Map.of("principals", settings.notebookControllerPrincipals()))),
                    "to", List.of(Map.of("operation", Map.of("methods", List.of("GET"), "paths", List.of("*/api/kernels"))))));
        }
        return authorizationPolicy(meta(base, OWNER_POLICY, namespace), rules);
    }

    /** A contributor's policy: only that user (or group member) through the ingress gateway. */
    public GenericKubernetesResource contributorAuthorizationPolicy(String name, String namespace, Subject contributor,
            ObjectMeta base) {
        return authorizationPolicy(meta(base, name, namespace), List.of(subjectRule(contributor)));
    }

    /** The legacy role every owner and contributor binding refers to: every service in the namespace. */
    public GenericKubernetesResource legacyServiceRole(String namespace, ObjectMeta base) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(IstioKinds.SERVICE_ROLE.getGroup() + "/" + IstioKinds.SERVICE_ROLE.getVersion())
                .withKind(IstioKinds.KIND_SERVICE_ROLE)
                .withMetadata(meta(base, LEGACY_ROLE, namespace))
                .addToAdditionalProperties("spec", Map.of("rules", List.of(Map.of("services", List.of("*")))))
                .build();
    }

    /** A contributor's legacy binding: only that user (or group). */
    public GenericKubernetesResource legacyServiceRoleBinding(String name, String namespace, Subject subject,
            ObjectMeta base) {
        return legacyServiceRoleBinding(name, namespace, List.of(legacySubject(subject)), base);
    }

    /**
     * The owner's legacy binding, as Kubeflow 1.0 wrote it: the owner, and every workload of the namespace (so they
     * can call each other, as the AuthorizationPolicy model's owner policy allows).
     */
    public GenericKubernetesResource legacyOwnerBinding(String namespace, Subject owner, ObjectMeta base) {
        return legacyServiceRoleBinding(LEGACY_OWNER_BINDING, namespace, List.of(legacySubject(owner),
                Map.of("properties", Map.of("source.namespace", namespace))), base);
    }

    private Map<String, Object> legacySubject(Subject subject) {
        return isGroup(subject)
                ? Map.of("group", subject.getName())
                : Map.of("properties", Map.of(headerKey(), settings.userIdPrefix() + subject.getName()));
    }

    private GenericKubernetesResource legacyServiceRoleBinding(String name, String namespace,
            List<Map<String, Object>> subjects, ObjectMeta base) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(IstioKinds.SERVICE_ROLE_BINDING.getGroup() + "/" + IstioKinds.SERVICE_ROLE_BINDING.getVersion())
                .withKind(IstioKinds.KIND_SERVICE_ROLE_BINDING)
                .withMetadata(meta(base, name, namespace))
                .addToAdditionalProperties("spec", Map.of(
                        "subjects", subjects,
                        "roleRef", Map.of("kind", IstioKinds.KIND_SERVICE_ROLE, "name", LEGACY_ROLE)))
                .build();
    }

    private Map<String, Object> subjectRule(Subject subject) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("from", List.of(Map.of("source", Map.of("principals", settings.gatewayPrincipals()))));
        // Istio header matches are exact strings; a comma-separated groups header cannot be matched safely, so
        // group members are matched on the verified token's groups claim instead.
        Map<String, Object> when = isGroup(subject)
                ? Map.of("key", "request.auth.claims[" + settings.groupsClaim() + "]", "values", List.of(subject.getName()))
                : Map.of("key", headerKey(), "values", List.of(settings.userIdPrefix() + subject.getName()));
        rule.put("when", List.of(when));
        return rule;
    }

    private GenericKubernetesResource authorizationPolicy(ObjectMeta meta, List<Object> rules) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("security.istio.io/" + settings.authorizationPolicyVersion())
                .withKind(IstioKinds.KIND_AUTHORIZATION_POLICY)
                .withMetadata(meta)
                .addToAdditionalProperties("spec", Map.of("action", "ALLOW", "rules", rules))
                .build();
    }

    private String headerKey() {
        return "request.headers[" + settings.userIdHeader() + "]";
    }

    private static boolean isGroup(Subject s) {
        return "Group".equals(s.getKind());
    }

    private static ObjectMeta meta(ObjectMeta base, String name, String namespace) {
        return new ObjectMetaBuilder(base).withName(name).withNamespace(namespace).build();
    }
}
