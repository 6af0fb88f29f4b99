package io.greenshank.profiles.sharing;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.greenshank.identity.Identity;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/** {@link AccessReviewer} over the {@code authorization.k8s.io/v1} SubjectAccessReview API. */
public final class KubernetesAccessReviewer implements AccessReviewer {

    private static final Logger LOG = Logger.getLogger(KubernetesAccessReviewer.class);

    private final KubernetesClient client;
    private final MeterRegistry registry;

    public KubernetesAccessReviewer(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
    }

    @Override
    public boolean allowed(Identity who, String namespace, String verb, String group, String resource, String name) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(who.user())
                .withGroups(who.groups())
                .withNewResourceAttributes()
                .withNamespace(namespace).withVerb(verb).withGroup(group).withResource(resource).withName(name)
                .endResourceAttributes()
                .endSpec()
                .build();
        try {
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
            boolean allowed = answer != null && answer.getStatus() != null
                    && Boolean.TRUE.equals(answer.getStatus().getAllowed());
            registry.counter("greenshank.profiles.access.reviews", "allowed", String.valueOf(allowed)).increment();
            return allowed;
        } catch (KubernetesClientException e) {
            registry.counter("greenshank.profiles.access.reviews", "allowed", "error").increment();
            LOG.warnf("SubjectAccessReview for %s (%s %s/%s in %s) failed, treated as denied: HTTP %d %s",
                    who.user(), verb, group, resource, namespace, e.getCode(), e.getMessage());
            return false;
        }
    }
}
