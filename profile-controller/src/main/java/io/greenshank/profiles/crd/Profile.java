package io.greenshank.profiles.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Kubeflow Profile ({@code profiles.kubeflow.org/v1}): one tenant, cluster-scoped, named like its namespace.
 * The schema is Kubeflow's; see {@code kubernetes/profiles.kubeflow.org.yaml} for the CRD that ships with it.
 */
@Group(Profile.GROUP)
@Version(Profile.VERSION)
@Kind(Profile.KIND)
@Plural(Profile.PLURAL)
@Singular("profile")
public class Profile extends CustomResource<ProfileSpec, ProfileStatus> {

    public static final String GROUP = "kubeflow.org";
    public static final String VERSION = "v1";
    public static final String KIND = "Profile";
    public static final String PLURAL = "profiles";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** Kubeflow's finalizer name, kept so that profiles created by Kubeflow's controller are handled the same way. */
    public static final String FINALIZER = "profile-finalizer";

    public Profile() {
    }

    public Profile(String name, ProfileSpec spec) {
        getMetadata().setName(name);
        setSpec(spec);
    }

    /** The reference every object created for this profile carries, so Kubernetes collects it with the profile. */
    @JsonIgnore
    public OwnerReference ownerReference() {
        return new OwnerReferenceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withName(getMetadata().getName())
                .withUid(getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    @JsonIgnore
    public boolean isBeingDeleted() {
        return getMetadata().getDeletionTimestamp() != null;
    }

    @JsonIgnore
    public boolean hasFinalizer() {
        return getMetadata().getFinalizers() != null && getMetadata().getFinalizers().contains(FINALIZER);
    }

    @Override
    protected ProfileSpec initSpec() {
        return new ProfileSpec(null, null, null);
    }
}
