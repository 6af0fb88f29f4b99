package io.greenshank.profiles.fault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every object the controller writes, read straight from the API server and reduced to what a reconcile decides:
 * server-assigned fields (uid, resourceVersion, timestamps, generation) are dropped and owner references name their
 * Profile without its uid, so two clusters that saw the same Profiles compare equal exactly when the controller
 * wrote the same things. Keys are {@code Kind namespace/name}; a key seen twice is kept as a duplicate.
 */
record ClusterSnapshot(Map<String, String> objects, List<String> duplicates, Map<String, String> readiness) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    static ClusterSnapshot take(KubernetesClient k, IstioSettings istio) {
        Map<String, String> objects = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(k.namespaces().list().getItems());
        all.addAll(k.rbac().roleBindings().inAnyNamespace().list().getItems());
        all.addAll(k.serviceAccounts().inAnyNamespace().list().getItems());
        all.addAll(k.resourceQuotas().inAnyNamespace().list().getItems());
        if (istio.model().authorizationPolicies()) {
            all.addAll(k.genericKubernetesResources(IstioKinds.authorizationPolicy(istio.authorizationPolicyVersion()))
                    .inAnyNamespace().list().getItems());
        }
        if (istio.model().serviceRoles()) {
            all.addAll(k.genericKubernetesResources(IstioKinds.SERVICE_ROLE).inAnyNamespace().list().getItems());
            all.addAll(k.genericKubernetesResources(IstioKinds.SERVICE_ROLE_BINDING).inAnyNamespace().list().getItems());
        }
        List<Profile> profiles = k.resources(Profile.class).list().getItems();
        all.addAll(profiles);
        for (HasMetadata o : all) {
            String key = o.getKind() + " " + Optional.ofNullable(o.getMetadata().getNamespace()).orElse("") + "/"
                    + o.getMetadata().getName();
            if (objects.put(key, normalized(k, o)) != null) {
                duplicates.add(key);
            }
        }
        Map<String, String> readiness = new TreeMap<>();
        for (Profile p : profiles) {
            readiness.put(p.getMetadata().getName(), ready(p));
        }
        return new ClusterSnapshot(objects, duplicates, readiness);
    }

    /** {@code True}, or {@code False/<reason>}, or {@code none} when no Ready condition was written. */
    static String ready(Profile p) {
        return Optional.ofNullable(p.getStatus()).flatMap(s -> s.condition(ProfileCondition.READY))
                .map(c -> c.isTrue() ? "True" : "False/" + c.reason()).orElse("none");
    }

    @SuppressWarnings("unchecked")
    private static String normalized(KubernetesClient k, HasMetadata o) {
        Map<String, Object> tree;
        try {
            tree = JSON.readValue(k.getKubernetesSerialization().asJson(o), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> meta = (Map<String, Object>) tree.get("metadata");
        for (String serverSet : List.of("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")) {
            meta.remove(serverSet);
        }
        Object refs = meta.get("ownerReferences");
        if (refs instanceof List<?> list) {
            list.forEach(r -> ((Map<String, Object>) r).remove("uid"));
        }
        if (o instanceof Profile) {
            tree.remove("status"); // compared as readiness: times and messages differ between runs
        }
        try {
            return JSON.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The profile's own objects (its namespace, everything in it, and the Profile itself). */
    Map<String, String> of(String profile) {
        return objects.entrySet().stream()
                .filter(e -> e.getKey().equals("Namespace /" + profile) || e.getKey().equals("Profile /" + profile)
                        || e.getKey().contains(" " + profile + "/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Keys whose content differs, or that only one side has, as readable lines (empty when equal). */
    List<String> differencesFrom(ClusterSnapshot reference) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : reference.objects.entrySet()) {
            String mine = objects.get(e.getKey());
            if (mine == null) {
                out.add("missing " + e.getKey());
            } else if (!mine.equals(e.getValue())) {
                out.add("differs " + e.getKey() + ": " + mine + " vs reference " + e.getValue());
            }
        }
        objects.keySet().stream().filter(key -> !reference.objects.containsKey(key)).forEach(key -> out.add("extra " + key));
        duplicates.forEach(key -> out.add("duplicate " + key));
        return out;
    }
}
